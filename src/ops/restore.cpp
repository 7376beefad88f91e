#include "ops/restore.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "store/sqlite/collation.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite_library.hpp"

namespace brisk::ops {

namespace {

// The backup must be a whole, sound brisk database this binary can serve.
void check_backup(const std::string& path) {
  store::configure_sqlite_library();
  store::sqlite::Db db;
  std::string err = db.open("file:" + path + "?mode=ro&immutable=1",
                            SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
  if (!err.empty()) throw std::runtime_error("cannot read the backup '" + path + "': " + err);
  // The index checks need brisk's collation and tokenizer.
  if (!store::sqlite::register_extensions(db.get())) {
    throw std::runtime_error("SQLite lacks FTS5 or unicode61");
  }
  store::sqlite::Stmt v = db.prepare("PRAGMA user_version");
  const int version = v.step() == SQLITE_ROW ? static_cast<int>(v.int64(0)) : -1;
  if (version < 1) throw std::runtime_error("'" + path + "' is not a brisk database");
  if (version > store::sqlite::latest_schema_version()) {
    throw std::runtime_error("the backup's schema version is " + std::to_string(version) +
                             ", newer than this brisk knows; use a newer brisk binary");
  }
  store::sqlite::Stmt q = db.prepare("PRAGMA quick_check");
  if (q.step() != SQLITE_ROW || q.text(0) != "ok") {
    throw std::runtime_error("the backup '" + path + "' is damaged (quick_check failed)");
  }
}

void copy_file(const std::string& from, const std::string& to) {
  int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) throw std::runtime_error("cannot read " + from + ": " + std::strerror(errno));
  int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) {
    ::close(in);
    throw std::runtime_error("cannot write " + to + ": " + std::strerror(errno));
  }
  char buf[1 << 16];
  bool ok = true;
  for (ssize_t n; ok && (n = ::read(in, buf, sizeof buf)) != 0;) {
    ok = n > 0 && ::write(out, buf, static_cast<std::size_t>(n)) == n;
  }
  ok = ok && ::fsync(out) == 0;
  ::close(in);
  ::close(out);
  if (!ok) {
    ::unlink(to.c_str());
    throw std::runtime_error("copying the backup failed: " + std::string(std::strerror(errno)));
  }
}

}  // namespace

void restore_sqlite(const std::string& backup, const std::string& db) {
  check_backup(backup);
  // The lock a serving brisk holds on its database file (sqlite_store.cpp).
  int lock = ::open(db.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0) throw std::runtime_error("cannot open " + db + ": " + std::strerror(errno));
  if (::flock(lock, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock);
    throw std::runtime_error("database '" + db +
                             "' is in use by a brisk process; stop it before restoring");
  }
  const std::string tmp = db + ".restoring";
  try {
    copy_file(backup, tmp);
    if (std::rename(tmp.c_str(), db.c_str()) != 0) {
      throw std::runtime_error("cannot replace " + db + ": " + std::strerror(errno));
    }
    for (const char* suffix : {"-wal", "-shm"}) ::unlink((db + suffix).c_str());
    // The rename itself is durable once the directory is synced.
    const std::size_t slash = db.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : db.substr(0, slash + 1);
    if (int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); d >= 0) {
      ::fsync(d);
      ::close(d);
    }
  } catch (...) {
    ::unlink(tmp.c_str());
    ::close(lock);
    throw;
  }
  ::close(lock);
}

}  // namespace brisk::ops
