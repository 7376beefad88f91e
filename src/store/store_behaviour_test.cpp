// The store's behaviour, for every backend (store_behaviour.hpp): writes,
// compare-and-set, reads, lists and their continuation, idempotency,
// concurrency. Reads go through the *_async form, which every backend
// answers. What is particular to one backend (files, locks, migrations,
// query plans) is tested beside it.
#include "store/store_behaviour.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <simdjson.h>

#include "store/search.hpp"
#include "store/store.hpp"
#include "store/testing.hpp"
#include "util/time.hpp"
#include "util/uuid.hpp"

namespace brisk::store {
namespace {

using Status = WriteResult::Status;
using testing::body_of;
using testing::delete_of;
using testing::run;
using testing::StoreBehaviour;
using testing::update_of;

// Submits `cmd` without waiting; the future completes with its result.
std::future<WriteResult> submit(Store& s, Command cmd) {
  auto p = std::make_shared<std::promise<WriteResult>>();
  auto f = p->get_future();
  s.submit({std::move(cmd), [p](WriteResult&& r) { p->set_value(std::move(r)); }});
  return f;
}

// A new task row created now (so that ids and times follow the clock).
TaskRow new_row(std::string title, Owner owner = kLocalOwner, std::int64_t status = 0) {
  TaskRow r = testing::new_row(std::move(title), owner, util::now_unix_ms());
  r.status = status;
  r.body = body_of(r);
  return r;
}

CreateTask create_of(const TaskRow& r) {
  return CreateTask{r, {}};
}

struct Got {
  ReadStatus status = ReadStatus::kError;
  std::string json;
  std::int64_t version = -1;
};

Got get(Store& s, const util::Uuid& id, Owner owner = kLocalOwner) {
  TaskRead t = testing::read_task(s.reader(0), owner, id);
  Got g;
  g.status = t.status;
  if (t.status == ReadStatus::kOk) {
    g.json = std::move(t.json);
    g.version = t.version;
  }
  return g;
}

struct Row {
  std::string json;
  std::int64_t created_at;
  std::int64_t status;
  util::Uuid id;
};

struct Page {
  std::vector<Row> rows;
  ListPage end;
};

// The fields of a body (testing::body_of) that the list tests check.
Row row_of(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string copy(json);
  Row r{std::string(json), 0, 0, {}};
  std::string_view id;
  if (parser.parse(copy).get(doc) || doc["id"].get(id) || !util::parse_uuid(id, r.id) ||
      doc["created_at"].get(r.created_at) || doc["status"].get(r.status)) {
    ADD_FAILURE() << "not a test body: " << json;
  }
  return r;
}

Page page(Store& s, const ListSpec& q) {
  Page p;
  ListRead l = testing::read_list(s.reader(0), q);
  EXPECT_EQ(l.status, ReadStatus::kOk);
  // The rows are the page's bodies joined by commas: a JSON array's inside.
  simdjson::dom::parser parser;
  std::string arr = "[" + l.rows + "]";
  simdjson::dom::array a;
  if (parser.parse(arr).get(a)) {
    ADD_FAILURE() << "rows are not JSON: " << l.rows;
    return p;
  }
  for (simdjson::dom::element e : a) p.rows.push_back(row_of(simdjson::minify(e)));
  EXPECT_EQ(static_cast<int>(p.rows.size()), l.count);
  p.end = l.page;
  return p;
}

std::vector<Row> list(Store& s, const ListSpec& q) {
  return page(s, q).rows;
}

std::vector<Row> list_all(Store& s, Owner owner = kLocalOwner, unsigned status_mask = 0) {
  ListSpec q;
  q.owner = owner;
  q.status_mask = status_mask;
  q.limit = 1000;
  return list(s, q);
}

bool is_uuid_v7(const util::Uuid& id) {
  return (id.bytes[6] >> 4) == 7 && (id.bytes[8] & 0xC0) == 0x80;
}

// ---------------------------------------------------------------- writes and reads

TEST_P(StoreBehaviour, CreateStoresTheRowAsGiven) {
  TaskRow t = new_row("Write the report");
  t.description = "desc";
  t.priority = 3;
  t.due_at = 1795339800123;
  t.tags = {"work", "home"};
  t.body = body_of(t);
  WriteResult r = run(s(), create_of(t));
  ASSERT_EQ(r.status, Status::kOk);
  EXPECT_EQ(r.id, t.id);
  EXPECT_EQ(r.body, t.body) << "a create answers with the body it stored";
  Got g = get(s(), t.id);
  ASSERT_EQ(g.status, ReadStatus::kOk);
  EXPECT_EQ(g.json, t.body);
  EXPECT_EQ(g.version, 1);
}

TEST_P(StoreBehaviour, UpdateReplacesTheRowAtTheExpectedVersion) {
  TaskRow t = new_row("original");
  ASSERT_EQ(run(s(), create_of(t)).status, Status::kOk);
  UpdateTask u = update_of(t, [](TaskRow& r) {
    r.status = 2;
    r.priority = 5;
  });
  const TaskRow v2 = u.row;
  WriteResult r = run(s(), std::move(u));
  ASSERT_EQ(r.status, Status::kOk);
  EXPECT_EQ(r.id, t.id);
  EXPECT_EQ(r.body, v2.body);
  Got g = get(s(), t.id);
  EXPECT_EQ(g.version, 2);
  EXPECT_EQ(g.json, v2.body);
  // The next update must name version 2.
  EXPECT_EQ(run(s(), update_of(v2, [](TaskRow& x) { x.title = "v3"; })).status, Status::kOk);
  EXPECT_EQ(get(s(), t.id).version, 3);
}

TEST_P(StoreBehaviour, AChangeAtAnOlderVersionChangesNothing) {
  TaskRow t = new_row("guarded");
  ASSERT_EQ(run(s(), create_of(t)).status, Status::kOk);
  UpdateTask first = update_of(t, [](TaskRow& r) { r.title = "first"; });
  const TaskRow v2 = first.row;
  ASSERT_EQ(run(s(), std::move(first)).status, Status::kOk);
  // Another writer read version 1 too: its update and its delete are refused.
  EXPECT_EQ(run(s(), update_of(t, [](TaskRow& r) { r.title = "lost"; })).status,
            Status::kVersionChanged);
  EXPECT_EQ(run(s(), delete_of(t)).status, Status::kVersionChanged);
  Got g = get(s(), t.id);
  ASSERT_EQ(g.status, ReadStatus::kOk);
  EXPECT_EQ(g.version, 2);
  EXPECT_EQ(g.json, v2.body);
  EXPECT_EQ(run(s(), delete_of(v2)).status, Status::kOk);
}

TEST_P(StoreBehaviour, DeleteThenGetIsNotFound) {
  TaskRow t = new_row("doomed");
  ASSERT_EQ(run(s(), create_of(t)).status, Status::kOk);
  WriteResult d = run(s(), delete_of(t));
  EXPECT_EQ(d.status, Status::kOk);
  EXPECT_EQ(d.id, t.id);
  EXPECT_EQ(get(s(), t.id).status, ReadStatus::kNotFound);
  EXPECT_EQ(run(s(), delete_of(t)).status, Status::kNotFound);
  EXPECT_EQ(run(s(), update_of(t, [](TaskRow& r) { r.priority = 2; })).status, Status::kNotFound);
  EXPECT_TRUE(list_all(s()).empty());
}

TEST_P(StoreBehaviour, UnknownIdIsNotFound) {
  TaskRow ghost = new_row("never stored");
  EXPECT_EQ(get(s(), ghost.id).status, ReadStatus::kNotFound);
  EXPECT_EQ(run(s(), update_of(ghost, [](TaskRow& r) { r.priority = 2; })).status,
            Status::kNotFound);
  EXPECT_EQ(run(s(), delete_of(ghost)).status, Status::kNotFound);
}

TEST_P(StoreBehaviour, AnotherOwnersTaskIsNotFound) {
  TaskRow t = new_row("mine", 1);
  ASSERT_EQ(run(s(), create_of(t)).status, Status::kOk);

  EXPECT_EQ(get(s(), t.id, 2).status, ReadStatus::kNotFound);
  EXPECT_EQ(get(s(), t.id, kLocalOwner).status, ReadStatus::kNotFound);

  TaskRow theirs = t;
  theirs.owner = 2;
  EXPECT_EQ(run(s(), update_of(theirs, [](TaskRow& r) { r.title = "stolen"; })).status,
            Status::kNotFound);
  EXPECT_EQ(run(s(), delete_of(theirs)).status, Status::kNotFound);

  Got g = get(s(), t.id, 1);
  ASSERT_EQ(g.status, ReadStatus::kOk);
  EXPECT_EQ(g.version, 1);
  EXPECT_EQ(g.json, t.body);
  EXPECT_TRUE(list_all(s(), 2).empty());
  EXPECT_EQ(list_all(s(), 1).size(), 1u);
}

// ---------------------------------------------------------------- list

void expect_default_order(const std::vector<Row>& rows) {
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const Row& a = rows[i - 1];
    const Row& b = rows[i];
    EXPECT_TRUE(a.created_at > b.created_at || (a.created_at == b.created_at && a.id > b.id))
        << "rows " << i - 1 << " and " << i << " out of order";
  }
}

TEST_P(StoreBehaviour, ListOrderIsNewestFirstThenIdDescending) {
  std::vector<util::Uuid> ids;
  for (int i = 0; i < 3; ++i) {
    WriteResult r = run(s(), create_of(new_row("seq" + std::to_string(i))));
    ASSERT_EQ(r.status, Status::kOk);
    ids.push_back(r.id);
  }
  // Rows with one created_at: ties are broken by id.
  const std::int64_t same = util::now_unix_ms() + 1;
  std::vector<std::future<WriteResult>> fs;
  for (int i = 0; i < 4; ++i) {
    TaskRow r = testing::new_row("batch" + std::to_string(i), kLocalOwner, same);
    fs.push_back(submit(s(), create_of(r)));
  }
  for (auto& f : fs) {
    WriteResult r = f.get();
    ASSERT_EQ(r.status, Status::kOk);
    ids.push_back(r.id);
  }
  run(s(), create_of(new_row("other owner", 9)));

  std::vector<Row> rows = list_all(s());
  ASSERT_EQ(rows.size(), ids.size());
  expect_default_order(rows);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].id, ids[ids.size() - 1 - i]) << i;
  }
}

