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

TEST(StoreReaders, ReadCachesOffLeaveNothingToCacheAndReadTheSame) {
  StoreOptions opts;
  opts.target = ":memory:";
  opts.read_cache = false;
  auto s = sqlite::open_sqlite_store(opts);
  // No generation: the handlers' list cache has nothing to validate against.
  EXPECT_FALSE(s->task_generation().has_value());
  EXPECT_TRUE(open(":memory:")->task_generation().has_value());
  TaskRow t = new_row("uncached");
  ASSERT_EQ(run(*s, create_of(t)).status, Status::kOk);
  for (int i = 0; i < 2; ++i) {
    TaskRead r = testing::read_task(s->reader(0), kLocalOwner, t.id);
    ASSERT_EQ(r.status, ReadStatus::kOk);
    EXPECT_EQ(r.json, t.body) << i;
  }
  UpdateTask u = update_of(t, [](TaskRow& r) { r.title = "changed"; });
  const std::string changed = u.row.body;
  ASSERT_EQ(run(*s, std::move(u)).status, Status::kOk);
  EXPECT_EQ(testing::read_task(s->reader(0), kLocalOwner, t.id).json, changed);
  s->stop();
}

}  // namespace
}  // namespace brisk::store
