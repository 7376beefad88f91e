// The event log of the SQLite store (store/events.hpp): events written with
// their change and only then, numbered in commit order across restarts,
// published after COMMIT in id order, read back per owner in pages, and
// pruned to a window whose edge readers can see.
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"
#include "store/testing.hpp"

namespace brisk::store {
namespace {

using Status = WriteResult::Status;
using testing::delete_of;
using testing::new_row;
using testing::run;
using testing::update_of;

std::string unique_path() {
  static std::atomic<int> counter{0};
  std::string dir = ::testing::TempDir();
  if (dir.empty() || dir.back() != '/') dir += '/';
  return dir + "brisk-event-log-test-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter++) + ".db";
}

// Events as a test makes them: the kind codes are the caller's (any nonzero).
Event ev(std::uint8_t kind, std::string data) {
  return {kind, std::move(data)};
}

// Collects what the store publishes; wait_for() blocks until `n` events came.
class Collector final : public EventSink {
 public:
  void published(std::vector<LoggedEvent>&& events) override {
    std::lock_guard lock(mu_);
    for (LoggedEvent& e : events) got_.push_back(std::move(e));
    cv_.notify_all();
  }
  std::vector<LoggedEvent> wait_for(std::size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return got_.size() >= n; });
    return got_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<LoggedEvent> got_;
};

struct Page {
  ReadStatus status;
  std::vector<LoggedEvent> events;
  EventPage page;
};

Page read(Store& s, Owner owner, std::int64_t after, std::size_t max_events = 256,
          std::size_t max_bytes = 1 << 20) {
  Page p;
  p.status = s.reader(0).events(
      {owner, after, max_events, max_bytes},
      [&](const EventView& e) {
        p.events.push_back({e.id, owner, e.kind, std::string(e.data)});
      },
      p.page);
  return p;
}

class EventLogTest : public ::testing::Test {
 protected:
  void SetUp() override { path_ = unique_path(); }
  void TearDown() override {
    store_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) ::unlink((path_ + suffix).c_str());
  }
  Store& open(std::int64_t window = 10'000) {
    store_.reset();
    StoreOptions o;
    o.target = path_;
    o.event_window = window;
    store_ = sqlite::open_sqlite_store(o);
    return *store_;
  }
  // Creates a task of `owner` with an event carrying `data`; its event id.
  std::int64_t create(Owner owner, const std::string& data, TaskRow* row = nullptr) {
    TaskRow r = new_row("t", owner);
    if (row) *row = r;
    WriteResult res = run(*store_, CreateTask{std::move(r), {}, ev(1, data)});
    EXPECT_EQ(res.status, Status::kOk);
    return res.event_id;
  }
  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(EventLogTest, EachChangeLogsItsEventWithIncreasingIds) {
  Store& s = open();
  TaskRow row;
  const std::int64_t a = create(7, "created", &row);
  UpdateTask u = update_of(row, [](TaskRow& r) { r.title = "renamed"; });
  u.event = ev(2, "updated");
  WriteResult ur = run(s, u);
  DeleteTask d = delete_of(u.row);
  d.event = ev(3, "deleted");
  WriteResult dr = run(s, d);
  ASSERT_EQ(ur.status, Status::kOk);
  ASSERT_EQ(dr.status, Status::kOk);
  EXPECT_GT(a, 0);
  EXPECT_EQ(ur.event_id, a + 1);
  EXPECT_EQ(dr.event_id, a + 2);

  Page p = read(s, 7, 0);
  ASSERT_EQ(p.status, ReadStatus::kOk);
  ASSERT_EQ(p.events.size(), 3u);
  EXPECT_EQ(p.events[0].id, a);
  EXPECT_EQ(p.events[0].kind, 1);
  EXPECT_EQ(p.events[0].data, "created");
  EXPECT_EQ(p.events[1].data, "updated");
  EXPECT_EQ(p.events[2].kind, 3);
  EXPECT_EQ(p.events[2].data, "deleted");
  EXPECT_EQ(p.page.newest, a + 2);
  EXPECT_EQ(p.page.last, a + 2);
  EXPECT_FALSE(p.page.more);
  EXPECT_EQ(p.page.pruned_through, 0);
}

TEST_F(EventLogTest, NoEventWithoutAChange) {
  Store& s = open();
  TaskRow row;
  const std::int64_t first = create(1, "c", &row);
  // A compare-and-set on a stale version, a missing task, another owner's
  // task, and an idempotent replay change nothing: no event, no id used.
  UpdateTask stale = update_of(row, [](TaskRow& r) { r.title = "x"; });
  stale.expected_version = 99;
  stale.event = ev(2, "stale");
  EXPECT_EQ(run(s, stale).status, Status::kVersionChanged);
  DeleteTask missing = delete_of(new_row("never stored", 1));
  missing.event = ev(3, "missing");
  EXPECT_EQ(run(s, missing).status, Status::kNotFound);
  DeleteTask other = delete_of(row);
  other.owner = 2;
  other.event = ev(3, "other owner");
  EXPECT_EQ(run(s, other).status, Status::kNotFound);
  TaskRow keyed = new_row("keyed", 1);
  Idempotency idem{"key-1", "{}", 0};
  EXPECT_EQ(run(s, CreateTask{keyed, idem, ev(1, "first")}).status, Status::kOk);
  WriteResult replay = run(s, CreateTask{new_row("keyed", 1), idem, ev(1, "replay")});
  EXPECT_EQ(replay.status, Status::kReplayed);
  EXPECT_EQ(replay.event_id, 0);
  // A command without an event (kind 0) logs none either.
  EXPECT_EQ(run(s, CreateTask{new_row("quiet", 1), {}, {}}).event_id, 0);

  Page p = read(s, 1, 0);
  ASSERT_EQ(p.events.size(), 2u);
  EXPECT_EQ(p.events[0].data, "c");
  EXPECT_EQ(p.events[1].data, "first");
  EXPECT_EQ(p.events[1].id, first + 1);  // ids have no gaps
  EXPECT_TRUE(read(s, 2, 0).events.empty());
}

TEST_F(EventLogTest, OwnersReadOnlyTheirOwnEventsInPages) {
  Store& s = open();
  std::vector<std::int64_t> mine;
  for (int i = 0; i < 10; ++i) {
    mine.push_back(create(5, "mine " + std::to_string(i)));
    create(6, "theirs " + std::to_string(i));
  }
  Page first = read(s, 5, 0, 4);
  ASSERT_EQ(first.events.size(), 4u);
  EXPECT_TRUE(first.page.more);
  EXPECT_EQ(first.page.last, mine[3]);
  Page rest = read(s, 5, first.page.last, 100);
  ASSERT_EQ(rest.events.size(), 6u);
  EXPECT_FALSE(rest.page.more);
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(rest.events[i].id, mine[4 + i]);
    EXPECT_EQ(rest.events[i].data, "mine " + std::to_string(4 + i));
  }
  EXPECT_EQ(rest.page.newest, mine.back() + 1);  // owner 6's last event
  // The byte limit stops after the event that reaches it (at least one).
  Page small = read(s, 5, 0, 100, 1);
  ASSERT_EQ(small.events.size(), 1u);
  EXPECT_TRUE(small.page.more);
  Page two = read(s, 5, 0, 100, std::string("mine 0").size() + 1);
  EXPECT_EQ(two.events.size(), 2u);
}