TEST_P(StoreBehaviour, ListFiltersByStatusMask) {
  for (std::int64_t st : {0, 1, 2, 2, 0})
    ASSERT_EQ(run(s(), create_of(new_row("x", kLocalOwner, st))).status, Status::kOk);

  auto count_with = [&](unsigned mask) {
    std::vector<Row> rows = list_all(s(), kLocalOwner, mask);
    expect_default_order(rows);
    for (const Row& r : rows) {
      EXPECT_TRUE(mask == 0 || (mask & (1u << r.status))) << r.json;
    }
    return rows.size();
  };
  EXPECT_EQ(count_with(0), 5u);
  EXPECT_EQ(count_with(1u << 0), 2u);
  EXPECT_EQ(count_with(1u << 1), 1u);
  EXPECT_EQ(count_with(1u << 2), 2u);
  EXPECT_EQ(count_with(1u << 0 | 1u << 2), 4u);
  EXPECT_EQ(count_with(1u << 1 | 1u << 2), 3u);
  EXPECT_EQ(count_with(7), 5u);
}

TEST_P(StoreBehaviour, ListReturnsAtMostLimitAndSaysWhetherMoreFollow) {
  for (int i = 0; i < 6; ++i) ASSERT_EQ(run(s(), create_of(new_row("x"))).status, Status::kOk);
  ListSpec q;
  for (int limit : {1, 3, 5, 6, 7}) {
    q.limit = limit;
    Page p = page(s(), q);
    EXPECT_EQ(p.rows.size(), static_cast<std::size_t>(std::min(limit, 6))) << limit;
    EXPECT_EQ(p.end.more, limit < 6) << limit;
    if (p.end.more) {
      EXPECT_EQ(p.end.last.id, p.rows.back().id);
      EXPECT_EQ(p.end.last.num, p.rows.back().created_at);
      EXPECT_FALSE(p.end.last.null_key);
    }
  }
}

