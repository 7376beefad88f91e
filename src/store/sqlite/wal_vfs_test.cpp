#include "store/sqlite/wal_vfs.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "store/sqlite/db.hpp"
#include "store/sqlite_library.hpp"

namespace brisk::store::sqlite {
namespace {

// Both variants: syncing (file stores) and not (":memory:").
class WalVfs : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    configure_sqlite_library();
    path_ = ::testing::TempDir() + "/brisk-wal-vfs-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
    std::replace(path_.begin() + static_cast<std::ptrdiff_t>(::testing::TempDir().size()),
                 path_.end(), '/', '-');  // a parameterized test's name is "Name/0"
    remove_files();
    ASSERT_EQ(writer_.open(path_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                           coalescing_wal_vfs(GetParam())),
              "");
    ASSERT_EQ(writer_.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                           "CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL);"),
              "");
    ASSERT_EQ(reader_.open(path_, SQLITE_OPEN_READONLY, "unix-excl"), "");
  }
  void TearDown() override {
    reader_ = Db();
    writer_ = Db();
    remove_files();
  }
  void remove_files() {
    for (const char* suffix : {"", "-wal", "-shm"}) ::unlink((path_ + suffix).c_str());
  }
  std::int64_t count(Db& db, const std::string& sql) {
    Stmt s = db.prepare(sql);
    return s.step() == SQLITE_ROW ? s.int64(0) : -1;
  }
  // Inserts `rows` rows of `size` bytes in one transaction.
  void insert(int rows, int size) {
    ASSERT_EQ(writer_.exec("BEGIN"), "");
    Stmt ins = writer_.prepare("INSERT INTO t (v) VALUES (randomblob(?1))");
    for (int i = 0; i < rows; ++i) {
      ins.bind(1, static_cast<std::int64_t>(size));
      ASSERT_EQ(ins.step(), SQLITE_DONE) << writer_.error();
      ins.reset();
    }
    ASSERT_EQ(writer_.exec("COMMIT"), "");
  }

  std::string path_;
  Db writer_, reader_;
};

// Every commit is visible, complete, to another connection reading the WAL
// through its own file handle (and the base VFS).
TEST_P(WalVfs, CommitsAreVisibleToOtherConnections) {
  for (int i = 1; i <= 20; ++i) {
    insert(50, 300);
    EXPECT_EQ(count(reader_, "SELECT count(*) FROM t"), i * 50);
  }
  EXPECT_EQ(count(reader_, "SELECT sum(length(v)) FROM t"), 20 * 50 * 300);
}

// A transaction far larger than one write (124 KiB) or what is held (4 MiB),
// and checkpoints that read back through the same handle.
TEST_P(WalVfs, LargeTransactionsAndCheckpoints) {
  insert(3000, 3000);  // ~9 MB of pages in one commit
  EXPECT_EQ(count(reader_, "SELECT count(*) FROM t"), 3000);
  ASSERT_EQ(writer_.exec("PRAGMA wal_checkpoint(PASSIVE)"), "");
  for (int i = 0; i < 30; ++i) insert(40, 1000);  // crosses the auto-checkpoint
  EXPECT_EQ(count(reader_, "SELECT count(*) FROM t"), 3000 + 30 * 40);
  Stmt check = reader_.prepare("PRAGMA integrity_check");
  ASSERT_EQ(check.step(), SQLITE_ROW);
  EXPECT_EQ(check.text(0), "ok");
}

// A file reopened after a close holds everything: nothing stays behind in
// memory.
TEST_P(WalVfs, CloseWritesEverything) {
  insert(100, 500);
  reader_ = Db();
  writer_ = Db();  // last connection: checkpoints and removes the WAL
  Db again;
  ASSERT_EQ(again.open(path_, SQLITE_OPEN_READONLY, "unix-excl"), "");
  EXPECT_EQ(count(again, "SELECT count(*) FROM t"), 100);
}

INSTANTIATE_TEST_SUITE_P(SyncAndNot, WalVfs, ::testing::Bool());

}  // namespace
}  // namespace brisk::store::sqlite
