// Schema migrations, embedded in the binary from sqlite/migrations/NNN_name.sql
// (see cmake/embed_migrations.cmake). Versions are 1, 2, 3... with no gaps;
// a database records the last applied one (SQLite: PRAGMA user_version).
#pragma once
#include <cstddef>

namespace brisk::store::sqlite {

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

}  // namespace brisk::store::sqlite
