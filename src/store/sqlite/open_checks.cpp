#include "store/sqlite/open_checks.hpp"

#include <string_view>

namespace brisk::store::sqlite {

std::string check_is_brisk_database(Db& db, const std::string& shown) {
  Stmt tables = db.prepare_checked(
      "SELECT count(*), coalesce(sum(name IN ('meta', 'tasks')), 0) FROM sqlite_master "
      "WHERE type = 'table'");
  if (!tables) return explain_open_error(db, shown, "cannot read it");
  if (tables.step() != SQLITE_ROW) return explain_open_error(db, shown, "cannot read it");
  const std::int64_t count = tables.int64(0), ours = tables.int64(1);
  Stmt version = db.prepare_checked("PRAGMA user_version");
  if (!version || version.step() != SQLITE_ROW)
    return explain_open_error(db, shown, "cannot read it");
  const std::int64_t user_version = version.int64(0);
  // No tables: nothing of anyone's to protect; brisk makes its schema (and
  // the migrations refuse a user_version newer than this binary's).
  if (count == 0) return {};
  if (user_version > 0 && ours == 2) return {};
  return "'" + shown +
         "' is a SQLite database, but not brisk's (it has no brisk schema); brisk will not "
         "change it. Choose another --db";
}

std::string check_structure(Db& db, const std::string& shown) {
  // quick_check: every page and b-tree, without comparing indexes to tables
  // (integrity_check does, in O(N log N)). Up to 5 findings are reported.
  Stmt check = db.prepare_checked("PRAGMA quick_check(5)");
  if (!check) return explain_open_error(db, shown, "cannot check it");
  std::string findings;
  int rc;
  while ((rc = check.step()) == SQLITE_ROW) {
    std::string_view line = check.text(0);
    if (line == "ok") return {};
    findings += findings.empty() ? "" : "; ";
    findings += line;
  }
  if (rc != SQLITE_DONE) {
    // The check can stop at the first page it cannot read at all.
    if ((sqlite3_extended_errcode(db.get()) & 0xff) != SQLITE_CORRUPT) {
      return explain_open_error(db, shown, "cannot check it");
    }
    findings += findings.empty() ? "" : "; ";
    findings += db.error();
  }
  // One line: SQLite's findings may hold newlines.
  for (char& ch : findings) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  return "database '" + shown + "' is damaged (PRAGMA quick_check: " + findings +
         "). brisk has not changed it. Restore a backup, or serve a copy after `sqlite3 FILE "
         "'.recover'`; --skip-quick-check starts without this check";
}

std::string explain_open_error(Db& db, const std::string& shown, const std::string& what) {
  const int rc = sqlite3_extended_errcode(db.get());
  std::string why = db.error();
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
      return "'" + shown + "' is not a SQLite database (" + why + "); brisk has not changed it";
    case SQLITE_CORRUPT:
      return "database '" + shown + "' is damaged (" + why + "); brisk has not changed it";
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return "database '" + shown + "': " + what + " (" + why +
             "): brisk needs to read and write the file and to create '" + shown + "-wal' and '" +
             shown +
             "-shm' beside it; check the permissions of the file and "
             "of its directory";
    default:
      return "database '" + shown + "': " + what + " (" + why + ")";
  }
}

}  // namespace brisk::store::sqlite
