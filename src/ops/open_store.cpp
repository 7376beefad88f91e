#include "ops/open_store.hpp"

#include <stdexcept>
#include <string_view>

#include "store/sqlite/sqlite_store.hpp"

namespace brisk::ops {

std::unique_ptr<store::Store> open_store(const store::StoreOptions& opts) {
  std::string_view t = opts.target;
  if (t.starts_with("postgres://") || t.starts_with("postgresql://")) {
    throw std::runtime_error("PostgreSQL targets are not supported by this build yet");
  }
  if (t.empty()) throw std::runtime_error("--db must not be empty");
  return store::sqlite::open_sqlite_store(opts);
}

}  // namespace brisk::ops
