// Relevance order by tiers and windows (lister_relevance.cpp) on a real
// file: title matches first, windows of the newest kRelevanceWindow matches
// each ranked on its own, cursors that serve every match once, also while
// tasks are added.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "store/search.hpp"
#include "store/sqlite/collation.hpp"
#include "store/sqlite/lister.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/sqlite/task_rows.hpp"
#include "store/sqlite/testing/task_file.hpp"

namespace brisk::store::sqlite {
namespace {

std::string body_of(const util::Uuid& id) {
  char buf[36];
  util::format_uuid(id, buf);
  return std::string(buf, 36);
}

util::Uuid id_of(std::string_view body) {
  util::Uuid id;
  EXPECT_TRUE(util::parse_uuid(body, id)) << body;
  return id;
}

// Tasks in seq order: i < kTitled have "alpha" in the title (every 4th a
// long title), then kDescribed with it in the description only, then some
// without it. A third of the titled ones are older than one window.
constexpr int kTitled = static_cast<int>(kRelevanceWindow) + 300;
constexpr int kDescribed = 150;
constexpr int kOthers = 100;

class RelevanceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = task_file::temp_path("relevance-test");
    ASSERT_EQ(task_file::write(path_, kTitled + kDescribed + kOthers, make), "");
  }
  static void TearDownTestSuite() { task_file::remove(path_); }

  static TaskRow make(int i) {
    TaskRow t;
    t.id.bytes[0] = 0x01;
    for (int b = 0; b < 4; ++b) t.id.bytes[15 - b] = static_cast<std::uint8_t>(i >> (8 * b));
    t.created_at = 1'700'000'000'000 + i;
    t.updated_at = t.created_at;
    t.version = 1;
    if (i < kTitled) {
      t.title = i % 4 == 0 ? "alpha with a much longer title than most" : "alpha task";
      kind_[t.id] = 0;
    } else if (i < kTitled + kDescribed) {
      t.title = "other";
      t.description = "about alpha";
      kind_[t.id] = 1;
    } else {
      t.title = "unrelated";
      kind_[t.id] = 2;
    }
    seq_[t.id] = i + 1;
    t.body = body_of(t.id);
    return t;
  }

  void SetUp() override { ASSERT_EQ(task_file::open_reader(db_, path_), ""); }

  static ListSpec search(std::string_view text, int limit) {
    ListSpec q;
    EXPECT_EQ(parse_search(text, q.search), SearchStatus::kOk);
    q.sort = SortKey::kRelevance;
    q.limit = limit;
    return q;
  }

  // One page from `q` (after q.after when q.has_after); appends its ids.
  static ListPage page(Lister& l, const ListSpec& q, std::vector<util::Uuid>& ids) {
    ListPage p;
    int n = 0;
    EXPECT_EQ(l.list(
                  q,
                  [&](std::string_view json) {
                    ids.push_back(id_of(json));
                    ++n;
                  },
                  p),
              ReadStatus::kOk);
    if (p.more) {
      EXPECT_EQ(n, q.limit) << "a page with more to come must be full";
    }
    return p;
  }

  static std::vector<util::Uuid> walk(Lister& l, ListSpec q) {
    std::vector<util::Uuid> ids;
    for (int pages = 0; pages < 5000; ++pages) {
      ListPage p = page(l, q, ids);
      if (!p.more) return ids;
      q.has_after = true;
      q.after = p.last;
    }
    ADD_FAILURE() << "pagination does not end";
    return ids;
  }

  Db db_;
  static std::string path_;
  static std::map<util::Uuid, int> kind_;  // 0 title match, 1 description only, 2 none
  static std::map<util::Uuid, std::int64_t> seq_;
};
std::string RelevanceTest::path_;
std::map<util::Uuid, int> RelevanceTest::kind_;
std::map<util::Uuid, std::int64_t> RelevanceTest::seq_;

