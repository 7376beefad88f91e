#include "store/store.hpp"

#include <stdexcept>

#include "store/sqlite/sqlite_store.hpp"

namespace brisk::store {

std::unique_ptr<Store> open_store(const StoreOptions& opts) {
  std::string_view t = opts.target;
  if (t.starts_with("postgres://") || t.starts_with("postgresql://")) {
    throw std::runtime_error("PostgreSQL targets are not supported by this build yet");
  }
  if (t.empty()) throw std::runtime_error("--db must not be empty");
  return std::make_unique<sqlite::SqliteStore>(opts);
}

}  // namespace brisk::store