TEST_P(StoreBehaviour, ListContinuesAfterAPosition) {
  std::vector<std::future<WriteResult>> fs;
  const std::int64_t same = util::now_unix_ms();
  for (int i = 0; i < 4; ++i) {
    fs.push_back(
        submit(s(), create_of(testing::new_row("a" + std::to_string(i), kLocalOwner, same))));
  }
  for (auto& f : fs) ASSERT_EQ(f.get().status, Status::kOk);
  for (int i = 0; i < 4; ++i)
    ASSERT_EQ(run(s(), create_of(new_row("b" + std::to_string(i)))).status, Status::kOk);
  const std::vector<Row> all = list_all(s());
  ASSERT_EQ(all.size(), 8u);

  // Page through with limit 3: each page is the rows strictly after the last one served.
  std::vector<util::Uuid> seen;
  ListSpec q;
  q.limit = 3;
  for (int page_no = 0; page_no < 10; ++page_no) {
    Page p = page(s(), q);
    for (const Row& r : p.rows) seen.push_back(r.id);
    if (!p.end.more) break;
    q.has_after = true;
    q.after = p.end.last;
    if (page_no == 0) {
      // A task created between pages does not disturb the continuation.
      ASSERT_EQ(run(s(), create_of(new_row("late"))).status, Status::kOk);
    }
  }
  ASSERT_EQ(seen.size(), all.size());
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(seen[i], all[i].id) << i;

  // After the last row: nothing.
  q.has_after = true;
  q.after.num = all.back().created_at;
  q.after.id = all.back().id;
  Page end = page(s(), q);
  EXPECT_TRUE(end.rows.empty());
  EXPECT_FALSE(end.end.more);
}