TEST_F(RelevanceTest, TitleMatchesComeFirstAndEveryMatchOnce) {
  Lister l(db_);
  for (std::string_view text : {"a", "al", "alp", "alpha"}) {
    std::vector<util::Uuid> whole = walk(l, search(text, 1000));
    ASSERT_EQ(whole.size(), static_cast<std::size_t>(kTitled + kDescribed)) << text;
    std::set<util::Uuid> unique(whole.begin(), whole.end());
    EXPECT_EQ(unique.size(), whole.size()) << "a task served twice";
    std::vector<int> kinds;
    for (const util::Uuid& id : whole) kinds.push_back(kind_.at(id));
    EXPECT_TRUE(std::is_sorted(kinds.begin(), kinds.end())) << text;
    EXPECT_EQ(std::count(kinds.begin(), kinds.end(), 0), kTitled);
    // Smaller pages give the same order, across window and tier ends.
    for (int limit : {7, 100, 150}) {
      EXPECT_EQ(walk(l, search(text, limit)), whole) << text << " limit " << limit;
    }
  }
}

TEST_F(RelevanceTest, TheFirstPageRanksTheNewestWindowOnly) {
  Lister l(db_);
  std::vector<util::Uuid> ids;
  page(l, search("alp", 20), ids);
  ASSERT_EQ(ids.size(), 20u);
  // One window read (plus nothing else): the cost of a page does not grow
  // with the matches.
  EXPECT_EQ(l.stats().windows, 1u);
  const std::int64_t oldest_in_window = kTitled - kRelevanceWindow + 1;
  for (const util::Uuid& id : ids) {
    EXPECT_GE(seq_.at(id), oldest_in_window);
    EXPECT_EQ(kind_.at(id), 0);
  }
  // Within the window, the short titles rank above the long ones: the page
  // holds only short ones, newest first (equal ranks).
  std::vector<std::int64_t> seqs;
  for (const util::Uuid& id : ids) seqs.push_back(seq_.at(id));
  for (std::int64_t s : seqs) EXPECT_NE((s - 1) % 4, 0) << "a long title on the first page";
  EXPECT_TRUE(std::is_sorted(seqs.rbegin(), seqs.rend()));
  // The whole walk serves the newest window's title matches before the
  // older ones.
  std::vector<util::Uuid> whole = walk(l, search("alp", 1000));
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (kind_.at(whole[i]) != 0) break;
    EXPECT_EQ(seq_.at(whole[i]) >= oldest_in_window, i < kRelevanceWindow) << i;
  }
}

TEST_F(RelevanceTest, CursorsStayValidWhileTasksAreAdded) {
  std::vector<util::Uuid> before;
  ListPage first;
  {
    Lister l(db_);
    first = page(l, search("alpha", 50), before);
    ASSERT_TRUE(first.more);
  }
  // More matches, newer than every window begun: the walk goes on without
  // them, and without losing or repeating any earlier match.
  {
    Db w;
    ASSERT_EQ(w.open(path_, SQLITE_OPEN_READWRITE, nullptr), "");
    ASSERT_TRUE(register_extensions(w.get()));
    ASSERT_EQ(w.exec("BEGIN"), "");
    TaskRows rows(w);
    for (int i = 0; i < 30; ++i) {
      TaskRow t = make(kTitled + kDescribed + kOthers + i);
      t.title = "alpha added";
      ASSERT_TRUE(rows.insert(t)) << w.error();
    }
    ASSERT_EQ(w.exec("COMMIT"), "");
  }
  Lister l(db_);
  ListSpec q = search("alpha", 50);
  q.has_after = true;
  q.after = first.last;
  std::vector<util::Uuid> rest = walk(l, q);
  std::vector<util::Uuid> all = before;
  all.insert(all.end(), rest.begin(), rest.end());
  std::set<util::Uuid> unique(all.begin(), all.end());
  EXPECT_EQ(unique.size(), all.size()) << "a task served twice";
  int original = 0;
  for (const util::Uuid& id : all) original += kind_.at(id) < 2 ? 1 : 0;
  EXPECT_EQ(original, kTitled + kDescribed);
}

}  // namespace
}  // namespace brisk::store::sqlite
