#include "ops/open_store.hpp"

#include <stdexcept>
#include <string_view>

#include "store/postgres/pg_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace brisk::ops {

std::unique_ptr<store::Store> open_store(const store::StoreOptions& opts) {
  std::string_view t = opts.target;
  if (t.empty()) throw std::runtime_error("--db must not be empty");
  // libpq's URI parameters (?sslmode=...) pass through.
  if (store::postgres::is_postgres_url(t)) return store::postgres::open_pg_store(opts);
  return store::sqlite::open_sqlite_store(opts);
}

}  // namespace brisk::ops
