#include "store/sqlite/sqlite_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <sodium.h>

#include "store/sqlite/migrate.hpp"
#include "store/sqlite/tokenizer.hpp"

namespace brisk::store::sqlite {

namespace {
// brisk owns its database file: the "unix-excl" VFS holds one exclusive lock
// for the process and keeps the WAL index in heap memory, which saves two
// fcntl calls per read transaction.
constexpr const char* kVfs = "unix-excl";

std::string memory_path() {
  struct stat st;
  std::string dir = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp";
  unsigned char rnd[8];
  randombytes_buf(rnd, sizeof rnd);
  char hex[17];
  sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
  return dir + "/brisk-memory-" + std::to_string(getpid()) + "-" + hex + ".db";
}

void remove_files(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) ::unlink((path + suffix).c_str());
}
}  // namespace

SqliteStore::SqliteStore(const StoreOptions& opts) {
  configure_library();
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  temporary_ = opts.target == ":memory:";
  path_ = temporary_ ? memory_path() : opts.target;

  if (temporary_) temp_files_.path = path_;
  lock_.acquire(path_);

  Db db;
  std::string err = db.open(path_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, kVfs);
  if (!err.empty()) throw std::runtime_error("cannot open database '" + path_ + "': " + err);
  sqlite3_busy_timeout(db.get(), 5000);
  // tasks_fts (migration 002) is tokenized by brisk's own tokenizer.
  if (!register_tokenizer(db.get())) {
    throw std::runtime_error("this SQLite library lacks FTS5 (with unicode61), which brisk needs");
  }
  // A 2xx means durable: WAL with a full sync on every commit (":memory:"
  // keeps nothing, so it skips the sync).
  err = db.exec(temporary_ ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
                           : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
  if (err.empty()) err = migrate(db);
  if (!err.empty()) {
    throw std::runtime_error("database '" + (temporary_ ? std::string(":memory:") : path_) + "': " + err);
  }
  // The cursor signing key: created once, kept with the data.
  {
    Stmt get = db.prepare("SELECT value FROM meta WHERE key = 'cursor_key'");
    if (get.step() == SQLITE_ROW) cursor_key_.assign(get.blob(0));
  }
  if (cursor_key_.size() != 32) {
    cursor_key_.resize(32);
    randombytes_buf(cursor_key_.data(), cursor_key_.size());
    Stmt put = db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('cursor_key', ?1)");
    put.bind_blob(1, cursor_key_.data(), cursor_key_.size());
    if (put.step() != SQLITE_DONE) throw std::runtime_error("cannot store the cursor key: " + db.error());
  }
  for (unsigned i = 0; i < std::max(1u, opts.readers); ++i) {
    readers_.push_back(std::make_unique<SqliteReader>(path_, kVfs));
  }
  writer_ = std::make_unique<Writer>(std::move(db));
  writer_->start();
}

void SqliteStore::stop() {
  if (writer_) writer_->stop();
}

SqliteStore::~SqliteStore() {
  stop();
  writer_.reset();
  readers_.clear();
}

// Refuses a file another brisk serves: two writers would break group commit
// and the single-writer guarantees. flock is independent of SQLite's own POSIX
// locks. The descriptor is closed only after every SQLite connection (closing
// any descriptor of the file drops the process's POSIX locks on it).
void FileLock::acquire(const std::string& path) {
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    throw std::runtime_error("cannot open database file '" + path + "': " + std::strerror(errno));
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    throw std::runtime_error("database file '" + path +
                             "' is in use by another brisk process; stop it or choose another --db");
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);
}

TempFiles::~TempFiles() {
  if (!path.empty()) remove_files(path);
}

}  // namespace brisk::store::sqlite