TEST_F(EventLogTest, PublishedAfterCommitInIdOrderOnlyWhenCommitted) {
  Store& s = open();
  Collector sink;
  s.set_event_sink(&sink);
  // One batch of many writes (enqueued, then flushed together).
  std::vector<std::future<WriteResult>> results;
  for (int i = 0; i < 20; ++i) {
    results.push_back(
        testing::enqueue(s, CreateTask{new_row("b", 3), {}, ev(1, std::to_string(i))}));
  }
  s.flush();
  std::vector<std::int64_t> ids;
  for (auto& f : results) ids.push_back(f.get().event_id);
  std::vector<LoggedEvent> got = sink.wait_for(20);
  ASSERT_EQ(got.size(), 20u);
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].id, ids[i]);
    EXPECT_EQ(got[i].owner, 3);
    EXPECT_EQ(got[i].data, std::to_string(i));
    if (i > 0) {
      EXPECT_EQ(got[i].id, got[i - 1].id + 1);
    }
  }
  // What was published is committed: a reader sees all of it.
  EXPECT_EQ(read(s, 3, 0).events.size(), 20u);
  // A write that changes nothing publishes nothing.
  DeleteTask missing = delete_of(new_row("never stored", 3));
  missing.event = ev(3, "missing");
  run(s, missing);
  create(3, "after");
  got = sink.wait_for(21);
  ASSERT_EQ(got.size(), 21u);
  EXPECT_EQ(got.back().data, "after");
  s.stop();
  s.set_event_sink(nullptr);
}

TEST_F(EventLogTest, IdsGoOnAfterARestart) {
  open();
  create(1, "a");
  const std::int64_t b = create(1, "b");
  Store& s = open();  // the same file, reopened
  EXPECT_EQ(create(1, "c"), b + 1);
  Page p = read(s, 1, 0);
  ASSERT_EQ(p.events.size(), 3u);
  EXPECT_EQ(p.events[2].data, "c");
}

TEST_F(EventLogTest, PrunedToTheWindowAndReadersSeeWhere) {
  Store& s = open(10);  // keeps at least 10, prunes one at a time past that
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 35; ++i) ids.push_back(create(4, std::to_string(i)));
  Page all = read(s, 4, 0);
  EXPECT_EQ(all.page.newest, ids.back());
  // The newest 10 are kept; what went is recorded.
  EXPECT_GE(all.page.pruned_through, ids.back() - 11);
  EXPECT_LE(all.page.pruned_through, ids.back() - 10);
  ASSERT_GE(all.events.size(), 10u);
  EXPECT_LE(all.events.size(), 11u);
  EXPECT_EQ(all.events.front().id, all.page.pruned_through + 1);
  EXPECT_EQ(all.events.back().id, ids.back());
  // A reader whose last id is before the edge knows it missed some.
  EXPECT_LT(ids[3], all.page.pruned_through);

  // After a restart, ids go on past the pruned ones, even with a window
  // that then prunes everything older.
  Store& again = open(1);
  const std::int64_t next = create(4, "after restart");
  EXPECT_EQ(next, ids.back() + 1);
  Page p = read(again, 4, 0);
  ASSERT_EQ(p.events.size(), 1u);
  EXPECT_EQ(p.events[0].id, next);
  EXPECT_EQ(p.page.pruned_through, next - 1);
  Store& third = open(1);
  EXPECT_EQ(create(4, "later"), next + 1);
  EXPECT_EQ(read(third, 4, 0).events.size(), 1u);
}

}  // namespace
}  // namespace brisk::store
