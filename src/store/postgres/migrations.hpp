// Schema migrations of the PostgreSQL store, embedded in the binary from
// postgres/migrations/NNN_name.sql (see cmake/embed_migrations.cmake).
// Versions are 1, 2, 3... with no gaps; a database records the applied
// ones in brisk_migrations (migrate.cpp).
#pragma once
#include <cstddef>

namespace brisk::store::postgres {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

extern const Migration kMigrations[];
extern const std::size_t kMigrationCount;

inline int latest_schema_version() {
  return kMigrationCount == 0 ? 0 : kMigrations[kMigrationCount - 1].version;
}

}  // namespace brisk::store::postgres
