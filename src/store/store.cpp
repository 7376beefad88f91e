#include "store/store.hpp"

#include <stdexcept>

#include "store/sqlite/sqlite_store.hpp"

namespace brisk::store {

bool Precondition::matches(std::int64_t v) const {
  if (any) return true;
  for (std::int64_t x : versions) {
    if (x == v) return true;
  }
  return false;
}

std::unique_ptr<Store> open_store(const StoreOptions& opts) {
  std::string_view t = opts.target;
  if (t.starts_with("postgres://") || t.starts_with("postgresql://")) {
    throw std::runtime_error("PostgreSQL targets are not supported by this build yet");
  }
  if (t.empty()) throw std::runtime_error("--db must not be empty");
  return std::make_unique<sqlite::SqliteStore>(opts);
}

}  // namespace brisk::store
