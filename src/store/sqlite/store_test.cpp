#include <dirent.h>
#include <sqlite3.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <simdjson.h>

#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"
#include "store/testing.hpp"
#include "util/time.hpp"
#include "util/uuid.hpp"

namespace brisk::store {
namespace {

using Status = WriteResult::Status;
using sqlite::latest_schema_version;
using testing::body_of;
using testing::delete_of;
using testing::run;
using testing::update_of;
using testing::uuid_text;

// ---------------------------------------------------------------- helpers

std::string unique_path(std::string_view tag) {
  static std::atomic<int> counter{0};
  std::string dir = ::testing::TempDir();
  if (dir.empty() || dir.back() != '/') dir += '/';
  return dir + "brisk-store-test-" + std::to_string(::getpid()) + "-" + std::string(tag) + "-" +
         std::to_string(counter++) + ".db";
}

void remove_db_files(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) ::unlink((path + suffix).c_str());
}

std::unique_ptr<Store> open(const std::string& target, unsigned readers = 1) {
  StoreOptions opts;
  opts.target = target;
  opts.readers = readers;
  return sqlite::open_sqlite_store(opts);
}

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
  Got g;
  std::string_view json;
  g.status = s.reader(0).get(owner, id, json, g.version);
  if (g.status == ReadStatus::kOk) g.json.assign(json);
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
  ReadStatus st = s.reader(0).list(
      q, [&](std::string_view json) { p.rows.push_back(row_of(json)); }, p.end);
  EXPECT_EQ(st, ReadStatus::kOk);
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

int user_version(const std::string& path) {
  sqlite3* db = nullptr;
  int v = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      v = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return v;
}

int table_count(const std::string& path) {
  sqlite3* db = nullptr;
  int n = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'", -1, &st,
                           nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      n = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return n;
}

void set_user_version(const std::string& path, int v) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr),
            SQLITE_OK);
  std::string sql = "PRAGMA user_version = " + std::to_string(v);
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

bool is_uuid_v7(const util::Uuid& id) {
  return (id.bytes[6] >> 4) == 7 && (id.bytes[8] & 0xC0) == 0x80;
}

// Files of this process's ":memory:" stores.
int memory_files() {
  std::string prefix = "brisk-memory-" + std::to_string(::getpid()) + "-";
  int n = 0;
  for (const char* dir : {"/dev/shm", "/tmp"}) {
    DIR* d = ::opendir(dir);
    if (!d) continue;
    while (dirent* e = ::readdir(d)) {
      if (std::string_view(e->d_name).starts_with(prefix)) ++n;
    }
    ::closedir(d);
  }
  return n;
}

class StoreFile : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = unique_path("file");
    remove_db_files(path_);
  }
  void TearDown() override { remove_db_files(path_); }
  std::string path_;
};

// ---------------------------------------------------------------- open, migrate, lock

TEST(StoreOpen, MemoryStoreWorksAndLeavesNoFiles) {
  const int before = memory_files();
  {
    auto s = open(":memory:");
    EXPECT_EQ(s->cursor_key().size(), 32u);
    EXPECT_TRUE(s->reader(0).ping());
    EXPECT_GT(memory_files(), before);
    WriteResult r = run(*s, create_of(new_row("in memory")));
    ASSERT_EQ(r.status, Status::kOk);
    EXPECT_EQ(get(*s, r.id).status, ReadStatus::kOk);
  }
  EXPECT_EQ(memory_files(), before);
}

TEST(StoreOpen, MemoryStoresAreIndependent) {
  auto a = open(":memory:");
  auto b = open(":memory:");
  WriteResult r = run(*a, create_of(new_row("only in a")));
  ASSERT_EQ(r.status, Status::kOk);
  EXPECT_EQ(get(*b, r.id).status, ReadStatus::kNotFound);
  EXPECT_NE(a->cursor_key(), b->cursor_key());
}

