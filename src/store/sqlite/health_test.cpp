// Faults of a running store (health.hpp): the file deleted or replaced under
// it, corruption reported by SQLite's error log; and what the store does
// then (writes refused, reads go on, the reason for /readyz).
#include "store/sqlite/health.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "store/sqlite/sqlite_store.hpp"
#include "store/sqlite_library.hpp"
#include "store/testing.hpp"

namespace brisk::store::sqlite {
namespace {

using Fault = Health::Fault;

std::string temp_path(const char* name) {
  std::string p = ::testing::TempDir() + "/health-" + std::to_string(::getpid()) + "-" + name;
  for (const char* sfx : {"", "-wal", "-shm"}) ::unlink((p + sfx).c_str());
  return p;
}

TEST(CheckFile, SeesTheFileDeletedOrReplaced) {
  const std::string path = temp_path("check");
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(check_file(path, fd), Fault::kNone);
  const std::string other = path + ".other";
  ::close(::open(other.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  ASSERT_EQ(std::rename(other.c_str(), path.c_str()), 0);
  EXPECT_EQ(check_file(path, fd), Fault::kReplaced);
  ::unlink(path.c_str());
  EXPECT_EQ(check_file(path, fd), Fault::kDeleted);
  ::close(fd);
}

TEST(Health, KeepsTheFirstFaultAndHearsCorruptionFromSqlitesLog) {
  configure_sqlite_library();
  Health h("test.db");
  EXPECT_FALSE(h.faulty());
  EXPECT_EQ(h.reason(), "");
  sqlite3_log(SQLITE_CONSTRAINT, "not a fault of the file");
  EXPECT_FALSE(h.faulty());
  // What SQLite logs when a statement meets a damaged page.
  sqlite3_log(SQLITE_CORRUPT, "database corruption at line 1 of [test]");
  EXPECT_EQ(h.fault(), Fault::kCorrupt);
  h.report(Fault::kDeleted, "later");
  EXPECT_EQ(h.fault(), Fault::kCorrupt);
  EXPECT_NE(h.reason().find("corrupt"), std::string::npos);
  EXPECT_TRUE(Health::is_corruption(SQLITE_NOTADB));
  EXPECT_TRUE(Health::is_corruption(SQLITE_CORRUPT_INDEX));
  EXPECT_FALSE(Health::is_corruption(SQLITE_FULL));
}

// The store notices within about a second, refuses writes (a commit would
// go to a file nobody opens again) and keeps serving reads.
TEST(StoreFaults, DeletedFileRefusesWritesAndSaysWhy) {
  const std::string path = temp_path("deleted.db");
  StoreOptions opts;
  opts.target = path;
  SqliteStore s(opts);
  TaskRow row = testing::new_row("before");
  ASSERT_EQ(testing::run(s, CreateTask{row, {}, {}}).status, WriteResult::Status::kOk);
  EXPECT_EQ(s.fault(), "");
  ASSERT_EQ(::unlink(path.c_str()), 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (s.fault().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(s.fault().find("deleted"), std::string::npos) << s.fault();
  EXPECT_EQ(testing::run(s, CreateTask{testing::new_row("after"), {}, {}}).status,
            WriteResult::Status::kUnavailable);
  EXPECT_EQ(testing::read_task(s.reader(0), kLocalOwner, row.id).status, ReadStatus::kOk);
  s.stop();
  for (const char* sfx : {"-wal", "-shm"}) ::unlink((path + sfx).c_str());
}

}  // namespace
}  // namespace brisk::store::sqlite
