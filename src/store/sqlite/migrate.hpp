// Applies the embedded migrations to a SQLite database in one transaction.
#pragma once
#include <string>

#include "store/sqlite/db.hpp"

namespace brisk::store::sqlite {

// Brings the schema to latest_schema_version(). Returns an empty string, or
// the reason it refused (a newer schema than this binary knows) or failed.
std::string migrate(Db& db);

// An empty string when `db` is at latest_schema_version(), else why not
// (nothing is changed).
std::string at_latest_schema(Db& db);

}  // namespace brisk::store::sqlite
