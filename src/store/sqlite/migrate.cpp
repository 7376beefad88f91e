#include "store/sqlite/migrate.hpp"

#include "store/sqlite/migrations.hpp"

namespace brisk::store::sqlite {

std::string migrate(Db& db) {
  // BEGIN IMMEDIATE takes the write lock before reading the version, so two
  // processes can never both apply the same migration.
  if (auto err = db.exec("BEGIN IMMEDIATE"); !err.empty()) return "cannot start migration: " + err;
  int current = 0;
  {
    Stmt s = db.prepare("PRAGMA user_version");
    if (s.step() == SQLITE_ROW) current = static_cast<int>(s.int64(0));
  }
  const int latest = latest_schema_version();
  if (current > latest) {
    db.exec("ROLLBACK");
    return "the database schema version is " + std::to_string(current) +
           ", newer than this brisk knows (" + std::to_string(latest) +
           "); use a newer brisk binary";
  }
  for (std::size_t i = 0; i < kMigrationCount; ++i) {
    const Migration& m = kMigrations[i];
    if (m.version <= current) continue;
    if (auto err = db.exec(m.sql); !err.empty()) {
      db.exec("ROLLBACK");
      return std::string("migration ") + m.name + " failed: " + err;
    }
  }
  if (latest != current) {
    db.exec("PRAGMA user_version = " + std::to_string(latest));
  }
  if (auto err = db.exec("COMMIT"); !err.empty()) {
    db.exec("ROLLBACK");
    return "cannot commit migration: " + err;
  }
  return {};
}

std::string at_latest_schema(Db& db) {
  Stmt s = db.prepare("PRAGMA user_version");
  const int current = s.step() == SQLITE_ROW ? static_cast<int>(s.int64(0)) : -1;
  const int latest = latest_schema_version();
  if (current == latest) return {};
  return "the database schema version is " + std::to_string(current) + ", this brisk's is " +
         std::to_string(latest) +
         (current < latest ? "; run brisk migrate first" : "; use a newer brisk binary");
}

}  // namespace brisk::store::sqlite