TEST_F(StoreFile, MigrationsSetUserVersion) {
  ASSERT_GE(latest_schema_version(), 1);
  {
    auto s = open(path_);
    EXPECT_EQ(s->cursor_key().size(), 32u);
  }
  EXPECT_EQ(user_version(path_), latest_schema_version());
  EXPECT_GE(table_count(path_), 3);
}

TEST_F(StoreFile, ReopenKeepsDataAndCursorKey) {
  std::string key;
  TaskRow row;
  WriteResult created;
  {
    auto s = open(path_);
    key = s->cursor_key();
    row = new_row("persisted");
    created = run(*s, create_of(row));
    ASSERT_EQ(created.status, Status::kOk);
  }
  {
    auto s = open(path_);
    EXPECT_EQ(s->cursor_key(), key);
    Got g = get(*s, created.id);
    ASSERT_EQ(g.status, ReadStatus::kOk);
    EXPECT_EQ(g.json, row.body);
    EXPECT_EQ(g.version, 1);
    // And it can still be written.
    EXPECT_EQ(run(*s, update_of(row, [](TaskRow& t) { t.title = "changed"; })).status, Status::kOk);
  }
  EXPECT_EQ(user_version(path_), latest_schema_version());
}

TEST_F(StoreFile, NewerSchemaIsRefused) {
  const int newer = latest_schema_version() + 1;
  set_user_version(path_, newer);
  try {
    open(path_);
    ADD_FAILURE() << "a database with a newer schema was opened";
  } catch (const std::runtime_error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("schema version"), std::string::npos) << msg;
    EXPECT_NE(msg.find(std::to_string(newer)), std::string::npos) << msg;
  }
  // Nothing was changed.
  EXPECT_EQ(user_version(path_), newer);
  EXPECT_EQ(table_count(path_), 0);
}

TEST_F(StoreFile, RefusedOpenReleasesTheFile) {
  // A failed open must not keep the file locked: once the problem is fixed,
  // the same process can open it.
  set_user_version(path_, latest_schema_version() + 1);
  EXPECT_THROW(open(path_), std::runtime_error);
  set_user_version(path_, 0);
  try {
    auto s = open(path_);
    EXPECT_EQ(s->cursor_key().size(), 32u);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "reopening after a refused open failed: " << e.what();
  }
}

TEST_F(StoreFile, SecondOpenWhileOpenIsRefused) {
  auto first = open(path_);
  try {
    open(path_);
    ADD_FAILURE() << "the same file was opened twice";
  } catch (const std::runtime_error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("another brisk process"), std::string::npos) << msg;
  }
  // The first store is unaffected.
  WriteResult r = run(*first, create_of(new_row("still works")));
  ASSERT_EQ(r.status, Status::kOk);
  EXPECT_EQ(get(*first, r.id).status, ReadStatus::kOk);
  first.reset();
  // Once closed, it opens again.
  EXPECT_NO_THROW(open(path_));
}

TEST_F(StoreFile, UnopenablePathIsRefused) {
  EXPECT_THROW(open("/nonexistent-dir-brisk-test/x.db"), std::runtime_error);
}

// ---------------------------------------------------------------- writes and reads

class StoreOps : public ::testing::Test {
 protected:
  void SetUp() override { s_ = open(":memory:"); }
  void TearDown() override { s_.reset(); }
  Store& s() { return *s_; }
  std::unique_ptr<Store> s_;
};

