#include "store/sqlite/list_plan.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "store/search.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/testing/task_file.hpp"
#include "store/store.hpp"
#include "store/tokenizer.hpp"

namespace brisk::store::sqlite {
namespace {

// ---------------------------------------------------------------- driver choice

constexpr std::int64_t kCap = 1000;

// Probe results by filter: small (drives) or large (walk instead).
struct FakeProbes {
  std::map<Probe, std::int64_t> counts;
  std::vector<std::int64_t> tag_counts;
  mutable std::vector<Probe> calls;
  ProbeFn fn() const {
    return [this](Probe p, std::size_t tag) {
      calls.push_back(p);
      if (p == Probe::kTag && tag < tag_counts.size()) return tag_counts[tag];
      auto it = counts.find(p);
      return it == counts.end() ? kCap : it->second;
    };
  }
};

ListSpec query(SortKey sort = SortKey::kCreatedAt, bool desc = true) {
  ListSpec q;
  q.sort = sort;
  q.descending = desc;
  return q;
}

TEST(Plan, NoFilterWalksTheSortIndexWithoutProbing) {
  FakeProbes probes;
  for (SortKey k : {SortKey::kCreatedAt, SortKey::kUpdatedAt, SortKey::kPriority, SortKey::kDueAt,
                    SortKey::kTitle}) {
    Plan p = plan(query(k), false, kCap, probes.fn());
    EXPECT_EQ(p.shape.driver, Driver::kSortIndex);
    EXPECT_TRUE(p.shape.ordered());
    EXPECT_FALSE(p.hedged);
  }
  EXPECT_TRUE(probes.calls.empty());
}

TEST(Plan, OneStatusInDefaultOrderUsesItsIndex) {
  FakeProbes probes;
  ListSpec q = query();
  q.status_mask = 1u << 2;
  Plan p = plan(q, false, kCap, probes.fn());
  EXPECT_EQ(p.shape.driver, Driver::kStatusIndex);
  EXPECT_TRUE(p.shape.ordered());
  EXPECT_TRUE(probes.calls.empty());
}

TEST(Plan, EveryStatusIsNoFilter) {
  FakeProbes probes;
  ListSpec q = query(SortKey::kTitle);
  q.status_mask = 0b111;
  Plan p = plan(q, false, kCap, probes.fn());
  EXPECT_FALSE(p.shape.status);
  EXPECT_EQ(p.shape.driver, Driver::kSortIndex);
  EXPECT_TRUE(probes.calls.empty());
}

TEST(Plan, RareFilterDrivesCommonFilterIsCheckedWithAHedge) {
  ListSpec q = query(SortKey::kTitle);
  q.status_mask = 0b011;
  FakeProbes rare;
  rare.counts[Probe::kStatus] = kCap - 1;
  Plan p = plan(q, false, kCap, rare.fn());
  EXPECT_EQ(p.shape.driver, Driver::kStatusIndex);
  EXPECT_FALSE(p.shape.ordered());
  EXPECT_FALSE(p.hedged);

  FakeProbes common;
  common.counts[Probe::kStatus] = kCap;
  p = plan(q, false, kCap, common.fn());
  EXPECT_EQ(p.shape.driver, Driver::kSortIndex);
  EXPECT_TRUE(p.shape.status);
  ASSERT_TRUE(p.hedged);
  EXPECT_EQ(p.fallback.driver, Driver::kStatusIndex);
}

TEST(Plan, TheRarestFilterDrives) {
  ListSpec q = query(SortKey::kUpdatedAt, false);
  q.status_mask = 1;
  q.priority_min = 4;
  q.due_before = 5;
  q.tags = {"a"};
  FakeProbes probes;
  probes.counts = {{Probe::kStatus, 500}, {Probe::kPriority, 300}, {Probe::kDue, 700}};
  probes.tag_counts = {400};
  EXPECT_EQ(plan(q, false, kCap, probes.fn()).shape.driver, Driver::kPriorityIndex);
  probes.tag_counts = {10};
  Plan p = plan(q, false, kCap, probes.fn());
  EXPECT_EQ(p.shape.driver, Driver::kTag);
  EXPECT_FALSE(p.shape.tag_check) << "the one tag drives: nothing left to check per row";
  EXPECT_TRUE(p.shape.status && p.shape.priority_min && p.shape.due_before);
}

TEST(Plan, TagsInDefaultOrderWalkTheRarestTag) {
  ListSpec q = query();
  q.tags = {"common", "rare", "middle"};
  FakeProbes probes;
  probes.tag_counts = {900000, 12, 5000};
  Plan p = plan(q, false, kCap, probes.fn());
  EXPECT_EQ(p.shape.driver, Driver::kTag);
  EXPECT_EQ(p.tag, 1u);
  EXPECT_TRUE(p.shape.ordered());
  EXPECT_TRUE(p.shape.tag_check) << "the other tags are checked per row";
}

TEST(Plan, SearchDrivesRelevanceWithoutProbing) {
  FakeProbes probes;
  ListSpec q = query(SortKey::kRelevance);
  q.search = SearchTerms{{{"x"}}};
  q.status_mask = 1;
  Plan p = plan(q, false, kCap, probes.fn());
  EXPECT_EQ(p.shape.driver, Driver::kSearch);
  EXPECT_FALSE(p.hedged);
  EXPECT_TRUE(probes.calls.empty());
}

TEST(Plan, SortedSearchDrivesOnlyWhenRare) {
  ListSpec q = query(SortKey::kDueAt);
  q.search = SearchTerms{{{"x"}}};
  FakeProbes rare;
  rare.counts[Probe::kSearch] = 3;
  EXPECT_EQ(plan(q, false, kCap, rare.fn()).shape.driver, Driver::kSearch);
  EXPECT_FALSE(plan(q, false, kCap, rare.fn()).shape.search_row);
  FakeProbes common;
  Plan p = plan(q, false, kCap, common.fn());
  EXPECT_EQ(p.shape.driver, Driver::kSortIndex);
  EXPECT_TRUE(p.shape.search);
  // A common word is checked per row, within a budget; past it, the set of
  // every match serves the rest of the page.
  EXPECT_TRUE(p.shape.search_row);
  EXPECT_TRUE(p.hedged);
  EXPECT_EQ(p.budget, kSearchWalkBudgetSteps);
  EXPECT_EQ(p.fallback.driver, Driver::kSortIndex);
  EXPECT_TRUE(p.fallback.search);
  EXPECT_FALSE(p.fallback.search_row);
  EXPECT_NE(p.fallback.key(), p.shape.key());
  EXPECT_NE(list_sql(p.shape).find("brisk_match(?12"), std::string::npos);
  EXPECT_NE(list_sql(p.fallback).find("tasks_fts MATCH ?12"), std::string::npos);
}

TEST(Plan, TheSearchProbeCountsPrefixesTheIndexHoldsWhole) {
  SearchTerms terms;
  ASSERT_EQ(parse_search("meeting up e-mailing 報告書報告書報告 café", terms), SearchStatus::kOk);
  // Each word's last token cut to 6 characters (not bytes); a phrase keeps
  // its other tokens whole.
  EXPECT_EQ(probe_search_text(terms),
            "\"meetin\"* AND \"up\"* AND \"e mailin\"* AND \"報 告 書 報 告 書 報 告\"* AND "
            "\"cafe\"*");
  ASSERT_EQ(parse_search("Überprüfung", terms), SearchStatus::kOk);
  EXPECT_EQ(probe_search_text(terms), "\"uberpr\"*");
}

TEST(Plan, FiltersOnTheSortKeyAreIndexRanges) {
  FakeProbes probes;
  ListSpec q = query(SortKey::kPriority, false);
  q.priority_min = 2;
  q.priority_max = 4;
  Plan p = plan(q, false, kCap, probes.fn());
  EXPECT_EQ(p.shape.driver, Driver::kSortIndex);
  EXPECT_TRUE(p.shape.priority_min && p.shape.priority_max);
  // After a position the start-side bound is implied and must not be the
  // index bound.
  q.has_after = true;
  p = plan(q, false, kCap, probes.fn());
  EXPECT_FALSE(p.shape.priority_min);
  EXPECT_TRUE(p.shape.priority_max);
  q.descending = true;
  p = plan(q, false, kCap, probes.fn());
  EXPECT_TRUE(p.shape.priority_min);
  EXPECT_FALSE(p.shape.priority_max);
  EXPECT_TRUE(probes.calls.empty());
}

TEST(Plan, DueOrderHasTwoGroups) {
  FakeProbes probes;
  ListSpec q = query(SortKey::kDueAt, false);
  Plan a = plan(q, false, kCap, probes.fn());
  EXPECT_TRUE(a.shape.due_after && a.shape.due_before) << "only tasks with due_at";
  EXPECT_FALSE(a.shape.null_group);
  Plan b = plan(q, true, kCap, probes.fn());
  EXPECT_TRUE(b.shape.null_group);
  EXPECT_FALSE(b.shape.due_after || b.shape.due_before);
  // A cursor is in one group: the other group starts from its beginning.
  q.has_after = true;
  q.after.null_key = true;
  EXPECT_FALSE(plan(q, false, kCap, probes.fn()).shape.after);
  EXPECT_TRUE(plan(q, true, kCap, probes.fn()).shape.after);
  q.after.null_key = false;
  EXPECT_TRUE(plan(q, false, kCap, probes.fn()).shape.after);
  EXPECT_FALSE(plan(q, true, kCap, probes.fn()).shape.after);
}

TEST(Plan, ShapeKeysAreDistinct) {
  std::set<std::uint32_t> keys;
  Shape s;
  keys.insert(s.key());
  for (bool Shape::*flag :
       {&Shape::desc, &Shape::status, &Shape::status_one, &Shape::priority_min,
        &Shape::priority_max, &Shape::due_after, &Shape::due_before, &Shape::null_group,
        &Shape::tag_check, &Shape::search, &Shape::search_row, &Shape::after}) {
    Shape t;
    t.*flag = !(t.*flag);
    EXPECT_TRUE(keys.insert(t.key()).second);
  }
  for (int d = 1; d < 6; ++d) {
    Shape t;
    t.driver = static_cast<Driver>(d);
    EXPECT_TRUE(keys.insert(t.key()).second);
  }
  for (int k = 1; k < 6; ++k) {
    Shape t;
    t.sort = static_cast<SortKey>(k);
    EXPECT_TRUE(keys.insert(t.key()).second);
  }
}

TEST(Plan, ProbeCapBalancesWalkAndSort) {
  EXPECT_EQ(probe_cap(100, 0), 64);
  EXPECT_EQ(probe_cap(100, 10'000), 710);
  EXPECT_EQ(probe_cap(100, 50'000), 1589);
  EXPECT_EQ(probe_cap(100, 1'000'000), kMaxProbe);
}

// ---------------------------------------------------------------- EXPLAIN QUERY PLAN

// A database created by brisk (every migration), for EXPLAIN QUERY PLAN.
class QueryPlans : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = task_file::temp_path("plan-test");
    ASSERT_EQ(task_file::write(path_, 0, nullptr), "");
  }
  static void TearDownTestSuite() { task_file::remove(path_); }
  void SetUp() override { ASSERT_EQ(task_file::open_reader(db_, path_), ""); }

  std::vector<std::string> explain(const std::string& sql) {
    std::vector<std::string> lines;
    Stmt s = db_.prepare("EXPLAIN QUERY PLAN " + sql);
    while (s.step() == SQLITE_ROW) lines.emplace_back(s.text(3));
    return lines;
  }

  static std::string path_;
  Db db_;
};
std::string QueryPlans::path_;

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += "\n  " + l;
  return s;
}

// Problems of a plan: a scan of a table (rather than a search through an
// index or a virtual table's own index) anywhere.
std::vector<std::string> scans(const std::vector<std::string>& plan) {
  std::vector<std::string> bad;
  for (const std::string& l : plan) {
    if (!l.starts_with("SCAN ")) continue;
    if (l.find("VIRTUAL TABLE INDEX") != std::string::npos) continue;  // tasks_fts, json_each
    if (l.starts_with("SCAN (subquery-")) continue;  // a subquery's rows, not a table
    bad.push_back(l);
  }
  return bad;
}

TEST_F(QueryPlans, TheCheckFindsATableScan) {
  // The check itself must be able to fail: a query with no usable index.
  EXPECT_FALSE(scans(explain("SELECT body FROM tasks WHERE title = ?1")).empty());
  EXPECT_FALSE(scans(explain("SELECT seq FROM task_tags WHERE tag = ?1")).empty());
  EXPECT_TRUE(scans(explain("SELECT body FROM tasks WHERE id = ?1")).empty());
}

// A relevance window reads tasks_fts newest first within its seq range, and
// FTS5 gives that order itself: no sort of the candidates, whatever filters.
TEST_F(QueryPlans, RelevanceWindowsReadTheFullTextIndexInOrder) {
  for (bool status : {false, true}) {
    for (bool tags : {false, true}) {
      Shape s;
      s.driver = Driver::kSearch;
      s.sort = SortKey::kRelevance;
      s.search = true;
      s.status = status;
      s.tag_check = tags;
      const std::vector<std::string> plan = explain(window_sql(s));
      const std::string text = joined(plan);
      EXPECT_TRUE(scans(plan).empty()) << text;
      EXPECT_EQ(text.find("TEMP B-TREE"), std::string::npos) << text;
      EXPECT_NE(text.find("SCAN tasks_fts VIRTUAL TABLE INDEX"), std::string::npos) << text;
    }
  }
  EXPECT_EQ(tier_query("\"a\"*", 0), "{title} : (\"a\"*)");
  EXPECT_EQ(tier_query("\"a\"*", 1), "(\"a\"*) NOT {title} : (\"a\"*)");
}

const char* index_of(const Shape& s) {
  switch (s.driver) {
    case Driver::kStatusIndex:
      return "tasks_owner_status_created";
    case Driver::kPriorityIndex:
      return "tasks_owner_priority";
    case Driver::kDueIndex:
      return "tasks_owner_due";
    case Driver::kTag:
      return "USING PRIMARY KEY (owner=? AND tag=?";
    case Driver::kSearch:
      return "SCAN tasks_fts VIRTUAL TABLE INDEX 0:M";
    case Driver::kSortIndex:
      break;
  }
  if (s.null_group) return "tasks_owner_due";
  switch (s.sort) {
    case SortKey::kCreatedAt:
      return "tasks_owner_created";
    case SortKey::kUpdatedAt:
      return "tasks_owner_updated";
    case SortKey::kPriority:
      return "tasks_owner_priority";
    case SortKey::kDueAt:
      return "tasks_owner_due";
    case SortKey::kTitle:
      return "tasks_owner_title";
    case SortKey::kRelevance:
      break;
  }
  return "?";
}

// What the driver's index search must be constrained by, beyond the owner:
// its filter, or the bounds of a filter on the sort key. Any of the
// alternatives.
std::vector<std::string> constraints_of(const Shape& s) {
  switch (s.driver) {
    case Driver::kStatusIndex:
      return {"status=?"};
    case Driver::kPriorityIndex:
      return {"priority>", "priority<"};
    case Driver::kDueIndex:
      return {"due_at>", "due_at<"};
    case Driver::kTag:
      return {"tag=?"};
    case Driver::kSearch:
      return {};
    case Driver::kSortIndex:
      break;
  }
  if (s.null_group) return {"due_at=?"};
  if (s.sort == SortKey::kDueAt) return {"due_at>", "due_at<", "(due_at,id)"};
  if (s.sort == SortKey::kPriority && (s.priority_min || s.priority_max)) {
    return {"priority>", "priority<", "(priority,id)"};
  }
  return {};
}

// Every shape plan() can produce, from a grid of queries and probe results.
std::map<std::uint32_t, Shape> reachable_shapes() {
  std::map<std::uint32_t, Shape> shapes;
  const unsigned masks[] = {0, 1, 3};
  const std::pair<int, int> priorities[] = {{1, 5}, {2, 5}, {1, 4}, {2, 4}};
  for (SortKey sort : {SortKey::kCreatedAt, SortKey::kUpdatedAt, SortKey::kPriority,
                       SortKey::kDueAt, SortKey::kTitle, SortKey::kRelevance}) {
    for (bool desc : {false, true}) {
      for (unsigned mask : masks) {
        for (auto [pmin, pmax] : priorities) {
          for (int due = 0; due < 4; ++due) {
            for (int ntags = 0; ntags < 3; ++ntags) {
              for (bool search : {false, true}) {
                if (sort == SortKey::kRelevance && !search) continue;
                for (int after = 0; after < 3; ++after) {          // none, key, null group
                  for (unsigned small = 0; small < 32; ++small) {  // which probes are small
                    ListSpec q = query(sort, desc);
                    q.status_mask = mask;
                    if (pmin > 1) q.priority_min = pmin;
                    if (pmax < 5) q.priority_max = pmax;
                    if (due & 1) q.due_after = 1;
                    if (due & 2) q.due_before = 2;
                    for (int t = 0; t < ntags; ++t) q.tags.push_back("t" + std::to_string(t));
                    if (search) q.search = SearchTerms{{{"x"}}};
                    q.has_after = after > 0;
                    q.after.null_key = after == 2;
                    FakeProbes probes;
                    for (int b = 0; b < 5; ++b) {
                      probes.counts[static_cast<Probe>(b)] = (small >> b & 1) ? 10 : kCap;
                    }
                    probes.tag_counts = {(small & 8) ? 10 : kCap, 20};
                    for (bool null_group : {false, true}) {
                      if (null_group && (sort != SortKey::kDueAt || q.due_filtered())) continue;
                      Plan p = plan(q, null_group, kCap, probes.fn());
                      shapes.emplace(p.shape.key(), p.shape);
                      if (p.hedged) {
                        for (bool a : {false, true}) {
                          const Shape f = after_position(p.fallback, q, a);
                          shapes.emplace(f.key(), f);
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  return shapes;
}

TEST_F(QueryPlans, EveryShapeIsServedByItsIndex) {
  const std::map<std::uint32_t, Shape> shapes = reachable_shapes();
  ASSERT_GT(shapes.size(), 500u);
  int ordered = 0;
  for (const auto& [key, s] : shapes) {
    const std::string sql = list_sql(s);
    const std::vector<std::string> plan = explain(sql);
    const std::string text = joined(plan);
    SCOPED_TRACE(sql + text);
    ASSERT_FALSE(plan.empty());
    EXPECT_TRUE(scans(plan).empty()) << "a table scan where an index should serve";
    // The first loop is the driver's index, searched from the owner on.
    EXPECT_NE(plan.front().find(index_of(s)), std::string::npos) << "not driven by its index";
    if (s.driver != Driver::kSearch) {
      EXPECT_TRUE(plan.front().starts_with("SEARCH ")) << "the driver is not searched";
      EXPECT_NE(plan.front().find("owner=?"), std::string::npos);
    }
    const std::vector<std::string> wanted = constraints_of(s);
    bool constrained = wanted.empty();
    for (const std::string& c : wanted) constrained |= plan.front().find(c) != std::string::npos;
    EXPECT_TRUE(constrained) << "the driver's filter does not bound its index search";
    if (s.driver == Driver::kTag || s.driver == Driver::kSearch) {
      EXPECT_NE(text.find("SEARCH t USING INTEGER PRIMARY KEY (rowid=?)"), std::string::npos);
    }
    if (s.ordered()) {
      ++ordered;
      EXPECT_EQ(text.find("TEMP B-TREE"), std::string::npos) << "an ordered walk must not sort";
      if (s.after) {
        // The position is where the index range starts, not a filter.
        const std::string range =
            s.null_group ? (s.desc ? "id<?" : "id>?") : (s.desc ? ",id)<(?,?)" : ",id)>(?,?)");
        EXPECT_NE(plan.front().find(range), std::string::npos)
            << "the walk does not start at the cursor";
      }
    }
    if (s.tag_check) {
      EXPECT_NE(text.find("SEARCH h USING PRIMARY KEY"), std::string::npos);
    }
  }
  EXPECT_GT(ordered, 100);
}

TEST_F(QueryPlans, ProbesCountThroughAnIndex) {
  for (Probe p : {Probe::kStatus, Probe::kPriority, Probe::kDue, Probe::kTag, Probe::kSearch}) {
    const std::vector<std::string> plan = explain(probe_sql(p));
    SCOPED_TRACE(probe_sql(p) + joined(plan));
    EXPECT_TRUE(scans(plan).empty());
    const std::string text = joined(plan);
    EXPECT_TRUE(text.find("COVERING INDEX") != std::string::npos ||
                text.find("USING PRIMARY KEY (owner=? AND tag=?)") != std::string::npos ||
                text.find("VIRTUAL TABLE INDEX 0:M") != std::string::npos);
  }
}

}  // namespace
}  // namespace brisk::store::sqlite
