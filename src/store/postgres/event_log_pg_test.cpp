// The event log on PostgreSQL (store/events.hpp, event_sql.hpp), each test
// on a new database of the test cluster: events written with their change
// and only then, consecutive ids in commit order across reopens, pruned to
// a window, read back per owner in pages; and across instances: two stores
// on one database (two brisk instances) publish the same complete sequence,
// also while both write at once, and a listener whose connection is killed
// reconnects and publishes what committed meanwhile.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres/event_sql.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/postgres/testing_pg.hpp"
#include "store/testing.hpp"

namespace brisk::store::postgres {
namespace {

using Status = WriteResult::Status;
using store::testing::delete_of;
using store::testing::new_row;
using store::testing::run;
using store::testing::update_of;

Event ev(std::uint8_t kind, std::string data) {
  return {kind, std::move(data)};
}

// Collects what a store publishes; wait_for() blocks until `n` events came.
class Collector final : public EventSink {
 public:
  void published(std::vector<LoggedEvent>&& events) override {
    std::lock_guard lock(mu_);
    for (LoggedEvent& e : events) got_.push_back(std::move(e));
    cv_.notify_all();
  }
  std::vector<LoggedEvent> wait_for(std::size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(15), [&] { return got_.size() >= n; });
    return got_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<LoggedEvent> got_;
};

EventsRead read(Store& s, Owner owner, std::int64_t after, std::size_t max_events = 256,
                std::size_t max_bytes = 1 << 20) {
  std::promise<EventsRead> p;
  auto f = p.get_future();
  s.reader(0).events_async({owner, after, max_events, max_bytes},
                           [&p](EventsRead&& r) { p.set_value(std::move(r)); });
  return f.get();
}

// Every id follows the one before it, from `first`.
void expect_consecutive(const std::vector<LoggedEvent>& got, std::int64_t first) {
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].id, first + static_cast<std::int64_t>(i)) << "at " << i;
  }
}

class PgEventLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    url_ = testing::new_database(why);
    if (url_.empty()) GTEST_SKIP() << why;
  }
  std::unique_ptr<Store> open(std::int64_t window = 10'000) {
    StoreOptions o;
    o.target = url_;
    o.event_window = window;
    return open_pg_store(o);
  }
  static std::int64_t create(Store& s, Owner owner, const std::string& data,
                             TaskRow* row = nullptr) {
    TaskRow r = new_row("t", owner);
    if (row) *row = r;
    WriteResult res = run(s, CreateTask{std::move(r), {}, ev(1, data)});
    EXPECT_EQ(res.status, Status::kOk);
    return res.event_id;
  }
  std::string url_;
};

TEST_F(PgEventLogTest, EachChangeLogsOneEventAndNoChangeLogsNone) {
  auto s = open();
  TaskRow row;
  const std::int64_t a = create(*s, 7, "created", &row);
  EXPECT_EQ(a, 1);
  UpdateTask u = update_of(row, [](TaskRow& r) { r.title = "renamed"; });
  u.event = ev(2, "updated");
  EXPECT_EQ(run(*s, u).event_id, a + 1);
  // Changes that do not happen log nothing and use no id: a stale
  // version, another owner's task, a missing task, an idempotent replay.
  UpdateTask stale = u;
  stale.event = ev(2, "stale");
  EXPECT_EQ(run(*s, stale).status, Status::kVersionChanged);
  DeleteTask other = delete_of(u.row);
  other.owner = 8;
  other.event = ev(3, "other owner");
  EXPECT_EQ(run(*s, other).status, Status::kNotFound);
  Idempotency idem{"key-1", "{}", 0};
  WriteResult keyed = run(*s, CreateTask{new_row("keyed", 7), idem, ev(1, "keyed")});
  EXPECT_EQ(keyed.event_id, a + 2);
  WriteResult replay = run(*s, CreateTask{new_row("keyed", 7), idem, ev(1, "replay")});
  EXPECT_EQ(replay.status, Status::kReplayed);
  EXPECT_EQ(replay.event_id, 0);
  EXPECT_EQ(run(*s, CreateTask{new_row("quiet", 7), {}, {}}).event_id, 0);
  DeleteTask d = delete_of(u.row);
  d.event = ev(3, "deleted");
  EXPECT_EQ(run(*s, d).event_id, a + 3);
  EXPECT_EQ(run(*s, ImportTask{new_row("imported", 7), ev(1, "imported")}).event_id, a + 4);

  EventsRead r = read(*s, 7, 0);
  ASSERT_EQ(r.status, ReadStatus::kOk);
  ASSERT_EQ(r.events.size(), 5u);
  expect_consecutive(r.events, a);
  EXPECT_EQ(r.events[0].kind, 1);
  EXPECT_EQ(r.events[0].data, "created");
  EXPECT_EQ(r.events[1].data, "updated");
  EXPECT_EQ(r.events[2].data, "keyed");
  EXPECT_EQ(r.events[3].kind, 3);
  EXPECT_EQ(r.events[3].data, "deleted");
  EXPECT_EQ(r.page.newest, a + 4);
  EXPECT_EQ(r.page.last, a + 4);
  EXPECT_FALSE(r.page.more);
  EXPECT_EQ(r.page.pruned_through, 0);
  EXPECT_TRUE(read(*s, 8, 0).events.empty());
}

