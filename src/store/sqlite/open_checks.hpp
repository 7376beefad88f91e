// What brisk checks of a database file before it writes anything to it, so
// that a wrong --db is refused with one clear line and the file untouched:
// a file that is not SQLite, a SQLite database of another application, a
// damaged database (PRAGMA quick_check), a directory where the WAL cannot
// be created.
#pragma once
#include <string>

#include "store/sqlite/db.hpp"

namespace brisk::store::sqlite {

// Empty when `db` (just opened, nothing written) is empty or holds brisk's
// schema; otherwise why not, naming `shown` (the path as the user gave it).
std::string check_is_brisk_database(Db& db, const std::string& shown);

// Empty when PRAGMA quick_check says "ok"; otherwise its first findings.
// Reads every page of the database: about a second per GB.
std::string check_structure(Db& db, const std::string& shown);

// A clearer text for an error met while opening: SQLite's own words, plus
// what to look at for the usual causes.
std::string explain_open_error(Db& db, const std::string& shown, const std::string& what);

}  // namespace brisk::store::sqlite
