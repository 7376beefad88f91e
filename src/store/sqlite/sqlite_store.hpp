// The SQLite store: one file (or a private in-memory file for ":memory:"),
// WAL, synchronous=FULL, an exclusive process lock, per-thread readers and
// the group-commit writer.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "store/sqlite/health.hpp"
#include "store/sqlite/read_pool.hpp"
#include "store/sqlite/reader.hpp"
#include "store/sqlite/writer.hpp"
#include "store/store.hpp"

namespace brisk::store::sqlite {

// An flock()ed file descriptor, released when destroyed (also when the
// store's constructor throws part-way).
class FileLock {
 public:
  FileLock() = default;
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  // Opens (creating) and locks `path` exclusively; throws if another process holds it.
  void acquire(const std::string& path);
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

// Removes a temporary database's files when destroyed, if armed.
struct TempFiles {
  std::string path;
  ~TempFiles();
};

// PRAGMA integrity_check of the file at `path` on a plain read-only
// connection, for a file the store cannot open: one line per problem.
std::string integrity_problems_of_file(const std::string& path);

class SqliteStore final : public Store {
 public:
  // Every connection goes through the registered VFS `base_vfs` (null:
  // unix-excl), the writer's with the coalescing WAL layer over it. Another
  // base is for tests: the power-cut VFS (testing/crash_vfs.hpp).
  explicit SqliteStore(const StoreOptions& opts, const char* base_vfs = nullptr);
  ~SqliteStore() override;
  Reader& reader(unsigned index) override { return *readers_.at(index); }
  void submit(WriteRequest req) override { writer_->submit(std::move(req)); }
  void enqueue(WriteRequest req) override { writer_->enqueue(std::move(req)); }
  void flush() override { writer_->flush(); }
  std::string cursor_key() override { return cursor_key_; }
  std::string token_key() override { return token_key_; }
  CommitStats commit_stats() const override { return writer_->stats(); }
  bool disk_full() const override { return writer_->disk_full(); }
  std::string fault() const override { return health_ ? health_->reason() : std::string(); }
  void set_event_sink(EventSink* sink) override { writer_->set_event_sink(sink); }
  // This process is the only writer (exclusive lock), so its counter is exact.
  std::optional<std::uint64_t> task_generation() const override {
    if (!read_cache_) return std::nullopt;
    return cache_.task_generation();
  }
  void stop() override;
  // scans.cpp: on a connection of their own (command-line tools).
  void scan_users(const std::function<void(const UserRow&)>& fn) override;
  void scan_tasks(std::optional<Owner> owner,
                  const std::function<void(Owner, std::string_view body)>& fn) override;
  int schema_version() override;
  std::string check_integrity() override;
  void backup_to(const std::string& path) override;

 private:
  // Declaration order matters: members are destroyed in reverse, so the
  // connections close before the files are removed and the lock released.
  Db open_side_connection(int flags) const;
  std::string path_;
  bool temporary_ = false;  // ":memory:": the file is private and removed on close
  TempFiles temp_files_;    // armed for ":memory:"
  FileLock lock_;
  // Outlive the writer and readers that use them; the watch uses lock_'s
  // descriptor (the database file's inode), so it stops before lock_ closes.
  std::unique_ptr<Health> health_;
  std::unique_ptr<FileWatch> watch_;
  bool read_cache_ = true;                          // StoreOptions::read_cache
  TaskCache cache_{std::size_t{16} * 1024 * 1024};  // served JSON of recently read tasks
  std::unique_ptr<Writer> writer_;
  // Destroyed after the readers that hand it their costly lists.
  std::unique_ptr<ReadPool> pool_;
  std::vector<std::unique_ptr<SqliteReader>> readers_;
  std::string cursor_key_;
  std::string token_key_;
};

// Opens (creating and migrating) a SQLite store: a file, or ":memory:".
// Throws std::runtime_error with a clear, client-safe message on failure.
inline std::unique_ptr<Store> open_sqlite_store(const StoreOptions& opts) {
  return std::make_unique<SqliteStore>(opts);
}

}  // namespace brisk::store::sqlite