TEST_F(StoreOps, CreateStoresTheRowAsGiven) {
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

TEST_F(StoreOps, UpdateReplacesTheRowAtTheExpectedVersion) {
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

TEST_F(StoreOps, AChangeAtAnOlderVersionChangesNothing) {
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

TEST_F(StoreOps, DeleteThenGetIsNotFound) {
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

TEST_F(StoreOps, UnknownIdIsNotFound) {
  TaskRow ghost = new_row("never stored");
  EXPECT_EQ(get(s(), ghost.id).status, ReadStatus::kNotFound);
  EXPECT_EQ(run(s(), update_of(ghost, [](TaskRow& r) { r.priority = 2; })).status,
            Status::kNotFound);
  EXPECT_EQ(run(s(), delete_of(ghost)).status, Status::kNotFound);
}

TEST_F(StoreOps, AnotherOwnersTaskIsNotFound) {
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

TEST_F(StoreOps, ListOrderIsNewestFirstThenIdDescending) {
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

TEST_F(StoreOps, ListFiltersByStatusMask) {
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

TEST_F(StoreOps, ListReturnsAtMostLimitAndSaysWhetherMoreFollow) {
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

TEST_F(StoreOps, ListContinuesAfterAPosition) {
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

TEST_F(StoreOps, ListContinuationWithStatusFilter) {
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

TEST_F(StoreOps, IdempotentReplay) {
  WriteResult first = run(s(), keyed("key-1", R"({"title":"idem"})"));
  ASSERT_EQ(first.status, Status::kOk);
  WriteResult again = run(s(), keyed("key-1", R"({"title":"idem"})"));
  EXPECT_EQ(again.status, Status::kReplayed);
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(list_all(s()).size(), 1u);
}

TEST_F(StoreOps, IdempotencyKeyWithAnotherBodyIsAMismatch) {
  ASSERT_EQ(run(s(), keyed("key-1", R"({"title":"idem"})")).status, Status::kOk);
  EXPECT_EQ(run(s(), keyed("key-1", R"({"title":"idem" })")).status, Status::kIdempotencyMismatch);
  EXPECT_EQ(run(s(), keyed("key-1", R"({"title":"other"})")).status, Status::kIdempotencyMismatch);
  EXPECT_EQ(list_all(s()).size(), 1u);
}

TEST_F(StoreOps, IdempotencyKeysArePerOwner) {
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

TEST_F(StoreOps, SameKeyInOneBatchIsInFlight) {
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

TEST_F(StoreOps, ConcurrentSubmitsAllComplete) {
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

TEST_F(StoreFile, ConcurrentSubmitsAreDurableAcrossReopen) {
  constexpr int kThreads = 3;
  constexpr int kPerThread = 20;
  std::set<util::Uuid> ids;
  {
    auto s = open(path_);
    std::mutex mu;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        std::vector<std::future<WriteResult>> fs;
        for (int i = 0; i < kPerThread; ++i) fs.push_back(submit(*s, create_of(new_row("x"))));
        for (auto& f : fs) {
          WriteResult r = f.get();
          EXPECT_EQ(r.status, Status::kOk);
          std::lock_guard lock(mu);
          ids.insert(r.id);
        }
      });
    }
    for (auto& th : threads) th.join();
  }
  ASSERT_EQ(ids.size(), static_cast<std::size_t>(kThreads * kPerThread));
  auto s = open(path_);
  std::vector<Row> rows = list_all(*s);
  ASSERT_EQ(rows.size(), ids.size());
  for (const Row& r : rows) EXPECT_EQ(ids.count(r.id), 1u);
}

TEST_F(StoreOps, StopCommitsWhatWasSubmitted) {
  std::vector<std::future<WriteResult>> fs;
  for (int i = 0; i < 20; ++i) fs.push_back(submit(s(), create_of(new_row("x"))));
  s().stop();
  for (auto& f : fs) {
    ASSERT_EQ(f.wait_for(std::chrono::seconds(0)), std::future_status::ready);
    EXPECT_EQ(f.get().status, Status::kOk);
  }
  EXPECT_EQ(list_all(s()).size(), 20u);
}

TEST(StoreReaders, EachReaderSeesCommittedWrites) {
  auto s = open(":memory:", 3);
  TaskRow t = new_row("shared");
  WriteResult r = run(*s, create_of(t));
  ASSERT_EQ(r.status, Status::kOk);
  for (unsigned i = 0; i < 3; ++i) {
    std::string_view json;
    std::int64_t version = 0;
    EXPECT_EQ(s->reader(i).get(kLocalOwner, r.id, json, version), ReadStatus::kOk) << i;
    EXPECT_EQ(json, t.body);
    EXPECT_TRUE(s->reader(i).ping());
  }
  EXPECT_THROW(s->reader(3), std::out_of_range);
}

}  // namespace
}  // namespace brisk::store
