#include "store/sqlite/sqlite_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <sodium.h>

#include "store/sqlite/collation.hpp"
#include "store/sqlite/migrate.hpp"
#include "store/sqlite/open_checks.hpp"
#include "store/sqlite/wal_vfs.hpp"
#include "store/sqlite_library.hpp"

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

// Returns the 32-byte secret `name` from meta, creating (or, if `replace`,
// replacing) it with fresh random bytes.
std::string load_key(Db& db, const char* name, bool replace) {
  std::string key;
  if (!replace) {
    Stmt get = db.prepare("SELECT value FROM meta WHERE key = ?1");
    get.bind(1, std::string_view(name));
    if (get.step() == SQLITE_ROW) key.assign(get.blob(0));
  }
  if (key.size() == 32) return key;
  key.resize(32);
  randombytes_buf(key.data(), key.size());
  Stmt put = db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)");
  put.bind(1, std::string_view(name)).bind_blob(2, key.data(), key.size());
  if (put.step() != SQLITE_DONE)
    throw std::runtime_error(std::string("cannot store ") + name + ": " + db.error());
  return key;
}

void remove_files(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) ::unlink((path + suffix).c_str());
}
}  // namespace

SqliteStore::SqliteStore(const StoreOptions& opts, const char* base_vfs) {
  configure_sqlite_library();
  const char* vfs = base_vfs ? base_vfs : kVfs;
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  temporary_ = opts.target == ":memory:";
  path_ = temporary_ ? memory_path() : opts.target;

  if (temporary_) temp_files_.path = path_;
  lock_.acquire(path_);

  // The writer coalesces its WAL writes into one per commit (wal_vfs.hpp),
  // which needs SQLite to sync the WAL at every commit; for ":memory:" the
  // VFS's sync only writes, and no fsync is made.
  const std::string shown = temporary_ ? std::string(":memory:") : path_;
  Db db;
  std::string err = db.open(path_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                            coalescing_wal_vfs(!temporary_, vfs));
  if (!err.empty()) throw std::runtime_error("cannot open database '" + shown + "': " + err);
  sqlite3_busy_timeout(db.get(), 5000);
  // tasks_fts (migration 002) is tokenized by brisk's own tokenizer, and
  // titles sort by its own collation (005).
  if (!register_extensions(db.get())) {
    throw std::runtime_error("this SQLite library lacks FTS5 (with unicode61), which brisk needs");
  }
  // Before anything is written to it: a file that is not brisk's, or is
  // damaged, is refused with one clear line and left as it was.
  err = check_is_brisk_database(db, shown);
  if (err.empty() && opts.quick_check && !temporary_) err = check_structure(db, shown);
  if (!err.empty()) throw std::runtime_error(err);
  // A 2xx means durable: WAL with a full sync on every commit (":memory:"
  // keeps nothing: its VFS makes the sync a plain write).
  // Temporary tables, indexes and statement journals stay in memory: by
  // default they are files in /tmp, which showed up as ext4 writes in every
  // POST's profile.
  err = db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY;");
  // The writer's page cache is SQLite's default 2 MB: with 256 KiB its
  // b-tree pages kept falling out, 2.7 reads of a page per POST instead of
  // 0.7, and a POST cost more CPU (docs/DECISIONS.md "Memory", 2026-12-05).
  // What it holds is handed back after a quiet second instead
  // (WalCheckpointer::when_idle), so an idle server does not keep it. A
  // batch's dirty pages stay in memory up to 2 MiB (cache_spill, in 4 KiB
  // pages) before they are spilled to the WAL mid-transaction.
  if (err.empty()) err = db.exec("PRAGMA cache_spill=512;");
  if (err.empty()) err = opts.migrate ? migrate(db) : at_latest_schema(db);
  if (!err.empty()) throw std::runtime_error("database '" + shown + "': " + err);
  // Signing keys: created on first start, kept with the data, so cursors and
  // tokens survive restarts.
  cursor_key_ = load_key(db, "cursor_key", false);
  token_key_ = load_key(db, "token_key", opts.rotate_token_key);
  // From here on, faults that no retry cures are watched for (health.hpp):
  // corruption met by any connection, and (for a file) the path naming
  // another file or none.
  health_ = std::make_unique<Health>(shown);
  if (!temporary_) watch_ = std::make_unique<FileWatch>(*health_, path_, lock_.fd());
  read_cache_ = opts.read_cache;
  pool_ = std::make_unique<ReadPool>(
      path_, vfs,
      ReadPoolOptions{.threads = opts.costly_readers,
                      .queue = opts.costly_queue,
                      .per_client = std::max(1u, opts.costly_per_client),
                      .timeout = std::chrono::milliseconds(opts.query_timeout_ms),
                      .health = health_.get()});
  for (unsigned i = 0; i < std::max(1u, opts.readers); ++i) {
    // The writer keeps the cache current either way; readers without it read
    // every task from the database.
    readers_.push_back(std::make_unique<SqliteReader>(path_, vfs, read_cache_ ? &cache_ : nullptr,
                                                      pool_.get(), health_.get()));
  }
  writer_ =
      std::make_unique<Writer>(std::move(db), &cache_, opts.idempotency_ttl_ms, opts.event_window);
  writer_->set_health(health_.get());
  writer_->start();
}

void SqliteStore::stop() {
  if (writer_) writer_->stop();
}

// The costly-read pool stops last among the threads: reads may still come
// after stop() (the writer's), and a list running now ends within its time
// budget.
SqliteStore::~SqliteStore() {
  stop();
  writer_.reset();
  readers_.clear();
  if (pool_) pool_->stop();
  pool_.reset();
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
    throw std::runtime_error(
        "database file '" + path +
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
