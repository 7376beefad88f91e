// Costly lists: the limits a list runs under (steps, deadline, cancel) and
// the bounded pool that runs them off the event loops.
#include "store/sqlite/read_pool.hpp"

#include <gtest/gtest.h>

#include <future>
#include <string>
#include <thread>
#include <vector>

#include "store/search.hpp"
#include "store/sqlite/lister.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/sqlite/testing/task_file.hpp"

namespace brisk::store::sqlite {
namespace {

class CostlyReadTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = task_file::temp_path("read-pool-test");
    ASSERT_EQ(task_file::write(path_, 3000,
                               [](int i) {
                                 TaskRow t;
                                 for (std::size_t b = 0; b < t.id.bytes.size(); ++b)
                                   t.id.bytes[b] =
                                       static_cast<std::uint8_t>((i >> (8 * (b % 4))) + b);
                                 t.created_at = 1'700'000'000'000 + i;
                                 t.updated_at = t.created_at;
                                 t.version = 1;
                                 t.title = "budget review " + std::to_string(i);
                                 t.body = "{}";
                                 return t;
                               }),
              "");
  }
  static void TearDownTestSuite() { task_file::remove(path_); }

  // A search every task matches, by relevance: thousands of VM steps.
  static ListSpec costly() {
    ListSpec q;
    EXPECT_EQ(parse_search("bud", q.search), SearchStatus::kOk);
    q.sort = SortKey::kRelevance;
    q.limit = 10;
    return q;
  }

  static ReadStatus run(Lister& l, const ListSpec& q, const ListLimits& limits, int& rows) {
    ListPage page;
    rows = 0;
    return l.list(
        q, [&rows](std::string_view) { ++rows; }, page, limits);
  }

  static std::string path_;
};
std::string CostlyReadTest::path_;

TEST_F(CostlyReadTest, ListLimitsStopAListAndSayWhy) {
  Db db;
  ASSERT_EQ(task_file::open_reader(db, path_), "");
  Lister l(db);
  int rows = 0;
  EXPECT_EQ(run(l, costly(), {}, rows), ReadStatus::kOk);
  EXPECT_EQ(rows, 10);
  EXPECT_EQ(run(l, costly(), {.max_steps = 1000}, rows), ReadStatus::kWouldBlock);
  EXPECT_EQ(run(l, costly(), {.deadline = std::chrono::steady_clock::now()}, rows),
            ReadStatus::kTimeout);
  EXPECT_EQ(run(l, costly(), {.cpu = std::chrono::nanoseconds(1)}, rows), ReadStatus::kTimeout);
  std::atomic<bool> cancel{true};
  EXPECT_EQ(run(l, costly(), {.cancel = &cancel}, rows), ReadStatus::kCancelled);
  cancel = false;
  EXPECT_EQ(
      run(l, costly(),
          {.deadline = std::chrono::steady_clock::now() + std::chrono::hours(1), .cancel = &cancel},
          rows),
      ReadStatus::kOk);
  EXPECT_EQ(rows, 10);
  // A cheap list fits an inline budget; the limits are gone after a list.
  ListSpec cheap;
  cheap.limit = 5;
  EXPECT_EQ(run(l, cheap, {.max_steps = 150'000}, rows), ReadStatus::kOk);
  EXPECT_EQ(rows, 5);
  EXPECT_EQ(run(l, costly(), {}, rows), ReadStatus::kOk);
}

TEST_F(CostlyReadTest, TheStoreRunsSearchesOffTheCallersThread) {
  std::unique_ptr<Store> st = open_sqlite_store({path_, 1});
  Reader& r = st->reader(0);
  ListPage page;
  int rows = 0;
  EXPECT_EQ(r.list(
                costly(), [&rows](std::string_view) { ++rows; }, page),
            ReadStatus::kWouldBlock);
  std::promise<std::pair<ListRead, std::thread::id>> p;
  r.list_async(costly(),
               [&p](ListRead&& l) {
                 p.set_value({std::move(l), std::this_thread::get_id()});
               },
               {"client", nullptr});
  auto [read, thread] = p.get_future().get();
  EXPECT_EQ(read.status, ReadStatus::kOk);
  EXPECT_EQ(read.count, 10);
  EXPECT_NE(thread, std::this_thread::get_id());
  st->stop();
}

// threads 1, queue 1, one place per client. The pool thread is held in a
// completion (its place already given back) while the queue fills.
TEST_F(CostlyReadTest, ThePoolIsBoundedOverallAndPerClient) {
  ReadPool pool(path_, nullptr, {.threads = 1, .queue = 1, .per_client = 1, .timeout = {}});
  std::promise<void> in_first, release_first;
  std::shared_future<void> released = release_first.get_future().share();
  std::vector<std::promise<ReadStatus>> answers(6);
  auto answer = [&answers](int i) {
    return [&answers, i](ListRead&& r) { answers[i].set_value(r.status); };
  };
  auto status = [&answers](int i) { return answers[i].get_future().get(); };
  auto cancel_a = std::make_shared<std::atomic<bool>>(false);

  ListSpec cheap;
  cheap.limit = 1;
  pool.submit(cheap,
              [&](ListRead&& r) {
                answers[0].set_value(r.status);
                in_first.set_value();
                released.wait();
              },
              {"a", nullptr});
  in_first.get_future().wait();
  pool.submit(cheap, answer(1), {"a", cancel_a});  // queued: the thread is busy
  pool.submit(cheap, answer(2), {"a", nullptr});   // a's one place is taken
  pool.submit(cheap, answer(3), {"b", nullptr});   // no: the queue is full
  EXPECT_EQ(status(0), ReadStatus::kOk);
  EXPECT_EQ(status(2), ReadStatus::kBusy);
  EXPECT_EQ(status(3), ReadStatus::kBusy);
  // a's waiter leaves: its queued list is dropped, and its place is free.
  cancel_a->store(true);
  pool.submit(cheap, answer(4), {"a", nullptr});
  EXPECT_EQ(status(1), ReadStatus::kCancelled);
  release_first.set_value();
  EXPECT_EQ(status(4), ReadStatus::kOk);
  pool.stop();
  pool.submit(cheap, answer(5), {"c", nullptr});
  EXPECT_EQ(status(5), ReadStatus::kUnavailable);
}

}  // namespace
}  // namespace brisk::store::sqlite
