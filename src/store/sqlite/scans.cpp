// SqliteStore's blocking scans and checks, for command-line tools: each on
// a connection of its own, beside the readers and the writer (the process
// holds the file's lock; "unix-excl" shares it between its connections).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "store/sqlite/collation.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace brisk::store::sqlite {

namespace {
constexpr const char* kVfs = "unix-excl";

util::Uuid uuid_of(std::string_view blob) {
  util::Uuid id;
  if (blob.size() == id.bytes.size()) std::copy(blob.begin(), blob.end(), id.bytes.begin());
  return id;
}
}  // namespace

Db SqliteStore::open_side_connection(int flags) const {
  Db db;
  std::string err = db.open(path_, flags | SQLITE_OPEN_NOMUTEX, kVfs);
  if (!err.empty()) throw std::runtime_error("cannot open the database: " + err);
  sqlite3_busy_timeout(db.get(), 5000);
  if (!register_extensions(db.get())) throw std::runtime_error("SQLite lacks FTS5 or unicode61");
  return db;
}

void SqliteStore::scan_users(const std::function<void(const UserRow&)>& fn) {
  Db db = open_side_connection(SQLITE_OPEN_READONLY);
  Stmt s = db.prepare(
      "SELECT owner, id, username, password_hash, created_at, disabled FROM users ORDER BY owner");
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    UserRow u;
    u.owner = s.int64(0);
    u.id = uuid_of(s.blob(1));
    u.username.assign(s.text(2));
    u.password_hash.assign(s.text(3));
    u.created_at = s.int64(4);
    u.disabled = s.int64(5);
    fn(u);
  }
  if (rc != SQLITE_DONE) throw std::runtime_error("reading users failed: " + db.error());
}

void SqliteStore::scan_tasks(std::optional<Owner> owner,
                             const std::function<void(Owner, std::string_view)>& fn) {
  Db db = open_side_connection(SQLITE_OPEN_READONLY);
  Stmt s = db.prepare(owner ? "SELECT owner, body FROM tasks WHERE owner = ?1 "
                              "ORDER BY created_at, id"
                            : "SELECT owner, body FROM tasks ORDER BY owner, created_at, id");
  if (owner) s.bind(1, *owner);
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) fn(s.int64(0), s.text(1));
  if (rc != SQLITE_DONE) throw std::runtime_error("reading tasks failed: " + db.error());
}

int SqliteStore::schema_version() {
  Db db = open_side_connection(SQLITE_OPEN_READONLY);
  Stmt s = db.prepare("PRAGMA user_version");
  return s.step() == SQLITE_ROW ? static_cast<int>(s.int64(0)) : -1;
}

std::string integrity_problems_of_file(const std::string& path) {
  Db db;
  if (std::string err = db.open(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, kVfs);
      !err.empty()) {
    return "cannot open the file: " + err + "\n";
  }
  if (!register_extensions(db.get())) return "SQLite lacks FTS5 or unicode61\n";
  std::string problems;
  Stmt s = db.prepare("PRAGMA integrity_check");
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    if (s.text(0) != "ok") problems.append(s.text(0)).append("\n");
  }
  if (rc != SQLITE_DONE) problems += "integrity_check failed: " + db.error() + "\n";
  return problems;
}

std::string SqliteStore::check_integrity() {
  Db db = open_side_connection(SQLITE_OPEN_READWRITE);
  std::string problems;
  {
    Stmt s = db.prepare("PRAGMA integrity_check");
    while (s.step() == SQLITE_ROW) {
      if (s.text(0) != "ok") problems.append(s.text(0)).append("\n");
    }
  }
  // The full-text index against its contentless rows: a write, rolled back.
  if (std::string err = db.exec("BEGIN; INSERT INTO tasks_fts (tasks_fts, rank) "
                                "VALUES ('integrity-check', 0); ROLLBACK;");
      !err.empty()) {
    db.exec("ROLLBACK");
    problems += "the full-text index: " + err + "\n";
  }
  return problems;
}

void SqliteStore::backup_to(const std::string& path) {
  if (temporary_) throw std::runtime_error("a :memory: database has nothing to back up");
  // VACUUM INTO reads one snapshot (a read transaction) and writes a fresh,
  // compact database file, complete without any WAL: consistent while the
  // writer goes on committing.
  // The copy holds password hashes and the signing key: create it 0600
  // first (VACUUM INTO fills an empty file), and never overwrite one.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw std::runtime_error("cannot create '" + path + "': " + std::strerror(errno));
  }
  ::close(fd);
  Db db = open_side_connection(SQLITE_OPEN_READONLY);
  Stmt s = db.prepare("VACUUM INTO ?1");
  s.bind(1, std::string_view(path));
  if (s.step() != SQLITE_DONE) {
    const std::string err = db.error();
    ::unlink(path.c_str());  // no half-written copy left to be mistaken for a backup
    throw std::runtime_error("backup failed: " + err);
  }
}

}  // namespace brisk::store::sqlite