TEST_F(PgEventLogTest, OwnersReadOnlyTheirOwnEventsInPages) {
  auto s = open();
  std::vector<std::int64_t> mine;
  for (int i = 0; i < 10; ++i) {
    mine.push_back(create(*s, 5, "mine " + std::to_string(i)));
    create(*s, 6, "theirs " + std::to_string(i));
  }
  EventsRead first = read(*s, 5, 0, 4);
  ASSERT_EQ(first.events.size(), 4u);
  EXPECT_TRUE(first.page.more);
  EXPECT_EQ(first.page.last, mine[3]);
  EventsRead rest = read(*s, 5, first.page.last, 100);
  ASSERT_EQ(rest.events.size(), 6u);
  EXPECT_FALSE(rest.page.more);
  for (std::size_t i = 0; i < 6; ++i)
    EXPECT_EQ(rest.events[i].data, "mine " + std::to_string(4 + i));
  EXPECT_EQ(rest.page.newest, mine.back() + 1);  // owner 6's last event
  EventsRead small = read(*s, 5, 0, 100, 1);     // the byte limit: at least one
  ASSERT_EQ(small.events.size(), 1u);
  EXPECT_TRUE(small.page.more);
}

TEST_F(PgEventLogTest, ABatchIsPublishedAfterCommitInIdOrder) {
  auto s = open();
  Collector sink;
  s->set_event_sink(&sink);
  std::vector<std::future<WriteResult>> results;
  for (int i = 0; i < 20; ++i) {
    results.push_back(
        store::testing::enqueue(*s, CreateTask{new_row("b", 3), {}, ev(1, std::to_string(i))}));
  }
  s->flush();
  std::vector<std::int64_t> ids;
  for (auto& f : results) ids.push_back(f.get().event_id);
  std::vector<LoggedEvent> got = sink.wait_for(20);
  ASSERT_EQ(got.size(), 20u);
  expect_consecutive(got, 1);
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].id, ids[i]);
    EXPECT_EQ(got[i].owner, 3);
    EXPECT_EQ(got[i].data, std::to_string(i));
  }
  s->stop();
  s->set_event_sink(nullptr);
}

TEST_F(PgEventLogTest, IdsGoOnAfterAReopenAndTheLogKeepsItsWindow) {
  std::int64_t last = 0;
  {
    auto s = open(10);
    for (int i = 0; i < 35; ++i) last = create(*s, 4, std::to_string(i));
    EventsRead all = read(*s, 4, 0);
    EXPECT_EQ(all.page.newest, last);
    // The newest 10 are kept, pruned a tenth of the window at a time.
    EXPECT_GE(all.page.pruned_through, last - 11);
    EXPECT_LE(all.page.pruned_through, last - 10);
    ASSERT_FALSE(all.events.empty());
    EXPECT_EQ(all.events.front().id, all.page.pruned_through + 1);
    EXPECT_EQ(all.events.back().id, last);
  }
  auto again = open(1);
  const std::int64_t next = create(*again, 4, "after reopen");
  EXPECT_EQ(next, last + 1);
  EventsRead p = read(*again, 4, 0);
  ASSERT_EQ(p.events.size(), 1u);
  EXPECT_EQ(p.page.pruned_through, next - 1);
}