TEST_P(StoreBehaviour, ListContinuationWithStatusFilter) {
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(run(s(), create_of(new_row("x", kLocalOwner, i % 2 ? 2 : 0))).status, Status::kOk);
  }
  ListSpec q;
  q.status_mask = 1u << 2;
  q.limit = 2;
  Page first = page(s(), q);
  ASSERT_EQ(first.rows.size(), 2u);
  ASSERT_TRUE(first.end.more);
  q.has_after = true;
  q.after = first.end.last;
  Page second = page(s(), q);
  ASSERT_EQ(second.rows.size(), 1u);
  EXPECT_FALSE(second.end.more);
  EXPECT_NE(second.rows[0].id, first.rows[0].id);
  EXPECT_NE(second.rows[0].id, first.rows[1].id);
  EXPECT_EQ(second.rows[0].status, 2);
}

// ---------------------------------------------------------------- idempotency

CreateTask keyed(std::string key, std::string body, Owner owner = kLocalOwner) {
  CreateTask c{new_row("idem", owner), {}};
  c.idempotency = {std::move(key), std::move(body), util::now_unix_ms() - 60'000};
  return c;
}

TEST_P(StoreBehaviour, IdempotentReplay) {
  WriteResult first = run(s(), keyed("key-1", R"({"title":"idem"})"));
  ASSERT_EQ(first.status, Status::kOk);
  WriteResult again = run(s(), keyed("key-1", R"({"title":"idem"})"));
  EXPECT_EQ(again.status, Status::kReplayed);
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(list_all(s()).size(), 1u);
}

TEST_P(StoreBehaviour, IdempotencyKeyWithAnotherBodyIsAMismatch) {
  ASSERT_EQ(run(s(), keyed("key-1", R"({"title":"idem"})")).status, Status::kOk);
  EXPECT_EQ(run(s(), keyed("key-1", R"({"title":"idem" })")).status, Status::kIdempotencyMismatch);
  EXPECT_EQ(run(s(), keyed("key-1", R"({"title":"other"})")).status, Status::kIdempotencyMismatch);
  EXPECT_EQ(list_all(s()).size(), 1u);
}

TEST_P(StoreBehaviour, IdempotencyKeysArePerOwner) {
  WriteResult a = run(s(), keyed("shared", "{}", 1));
  WriteResult b = run(s(), keyed("shared", "{}", 2));
  ASSERT_EQ(a.status, Status::kOk);
  ASSERT_EQ(b.status, Status::kOk);
  EXPECT_NE(a.id, b.id);
  // And distinct keys of one owner are independent.
  WriteResult c = run(s(), keyed("other", "{}", 1));
  ASSERT_EQ(c.status, Status::kOk);
  EXPECT_NE(c.id, a.id);
}

TEST_P(StoreBehaviour, SameKeyInOneBatchIsInFlight) {
  // Hold the writer inside the completion of a first request, so that the
  // next two requests queue up and are committed together in one batch.
  std::promise<void> entered, release;
  std::shared_future<void> released = release.get_future().share();
  auto blocker_done = std::make_shared<std::promise<WriteResult>>();
  auto blocker_future = blocker_done->get_future();
  s().submit({create_of(new_row("blocker")), [&entered, released, blocker_done](WriteResult&& r) {
                entered.set_value();
                released.wait();
                blocker_done->set_value(std::move(r));
              }});
  entered.get_future().wait();

  auto f1 = submit(s(), keyed("same", R"({"title":"idem"})"));
  auto f2 = submit(s(), keyed("same", R"({"title":"idem"})"));
  // The same key for another owner is not in flight.
  auto f3 = submit(s(), keyed("same", R"({"title":"idem"})", 5));
  release.set_value();

  EXPECT_EQ(blocker_future.get().status, Status::kOk);
  WriteResult r1 = f1.get();
  WriteResult r2 = f2.get();
  WriteResult r3 = f3.get();
  EXPECT_EQ(r1.status, Status::kOk);
  EXPECT_EQ(r2.status, Status::kIdempotencyInFlight);
  EXPECT_EQ(r3.status, Status::kOk);
  // Afterwards the key replays the first one.
  WriteResult later = run(s(), keyed("same", R"({"title":"idem"})"));
  EXPECT_EQ(later.status, Status::kReplayed);
  EXPECT_EQ(later.id, r1.id);
  EXPECT_EQ(list_all(s()).size(), 2u);  // blocker and r1
}

// ---------------------------------------------------------------- concurrency

TEST_P(StoreBehaviour, ConcurrentSubmitsAllComplete) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 100;
  std::vector<std::vector<WriteResult>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::future<WriteResult>> fs;
      for (int i = 0; i < kPerThread; ++i) {
        CreateTask c = create_of(new_row("t" + std::to_string(t) + "-" + std::to_string(i)));
        if (i % 10 == 0) {
          c.idempotency = {"k" + std::to_string(t) + "-" + std::to_string(i), "{}", 0};
        }
        fs.push_back(submit(s(), std::move(c)));
      }
      for (auto& f : fs) results[t].push_back(f.get());
    });
  }
  for (auto& th : threads) th.join();

  std::set<util::Uuid> ids;
  for (const auto& rs : results) {
    ASSERT_EQ(rs.size(), static_cast<std::size_t>(kPerThread));
    for (const WriteResult& r : rs) {
      EXPECT_EQ(r.status, Status::kOk);
      EXPECT_TRUE(is_uuid_v7(r.id));
      ids.insert(r.id);
    }
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kThreads * kPerThread));
  std::vector<Row> rows = list_all(s());
  EXPECT_EQ(rows.size(), static_cast<std::size_t>(kThreads * kPerThread));
  expect_default_order(rows);
  for (const Row& r : rows) EXPECT_EQ(ids.count(r.id), 1u);
}

