// Creates and migrates the schema on start, and loads the signing keys.
#pragma once
#include <libpq-fe.h>

#include <string>

namespace brisk::store::postgres {

struct Keys {
  std::string cursor_key;  // 32 bytes
  std::string token_key;   // 32 bytes
};

// Applies the pending migrations and creates (or, with `rotate_token_key`,
// replaces) the keys, all in one transaction under a PostgreSQL advisory
// lock: instances that start together wait for each other, so each
// migration runs once and every instance reads the same keys. A schema
// newer than this binary knows is refused. Without `apply`, nothing is
// migrated and a database not at this binary's schema is refused (brisk
// check). Throws std::runtime_error with a clear message on failure.
Keys migrate(PGconn* c, bool rotate_token_key, bool apply = true);

// The schema version recorded in brisk_migrations (0 when none).
int schema_version(PGconn* c);

}  // namespace brisk::store::postgres
