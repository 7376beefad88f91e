// A search sorted by a key, on a table large enough for its walk's budget
// to matter: a word in every task is found by the walk of the sort index
// (brisk_match per row); a word in one task in twelve, in pages of 1,000,
// projects far past the budget after a few ticks, and the set of its
// matches serves each page from where the walk stopped.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/search.hpp"
#include "store/sqlite/lister.hpp"
#include "store/sqlite/testing/task_file.hpp"

namespace brisk::store::sqlite {
namespace {

constexpr int kTasks = 30000;
constexpr int kRareEvery = 12;

class SearchWalk : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = task_file::temp_path("search-walk");
    ASSERT_EQ(task_file::write(path_, kTasks,
                               [](int n) {
                                 TaskRow t;
                                 t.id.bytes[14] = static_cast<std::uint8_t>(n >> 8);
                                 t.id.bytes[15] = static_cast<std::uint8_t>(n);
                                 t.created_at = t.updated_at =
                                     1'700'000'000'000 + n;  // n: newest last
                                 t.version = 1;
                                 t.priority = 3;
                                 t.title = "common task";
                                 if (n % kRareEvery == 0) t.description = "a rare word";
                                 // The body as served, cut to what the lister reads (brisk_match)
                                 // and the test's n.
                                 t.body = "{\"n\":" + std::to_string(n) + ",\"description\":\"" +
                                          t.description + "\",\"tags\":[]}";
                                 return t;
                               }),
              "");
  }
  static void TearDownTestSuite() { task_file::remove(path_); }
  void SetUp() override { ASSERT_EQ(task_file::open_reader(db_, path_), ""); }

  // Every n of `word` newest first, in pages of `limit`.
  std::vector<int> walk(Lister& lister, std::string_view word, int limit) {
    ListSpec q;
    q.sort = SortKey::kCreatedAt;
    q.descending = true;
    q.limit = limit;
    EXPECT_EQ(parse_search(word, q.search), SearchStatus::kOk);
    std::vector<int> got;
    for (int pages = 0; pages < 1000; ++pages) {
      ListPage page;
      EXPECT_EQ(lister.list(
                    q,
                    [&](std::string_view json) {
                      got.push_back(std::stoi(std::string(json.substr(5, json.find(',') - 5))));
                    },
                    page),
                ReadStatus::kOk);
      if (!page.more) return got;
      q.has_after = true;
      q.after = page.last;
    }
    ADD_FAILURE() << "pagination does not end";
    return got;
  }

  static std::string path_;
  Db db_;
};
std::string SearchWalk::path_;

TEST_F(SearchWalk, ACommonWordIsFoundByTheWalk) {
  Lister lister(db_);
  ListSpec q;
  q.sort = SortKey::kCreatedAt;
  q.limit = 100;
  ASSERT_EQ(parse_search("comm", q.search), SearchStatus::kOk);
  std::size_t rows = 0;
  ListPage page;
  ASSERT_EQ(lister.list(
                q, [&](std::string_view) { ++rows; }, page),
            ReadStatus::kOk);
  EXPECT_EQ(rows, 100u);
  EXPECT_TRUE(page.more);
  EXPECT_EQ(lister.stats().fallbacks, 0u);
  EXPECT_EQ(lister.stats().driver[static_cast<std::size_t>(Driver::kSearch)], 0u)
      << "a word in every task must not drive";
}

TEST_F(SearchWalk, ARareWordGivesWayEarlyAndEveryPageIsRight) {
  Lister lister(db_);
  std::vector<int> want;
  for (int n = kTasks - 1; n >= 0; --n) {
    if (n % kRareEvery == 0) want.push_back(n);
  }
  ASSERT_GT(static_cast<std::int64_t>(want.size()), kMaxProbe)
      << "the word must be too common to drive";
  EXPECT_EQ(walk(lister, "rare", 1000), want);
  // Each page's walk projected past its budget and stopped early; the set
  // served the rest of the page.
  EXPECT_GT(lister.stats().projected, 0u);
  EXPECT_EQ(lister.stats().projected, lister.stats().fallbacks);
}

}  // namespace
}  // namespace brisk::store::sqlite