TEST_P(StoreBehaviour, StopCommitsWhatWasSubmitted) {
  std::vector<std::future<WriteResult>> fs;
  for (int i = 0; i < 20; ++i) fs.push_back(submit(s(), create_of(new_row("x"))));
  s().stop();
  for (auto& f : fs) {
    ASSERT_EQ(f.wait_for(std::chrono::seconds(0)), std::future_status::ready);
    EXPECT_EQ(f.get().status, Status::kOk);
  }
  EXPECT_EQ(list_all(s()).size(), 20u);
}

TEST_P(StoreBehaviour, EachReaderSeesCommittedWrites) {
  auto s = open(3);
  ASSERT_TRUE(s);
  TaskRow t = new_row("shared");
  WriteResult r = run(*s, create_of(t));
  ASSERT_EQ(r.status, Status::kOk);
  for (unsigned i = 0; i < 3; ++i) {
    TaskRead got = testing::read_task(s->reader(i), kLocalOwner, r.id);
    EXPECT_EQ(got.status, ReadStatus::kOk) << i;
    EXPECT_EQ(got.json, t.body);
    EXPECT_TRUE(s->reader(i).ping());
  }
  EXPECT_THROW(s->reader(3), std::out_of_range);
}

// ---------------------------------------------------------------- the query language

