// The writer's WAL stays bounded while readers hold snapshots, and empties
// when writes stop (wal_checkpoint.hpp). A real file, the real store and
// writer, and readers on their own connections that keep beginning and
// ending read transactions, as the event loops and the read pool do.
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/collation.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/sqlite/wal_checkpoint.hpp"
#include "store/store.hpp"
#include "store/testing.hpp"
#include "util/time.hpp"

namespace brisk::store {
namespace {

std::string temp_db(std::string_view tag) {
  std::string dir = ::testing::TempDir();
  if (dir.empty() || dir.back() != '/') dir += '/';
  return dir + "brisk-wal-test-" + std::to_string(::getpid()) + "-" + std::string(tag) + ".db";
}

void remove_db_files(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) ::unlink((path + suffix).c_str());
}

std::int64_t file_size(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

// Threads that each keep a read transaction open for about `hold`, end it
// and begin the next at once, each on its own connection (brisk's VFS), so
// that some reader nearly always holds a snapshot older than the last
// commit. Counts the transactions.
class SnapshotReaders {
 public:
  SnapshotReaders(const std::string& path, int threads, std::chrono::microseconds hold) {
    for (int i = 0; i < threads; ++i) {
      threads_.emplace_back([this, path, hold, i] {
        sqlite3* db = nullptr;
        if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                            "unix-excl") != SQLITE_OK ||
            !sqlite::register_extensions(db)) {
          failed_ = true;
          sqlite3_close(db);
          return;
        }
        sqlite3_busy_timeout(db, 5000);
        sqlite3_stmt* count = nullptr;
        sqlite3_prepare_v2(db, "SELECT count(*) FROM tasks", -1, &count, nullptr);
        // Staggered, so that the readers' transactions overlap.
        std::this_thread::sleep_for(hold * i / 2);
        while (!stop_.load()) {
          if (sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK ||
              sqlite3_step(count) != SQLITE_ROW) {
            failed_ = true;
          }
          sqlite3_reset(count);
          std::this_thread::sleep_for(hold);
          sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
          transactions_.fetch_add(1);
        }
        sqlite3_finalize(count);
        sqlite3_close(db);
      });
    }
  }
  ~SnapshotReaders() { stop(); }
  void stop() {
    stop_ = true;
    for (std::thread& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  bool failed() const { return failed_.load(); }
  std::uint64_t transactions() const { return transactions_.load(); }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  std::atomic<std::uint64_t> transactions_{0};
  std::vector<std::thread> threads_;
};

TEST(WalCheckpoint, TheWalStaysBoundedWhileReadersHoldSnapshotsAndEmptiesWhenIdle) {
  const std::string path = temp_db("bounded");
  remove_db_files(path);
  StoreOptions opts;
  opts.target = path;
  opts.readers = 1;
  auto store = sqlite::open_sqlite_store(opts);
  const sqlite::WalPolicy policy;  // the writer's default

  // Some rows first, so that the readers' transactions take a moment.
  std::vector<std::future<WriteResult>> pending;
  for (int i = 0; i < 200; ++i) {
    pending.push_back(
        testing::enqueue(*store, CreateTask{testing::new_row("seed " + std::to_string(i)), {}}));
  }
  store->flush();
  for (auto& f : pending) ASSERT_EQ(f.get().status, WriteResult::Status::kOk);
  pending.clear();

  SnapshotReaders readers(path, 3, std::chrono::microseconds(1500));
  // Many small group commits, each waited for, as under a steady POST load.
  // Each writes a few dozen pages (the row, its index entries, FTS, the
  // event): about 40 MB of WAL in all, ten times the checkpoint threshold.
  std::int64_t largest = 0;
  const std::string wal = path + "-wal";
  for (int round = 0; round < 400; ++round) {
    for (int i = 0; i < 10; ++i) {
      pending.push_back(testing::enqueue(
          *store,
          CreateTask{testing::new_row("task " + std::to_string(round) + "." + std::to_string(i),
                                      kLocalOwner, util::now_unix_ms()),
                     {}}));
    }
    store->flush();
    for (auto& f : pending) ASSERT_EQ(f.get().status, WriteResult::Status::kOk);
    pending.clear();
    largest = std::max(largest, file_size(wal));
  }
  EXPECT_FALSE(readers.failed());
  EXPECT_GT(readers.transactions(), 100u);
  // The WAL restarts after about policy.frames (4 MB), a RESTART waiting
  // out the readers' short transactions, and one that outgrew the limit is
  // cut back to it. On a loaded machine a reader descheduled for longer
  // than a wait (seen: up to 100 ms) delays a restart by retry_frames at a
  // time, so the bound checked is twice the limit: without the policy this
  // test's WAL reaches about 40 MB.
  EXPECT_LE(largest, 2 * policy.size_limit) << "largest WAL " << largest << " bytes";

  // No more writes, readers still reading: the writer's idle TRUNCATE
  // empties the file within a few idle intervals.
  const auto deadline = std::chrono::steady_clock::now() + 10 * policy.idle;
  while (file_size(wal) != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(file_size(wal), 0);
  EXPECT_FALSE(readers.failed());
  readers.stop();
  store.reset();
  remove_db_files(path);
}

// The writer's page cache (SQLite's default 2 MB, which a POST load fills)
// is handed back when writes stop: an idle server does not keep it.
TEST(WalCheckpoint, AQuietMomentHandsThePageCacheBack) {
  const std::string path = temp_db("cache");
  remove_db_files(path);
  {
    // Declared before the checkpointer, so closed after it (its destructor
    // unhooks the connection).
    sqlite::Db db;
    ASSERT_EQ(db.open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr), "");
    ASSERT_EQ(db.exec("PRAGMA journal_mode=WAL; CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB);"
                      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                      "WHERE i < 1500) INSERT INTO t SELECT i, randomblob(1000) FROM n;"
                      "SELECT count(*) FROM t WHERE v IS NOT NULL;"),
              "");
    auto cache_used = [&db] {
      int now = 0;
      int high = 0;
      sqlite3_db_status(db.get(), SQLITE_DBSTATUS_CACHE_USED, &now, &high, 0);
      return now;
    };
    const int loaded = cache_used();
    EXPECT_GT(loaded, 1 << 20);  // the 1.5 MB table's pages are cached

    sqlite::WalCheckpointer checkpointer(db.get(), 5000);
    checkpointer.when_idle();
    EXPECT_LT(cache_used(), loaded / 10) << "cached bytes before " << loaded;
    EXPECT_EQ(file_size(path + "-wal"), 0);  // and the WAL is emptied, as before
    EXPECT_EQ(checkpointer.stats().truncates, 1u);
  }
  remove_db_files(path);
}

}  // namespace
}  // namespace brisk::store
