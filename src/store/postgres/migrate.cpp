#include "store/postgres/migrate.hpp"

#include <sodium.h>

#include <stdexcept>

#include "store/postgres/migrations.hpp"
#include "store/postgres/pg.hpp"

namespace brisk::store::postgres {

namespace {

// Takes the advisory lock whose key is "brisk" as an integer, the same for
// every instance (and no other application is expected to use it).
constexpr const char* kLockSql = "SELECT pg_advisory_xact_lock(452857377131)";

// The 32-byte secret `name` from meta, created with fresh random bytes if
// missing (or replaced if `replace`).
std::string load_key(PGconn* c, const char* name, bool replace) {
  std::string key(32, '\0');
  randombytes_buf(key.data(), key.size());
  Params p;
  p.text(std::string_view(name)).bytea(key);
  std::string sql = "INSERT INTO meta (key, value) VALUES ($1, $2::bytea) ON CONFLICT (key) DO ";
  sql += replace ? "UPDATE SET value = EXCLUDED.value" : "NOTHING";
  exec(c, sql, {std::string(name), std::string(p.values()[1])}, "cannot store a key");
  Result r =
      exec(c, "SELECT value FROM meta WHERE key = $1", {std::string(name)}, "cannot read a key");
  std::string stored = PQntuples(r.get()) == 1 ? bytea_of(text_of(r.get(), 0, 0)) : "";
  if (stored.size() != 32)
    throw std::runtime_error(std::string("the stored ") + name + " is not 32 bytes");
  return stored;
}

// Refuses a schema this binary cannot serve: newer than it knows, or (when
// not migrating) older.
void check_version(int current, bool apply) {
  const int latest = latest_schema_version();
  if (current > latest) {
    throw std::runtime_error("the database schema version is " + std::to_string(current) +
                             ", newer than this brisk knows (" + std::to_string(latest) +
                             "); use a newer brisk binary");
  }
  if (!apply && current < latest) {
    throw std::runtime_error("the database schema version is " + std::to_string(current) +
                             ", this brisk's is " + std::to_string(latest) +
                             "; run brisk migrate first");
  }
}

}  // namespace

int schema_version(PGconn* c) {
  Result t = exec(c, "SELECT to_regclass('brisk_migrations') IS NOT NULL",
                  "cannot read the schema version");
  if (text_of(t.get(), 0, 0) != "t") return 0;
  Result v = exec(c, "SELECT coalesce(max(version), 0) FROM brisk_migrations",
                  "cannot read the schema version");
  return static_cast<int>(int64_of(v.get(), 0, 0));
}

Keys migrate(PGconn* c, bool rotate_token_key, bool apply) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  exec(c, "BEGIN", "cannot start migration");
  try {
    // Held until COMMIT: a second instance waits here, then finds the
    // schema migrated and the keys made.
    exec(c, kLockSql, "cannot take the migration lock");
    if (apply) {
      exec(c,
           "CREATE TABLE IF NOT EXISTS brisk_migrations ("
           "version integer PRIMARY KEY, name text NOT NULL, "
           "applied_at timestamptz NOT NULL DEFAULT now())",
           "cannot create brisk_migrations");
    }
    const int current = schema_version(c);
    check_version(current, apply);
    for (std::size_t i = 0; i < kMigrationCount; ++i) {
      const Migration& m = kMigrations[i];
      if (m.version <= current) continue;
      exec(c, m.sql, (std::string("migration ") + m.name + " failed").c_str());
      exec(c, "INSERT INTO brisk_migrations (version, name) VALUES ($1, $2)",
           {std::to_string(m.version), std::string(m.name)}, "cannot record a migration");
    }
    Keys keys;
    keys.cursor_key = load_key(c, "cursor_key", false);
    keys.token_key = load_key(c, "token_key", rotate_token_key);
    exec(c, "COMMIT", "cannot commit migration");
    return keys;
  } catch (...) {
    PQclear(PQexec(c, "ROLLBACK"));
    throw;
  }
}

}  // namespace brisk::store::postgres