constexpr const char* kWords[] = {"alpha", "Alpha", "ALPHA",  "beta",    "report", "reporting",
                                  "rep",   "draft", "review", "meeting", "budget", "bug",
                                  "café",  "zeta",  "A_b",    "a[b",     "東京",   "Zulu"};
constexpr const char* kTagPool[] = {"work", "Work", "home", "urgent", "x y", "été", "q3"};

std::string lower_ascii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return s;
}

// Tokens of a text as far as the reference needs: ASCII letters and digits
// (lowered), 'é' folded to 'e', everything else separates.
std::vector<std::string> ascii_tokens(std::string text) {
  for (std::size_t at; (at = text.find("é")) != std::string::npos;) text.replace(at, 2, "e");
  std::vector<std::string> out;
  std::string cur;
  for (char c : text + " ") {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      cur += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    } else {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    }
  }
  return out;
}

// Which tasks of `all` match `q` (searching `words`), in API.md's order.
std::vector<TaskRow> reference(const std::vector<TaskRow>& all, const ListSpec& q,
                               const std::vector<std::string>& words) {
  std::vector<TaskRow> out;
  for (const TaskRow& t : all) {
    if (q.status_mask && !(q.status_mask & (1u << t.status))) continue;
    if (t.priority < q.priority_min.value_or(INT64_MIN) ||
        t.priority > q.priority_max.value_or(INT64_MAX)) {
      continue;
    }
    if (q.due_after && !(t.due_at && *t.due_at > *q.due_after)) continue;
    if (q.due_before && !(t.due_at && *t.due_at < *q.due_before)) continue;
    bool tags_ok = true;
    for (const std::string& tag : q.tags) {
      tags_ok &= std::find(t.tags.begin(), t.tags.end(), tag) != t.tags.end();
    }
    if (!tags_ok) continue;
    std::vector<std::string> toks = ascii_tokens(t.title + " " + t.description);
    for (const std::string& tag : t.tags) {
      for (const std::string& x : ascii_tokens(tag)) toks.push_back(x);
    }
    bool words_ok = true;
    for (const std::string& w : words) {
      bool any = false;
      for (const std::string& tok : toks) any |= tok.starts_with(w);
      words_ok &= any;
    }
    if (words_ok) out.push_back(t);
  }
  auto less = [&](const TaskRow& a, const TaskRow& b) {
    switch (q.sort) {
      case SortKey::kCreatedAt:
        if (a.created_at != b.created_at) return a.created_at < b.created_at;
        break;
      case SortKey::kUpdatedAt:
        if (a.updated_at != b.updated_at) return a.updated_at < b.updated_at;
        break;
      case SortKey::kPriority:
        if (a.priority != b.priority) return a.priority < b.priority;
        break;
      case SortKey::kTitle: {
        std::string ka = lower_ascii(a.title), kb = lower_ascii(b.title);
        if (ka != kb) return ka < kb;
        break;
      }
      case SortKey::kDueAt:
      case SortKey::kRelevance:
        break;
    }
    return a.id < b.id;
  };
  std::sort(out.begin(), out.end(), [&](const TaskRow& a, const TaskRow& b) {
    if (q.sort == SortKey::kDueAt) {
      if (a.due_at.has_value() != b.due_at.has_value()) return a.due_at.has_value();
      if (a.due_at && *a.due_at != *b.due_at) {
        return q.descending ? *a.due_at > *b.due_at : *a.due_at < *b.due_at;
      }
      return q.descending ? b.id < a.id : a.id < b.id;
    }
    return q.descending ? less(b, a) : less(a, b);
  });
  return out;
}

