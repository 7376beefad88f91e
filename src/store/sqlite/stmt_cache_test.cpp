#include "store/sqlite/stmt_cache.hpp"

#include <gtest/gtest.h>

#include <string>

namespace brisk::store::sqlite {
namespace {

class StmtCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(db_.open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr), "");
  }
  // The statement for `key` selects the key, so a hit can be told from a miss.
  std::int64_t run(StmtCache& c, std::uint32_t key) {
    Stmt& s = c.get(key, [key] { return "SELECT " + std::to_string(key); });
    StmtScope scope(s);
    EXPECT_EQ(s.step(), SQLITE_ROW);
    return s.int64(0);
  }
  Db db_;
};

TEST_F(StmtCacheTest, PreparesOncePerKey) {
  StmtCache c(db_, 4);
  EXPECT_EQ(run(c, 1), 1);
  EXPECT_EQ(run(c, 2), 2);
  EXPECT_EQ(run(c, 1), 1);
  EXPECT_EQ(run(c, 1), 1);
  EXPECT_EQ(c.prepared(), 2u);
  EXPECT_EQ(c.size(), 2u);
}

TEST_F(StmtCacheTest, IsBoundedAndEvictsTheLeastRecentlyUsed) {
  StmtCache c(db_, 3);
  for (std::uint32_t k : {1u, 2u, 3u}) run(c, k);
  run(c, 1);  // 2 is now the least recently used
  run(c, 4);
  EXPECT_EQ(c.size(), 3u);
  EXPECT_EQ(c.prepared(), 4u);
  run(c, 1);
  run(c, 3);
  run(c, 4);
  EXPECT_EQ(c.prepared(), 4u) << "1, 3 and 4 stayed";
  EXPECT_EQ(run(c, 2), 2);
  EXPECT_EQ(c.prepared(), 5u) << "2 was evicted";
  for (std::uint32_t k = 10; k < 100; ++k) EXPECT_EQ(run(c, k), k);
  EXPECT_EQ(c.size(), 3u);
}

}  // namespace
}  // namespace brisk::store::sqlite
