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
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <simdjson.h>

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

}  // namespace
}  // namespace brisk::store