// Every task of `q`, page by page, checking each page's shape.
std::vector<util::Uuid> walk(Store& s, ListSpec q) {
  std::vector<util::Uuid> ids;
  q.has_after = false;
  for (int pages = 0; pages < 2000; ++pages) {
    Page p = page(s, q);
    for (const Row& r : p.rows) ids.push_back(r.id);
    EXPECT_LE(static_cast<int>(p.rows.size()), q.limit);
    if (!p.end.more) return ids;
    EXPECT_EQ(static_cast<int>(p.rows.size()), q.limit) << "a page with more to come must be full";
    EXPECT_EQ(p.end.last.id, ids.back());
    q.has_after = true;
    q.after = p.end.last;
  }
  ADD_FAILURE() << "pagination does not end";
  return ids;
}

// Random queries over tasks full of ties, each paged to the end, against
// API.md's filters and orders computed here: every backend must agree with
// the same reference (so they agree with each other).
TEST_P(StoreBehaviour, ListMatchesTheReference) {
  std::mt19937_64 rng(7);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  std::vector<TaskRow> all;
  std::vector<std::future<WriteResult>> fs;
  for (int i = 0; i < 300; ++i) {
    TaskRow t;
    t.created_at = 1'700'000'000'000 + pick(60);
    t.id = util::next_uuid7(t.created_at);
    t.updated_at = t.created_at + pick(3) * 1000LL;
    t.version = 1;
    t.status = pick(3);
    t.priority = 1 + pick(5);
    if (pick(10) < 6) t.due_at = 1'800'000'000'000 + pick(40) * 3'600'000LL;
    t.title = kWords[pick(std::size(kWords))];
    if (pick(2)) t.title += std::string(" ") + kWords[pick(std::size(kWords))];
    for (int w = pick(5); w > 0; --w)
      t.description += std::string(kWords[pick(std::size(kWords))]) + " ";
    for (int k = pick(4); k > 0; --k) {
      std::string tag = kTagPool[pick(std::size(kTagPool))];
      if (std::find(t.tags.begin(), t.tags.end(), tag) == t.tags.end()) t.tags.push_back(tag);
    }
    t.body = body_of(t);
    all.push_back(t);
    fs.push_back(testing::enqueue(s(), create_of(t)));
  }
  s().flush();
  for (auto& f : fs) ASSERT_EQ(f.get().status, Status::kOk);
  // Then updates and deletes, which must keep every index in step.
  std::vector<TaskRow> kept;
  for (std::size_t i = 0; i < all.size(); ++i) {
    TaskRow& t = all[i];
    if (i % 9 == 0) {
      ASSERT_EQ(run(s(), delete_of(t)).status, Status::kOk);
      continue;
    }
    if (i % 7 == 4) {
      UpdateTask up = update_of(t, [&](TaskRow& r) {
        r.title = std::string("review ") + kWords[i % std::size(kWords)];
        r.tags = {"work", "renamed"};
        r.status = 2;
        if (i % 2) r.due_at.reset();
      });
      t = up.row;
      ASSERT_EQ(run(s(), std::move(up)).status, Status::kOk);
    }
    kept.push_back(t);
  }
  const char* search_words[] = {"rep",     "report", "alpha", "caf",    "cafe", "b",     "zulu",
                                "nothing", "review", "work",  "urgent", "ete",  "budget"};
  for (int round = 0; round < 250; ++round) {
    ListSpec q;
    if (pick(3) == 0) q.status_mask = static_cast<unsigned>(1 + pick(7));
    if (pick(3) == 0) {
      q.priority_min = 1 + pick(5);
      q.priority_max = 1 + pick(5);
    }
    if (pick(4) == 0) q.due_after = 1'800'000'000'000 + pick(40) * 3'600'000LL;
    if (pick(4) == 0) q.due_before = 1'800'000'000'000 + pick(40) * 3'600'000LL;
    for (int k = pick(4) == 0 ? 1 + pick(2) : 0; k > 0; --k) {
      q.tags.push_back(pick(8) == 0 ? "absent" : kTagPool[pick(std::size(kTagPool))]);
    }
    std::sort(q.tags.begin(), q.tags.end());
    q.tags.erase(std::unique(q.tags.begin(), q.tags.end()), q.tags.end());
    std::vector<std::string> words;
    if (pick(4) == 0) {
      std::string text;
      for (int w = 1 + pick(2); w > 0; --w) {
        words.push_back(search_words[pick(std::size(search_words))]);
        text += words.back() + " ";
      }
      ASSERT_EQ(parse_search(text, q.search), SearchStatus::kOk);
    }
    q.sort = static_cast<SortKey>(pick(q.search.empty() ? 5 : 6));
    q.descending = pick(2);
    q.limit = pick(4) == 0 ? 1000 : 1 + pick(9);

    std::vector<util::Uuid> want;
    for (const TaskRow& t : reference(kept, q, words)) want.push_back(t.id);
    std::vector<util::Uuid> got = walk(s(), q);
    SCOPED_TRACE("round " + std::to_string(round) + " sort " + std::to_string(int(q.sort)) +
                 (q.descending ? " desc" : " asc") + " limit " + std::to_string(q.limit) +
                 " search " + search_text(q.search));
    if (q.sort == SortKey::kRelevance) {
      // Relevance: every match exactly once (the order is the backend's rank).
      std::set<util::Uuid> unique(got.begin(), got.end());
      EXPECT_EQ(unique.size(), got.size()) << "a task served twice";
      std::sort(got.begin(), got.end());
      std::sort(want.begin(), want.end());
    }
    EXPECT_EQ(got, want);
    if (HasFailure()) return;
  }
}