// Two instances write at once: each publishes every event of both, once,
// in id order with no gap, whichever wrote it.
TEST_F(PgEventLogTest, TwoInstancesPublishTheSameCompleteSequence) {
  auto a = open();
  auto b = open();
  Collector seen_a, seen_b;
  a->set_event_sink(&seen_a);
  b->set_event_sink(&seen_b);
  constexpr std::size_t kEach = 200;
  auto writes = [](Store& s, Owner owner) {
    std::vector<std::future<WriteResult>> fs;
    for (std::size_t i = 0; i < kEach; ++i) {
      fs.push_back(store::testing::enqueue(s, CreateTask{new_row("x", owner), {}, ev(1, "e")}));
      if (i % 7 == 0) s.flush();  // batches of several sizes
    }
    s.flush();
    for (auto& f : fs) EXPECT_EQ(f.get().status, Status::kOk);
  };
  std::thread ta(writes, std::ref(*a), 1);
  std::thread tb(writes, std::ref(*b), 2);
  ta.join();
  tb.join();
  for (Collector* c : {&seen_a, &seen_b}) {
    std::vector<LoggedEvent> got = c->wait_for(2 * kEach);
    ASSERT_EQ(got.size(), 2 * kEach);
    expect_consecutive(got, 1);
  }
  a->stop();
  b->stop();
}

// The rows the prune's index scan returned, from EXPLAIN ANALYZE of the
// writer's own statement (events_end_sql) keeping the newest `window`
// events in chunks of at least `chunk`, in a transaction rolled back. The
// sequential scan is turned off: on a large log the planner takes the index
// (a tiny test table would be scanned whole, which tells nothing).
long prune_index_rows(const std::string& url, std::int64_t window, std::int64_t chunk) {
  std::string why;
  Conn c = connect(url, why);
  if (!c) throw std::runtime_error(why);
  exec(c.get(), "BEGIN", "begin");
  exec(c.get(), "SET LOCAL enable_seqscan = off", "no seq scan");
  Result r = exec(c.get(), "EXPLAIN (ANALYZE, COSTS off, TIMING off) " + events_end_sql(),
                  {std::to_string(window), std::to_string(chunk)}, "explain the prune");
  exec(c.get(), "ROLLBACK", "rollback");
  // The DELETE's scan of events_pkey: "Index Scan using events_pkey" or
  // "Bitmap Index Scan on events_pkey", not the backward scans of max(id).
  long rows = -1;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    const std::string line = PQgetvalue(r.get(), i, 0);
    if (line.find("events_pkey") == std::string::npos || line.find("Backward") != std::string::npos)
      continue;
    const std::size_t at = line.find("rows=");
    if (at != std::string::npos) rows = std::stol(line.substr(at + 5));
  }
  return rows;
}

// Pruned ids stay in the index as dead entries until VACUUM; a prune reads
// only the ids it deletes, not every one pruned before. (Before, with only
// an upper bound, each prune walked them all: 10 ms per prune with 150k
// dead, a third of PostgreSQL's CPU under POST.)
TEST_F(PgEventLogTest, APruneReadsOnlyTheEventsItDeletes) {
  {
    auto s = open(10);
    std::string why;
    Conn c = connect(url_, why);
    ASSERT_TRUE(c) << why;
    exec(c.get(), "ALTER TABLE events SET (autovacuum_enabled = false)", "no autovacuum");
    for (int i = 0; i < 300; ++i) create(*s, 3, std::to_string(i));
    s->stop();
  }
  // 10 kept, about 290 dead below them; keeping 4 deletes 6.
  const long rows = prune_index_rows(url_, 4, 1);
  EXPECT_GE(rows, 6);
  EXPECT_LE(rows, 7) << "the prune read dead entries of earlier prunes";
}

// Kills the listener connections of this database (as an administrator
// or a failover would); the number killed.
int kill_listeners(const std::string& url) {
  std::string why;
  Conn c = connect(url, why);
  if (!c) return -1;
  Result r = exec(c.get(),
                  "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                  " WHERE application_name = 'brisk-listener' AND datname = current_database()",
                  "kill listeners");
  return static_cast<int>(int64_of(r.get(), 0, 0));
}

TEST_F(PgEventLogTest, AListenerThatLosesItsConnectionCatchesUpFromTheLog) {
  auto a = open();
  auto b = open();
  Collector seen_b;
  b->set_event_sink(&seen_b);
  create(*a, 1, "before");
  ASSERT_EQ(seen_b.wait_for(1).size(), 1u);
  // b's listener is connected (it delivered "before"); a's may be too.
  EXPECT_GE(kill_listeners(url_), 1);
  for (int i = 0; i < 30; ++i) create(*a, 1, std::to_string(i));
  std::vector<LoggedEvent> got = seen_b.wait_for(31);
  ASSERT_EQ(got.size(), 31u);
  expect_consecutive(got, 1);
  EXPECT_EQ(got.back().data, "29");
  a->stop();
  b->stop();
}

}  // namespace
}  // namespace brisk::store::postgres