// Relevance puts a match in the title before one in the tags, before one
// in the description only; ties newest first.
TEST_P(StoreBehaviour, RelevanceRanksTitleAboveTagsAboveDescription) {
  TaskRow in_desc = new_row("nothing here");
  in_desc.description = "the quarterly report";
  in_desc.body = body_of(in_desc);
  TaskRow in_tags = new_row("nothing either");
  in_tags.tags = {"report"};
  in_tags.body = body_of(in_tags);
  TaskRow in_title = new_row("report for the board");
  TaskRow older_title = testing::new_row("report, older", kLocalOwner, in_title.created_at - 1000);
  for (const TaskRow& t : {in_desc, in_tags, older_title, in_title}) {
    ASSERT_EQ(run(s(), create_of(t)).status, Status::kOk);
  }
  ListSpec q;
  ASSERT_EQ(parse_search("rep", q.search), SearchStatus::kOk);
  q.sort = SortKey::kRelevance;
  std::vector<Row> rows = list(s(), q);
  ASSERT_EQ(rows.size(), 4u);
  std::vector<util::Uuid> order;
  for (const Row& r : rows) order.push_back(r.id);
  // The two title matches first (their order is the rank's: equal ranks go
  // newest first), then tags, then description.
  EXPECT_TRUE((order[0] == in_title.id && order[1] == older_title.id) ||
              (order[0] == older_title.id && order[1] == in_title.id));
  EXPECT_EQ(order[2], in_tags.id);
  EXPECT_EQ(order[3], in_desc.id);
}

}  // namespace
}  // namespace brisk::store
