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

#include "api/model_bind.hpp"
#include "store/migrations.hpp"
#include "store/store.hpp"
#include "tasks/task.hpp"
#include "util/time.hpp"
#include "util/uuid.hpp"

namespace brisk::store {
namespace {

using Status = WriteResult::Status;
using tasks::Task;

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
  return open_store(opts);
}

// Submits `req` and waits for its completion.
WriteResult run(Store& s, WriteRequest req) {
  auto p = std::make_shared<std::promise<WriteResult>>();
  auto f = p->get_future();
  req.done = [p](WriteResult&& r) { p->set_value(std::move(r)); };
  s.submit(std::move(req));
  return f.get();
}

// Submits `req` without waiting; the future completes with its result.
std::future<WriteResult> submit(Store& s, WriteRequest req) {
  auto p = std::make_shared<std::promise<WriteResult>>();
  auto f = p->get_future();
  req.done = [p](WriteResult&& r) { p->set_value(std::move(r)); };
  s.submit(std::move(req));
  return f;
}

WriteRequest create_req(std::string title, Owner owner = kLocalOwner,
                        tasks::Status status = tasks::Status::kPending) {
  WriteRequest r;
  r.kind = WriteRequest::Kind::kCreate;
  r.owner = owner;
  r.fields.title = std::move(title);
  r.fields.status = static_cast<std::int64_t>(status);
  r.mask = api::FieldMask{1} << tasks::kTitle;
  return r;
}

WriteRequest update_req(const util::Uuid& id, Owner owner = kLocalOwner) {
  WriteRequest r;
  r.kind = WriteRequest::Kind::kUpdate;
  r.owner = owner;
  r.id = id;
  return r;
}

WriteRequest delete_req(const util::Uuid& id, Owner owner = kLocalOwner) {
  WriteRequest r;
  r.kind = WriteRequest::Kind::kDelete;
  r.owner = owner;
  r.id = id;
  return r;
}

Precondition if_match(std::vector<std::int64_t> versions) {
  Precondition p;
  p.present = true;
  p.versions = std::move(versions);
  return p;
}

Task parse_task(std::string_view json) {
  Task t;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string copy(json);
  if (parser.parse(copy).get(doc)) {
    ADD_FAILURE() << "stored JSON does not parse: " << json;
    return t;
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj)) {
    ADD_FAILURE() << "not an object: " << json;
    return t;
  }
  api::Errors errs;
  api::FieldMask mask = api::bind(tasks::kTaskModel, obj, api::Mode::kStored, t, errs);
  EXPECT_TRUE(errs.empty()) << json;
  EXPECT_EQ(mask, (api::FieldMask{1} << 10) - 1) << json;
  return t;
}

std::string uuid_text(const util::Uuid& id) {
  char buf[36];
  util::format_uuid(id, buf);
  return std::string(buf, 36);
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
  util::Uuid id;
};

struct Page {
  std::vector<Row> rows;
  ListPage end;
};

Row row_of(std::string_view json) {
  Task t = parse_task(json);
  return Row{std::string(json), t.created_at, t.id};
}

Page page(Store& s, const ListQuery& q) {
  Page p;
  ReadStatus st = s.reader(0).list(
      q, [&](std::string_view json) { p.rows.push_back(row_of(json)); }, p.end);
  EXPECT_EQ(st, ReadStatus::kOk);
  return p;
}

std::vector<Row> list(Store& s, const ListQuery& q) {
  return page(s, q).rows;
}

std::vector<Row> list_all(Store& s, Owner owner = kLocalOwner, unsigned status_mask = 0) {
  ListQuery q;
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
    WriteResult r = run(*s, create_req("in memory"));
    ASSERT_EQ(r.status, Status::kOk);
    EXPECT_EQ(get(*s, r.id).status, ReadStatus::kOk);
  }
  EXPECT_EQ(memory_files(), before);
}

TEST(StoreOpen, MemoryStoresAreIndependent) {
  auto a = open(":memory:");
  auto b = open(":memory:");
  WriteResult r = run(*a, create_req("only in a"));
  ASSERT_EQ(r.status, Status::kOk);
  EXPECT_EQ(get(*b, r.id).status, ReadStatus::kNotFound);
  EXPECT_NE(a->cursor_key(), b->cursor_key());
}

TEST(StoreOpen, EmptyAndPostgresTargetsAreRefused) {
  EXPECT_THROW(open(""), std::runtime_error);
  EXPECT_THROW(open("postgres://localhost/brisk"), std::runtime_error);
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
  WriteResult created;
  {
    auto s = open(path_);
    key = s->cursor_key();
    created = run(*s, create_req("persisted"));
    ASSERT_EQ(created.status, Status::kOk);
  }
  {
    auto s = open(path_);
    EXPECT_EQ(s->cursor_key(), key);
    Got g = get(*s, created.id);
    ASSERT_EQ(g.status, ReadStatus::kOk);
    EXPECT_EQ(g.json, created.json);
    EXPECT_EQ(g.version, 1);
    // And it can still be written.
    WriteRequest u = update_req(created.id);
    u.fields.title = "changed";
    u.mask = api::FieldMask{1} << tasks::kTitle;
    EXPECT_EQ(run(*s, std::move(u)).status, Status::kOk);
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
  WriteResult r = run(*first, create_req("still works"));
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

TEST_F(StoreOps, CreateAssignsIdVersionAndTimes) {
  const std::int64_t before = util::now_unix_ms();
  WriteRequest req = create_req("Write the report");
  req.fields.description = "desc";
  req.fields.priority = 3;
  req.fields.due_at = 1795339800123;
  req.fields.tags = {"work", "home"};
  WriteResult r = run(s(), std::move(req));
  const std::int64_t after = util::now_unix_ms();
  ASSERT_EQ(r.status, Status::kOk);
  EXPECT_EQ(r.version, 1);
  EXPECT_TRUE(is_uuid_v7(r.id)) << uuid_text(r.id);
  std::int64_t id_ms = 0;
  for (int i = 0; i < 6; ++i) id_ms = id_ms << 8 | r.id.bytes[i];
  EXPECT_GE(id_ms, before - 1);
  EXPECT_LE(id_ms, after + 1);

  Task t = parse_task(r.json);
  EXPECT_EQ(t.id, r.id);
  EXPECT_EQ(t.title, "Write the report");
  EXPECT_EQ(t.description, "desc");
  EXPECT_EQ(t.priority, 3);
  EXPECT_EQ(t.due_at, 1795339800123);
  EXPECT_EQ(t.tags, (std::vector<std::string>{"work", "home"}));
  EXPECT_EQ(t.version, 1);
  EXPECT_EQ(t.created_at, t.updated_at);
  EXPECT_GE(t.created_at, before);
  EXPECT_LE(t.created_at, after);
  EXPECT_NE(r.json.find("\"id\":\"" + uuid_text(r.id) + "\""), std::string::npos) << r.json;

  Got g = get(s(), r.id);
  ASSERT_EQ(g.status, ReadStatus::kOk);
  EXPECT_EQ(g.json, r.json);
  EXPECT_EQ(g.version, 1);
}

TEST_F(StoreOps, IdsAreDistinctAndIncreasing) {
  util::Uuid prev;
  for (int i = 0; i < 5; ++i) {
    WriteResult r = run(s(), create_req("t" + std::to_string(i)));
    ASSERT_EQ(r.status, Status::kOk);
    EXPECT_GT(r.id, prev);
    prev = r.id;
  }
}

TEST_F(StoreOps, UpdateChangesOnlyMaskedFieldsAndBumpsVersion) {
  WriteRequest c = create_req("original");
  c.fields.description = "keep me";
  c.fields.tags = {"a"};
  WriteResult created = run(s(), std::move(c));
  ASSERT_EQ(created.status, Status::kOk);
  Task before = parse_task(created.json);

  WriteRequest u = update_req(created.id);
  u.fields.title = "not applied";
  u.fields.description = "not applied";
  u.fields.status = static_cast<std::int64_t>(tasks::Status::kDone);
  u.fields.priority = 5;
  u.fields.version = 99;  // read-only: ignored even if masked
  u.mask = api::FieldMask{1} << tasks::kStatus | api::FieldMask{1} << tasks::kPriority |
           api::FieldMask{1} << tasks::kVersion;
  WriteResult r = run(s(), std::move(u));
  ASSERT_EQ(r.status, Status::kOk);
  EXPECT_EQ(r.version, 2);
  EXPECT_EQ(r.id, created.id);

  Task after = parse_task(r.json);
  EXPECT_EQ(after.id, before.id);
  EXPECT_EQ(after.title, "original");
  EXPECT_EQ(after.description, "keep me");
  EXPECT_EQ(after.tags, before.tags);
  EXPECT_EQ(after.status, 2);
  EXPECT_EQ(after.priority, 5);
  EXPECT_EQ(after.version, 2);
  EXPECT_EQ(after.created_at, before.created_at);
  EXPECT_GE(after.updated_at, before.updated_at);

  Got g = get(s(), created.id);
  ASSERT_EQ(g.status, ReadStatus::kOk);
  EXPECT_EQ(g.json, r.json);
  EXPECT_EQ(g.version, 2);

  // An update that changes no value still bumps the version.
  WriteRequest same = update_req(created.id);
  same.fields.priority = 5;
  same.mask = api::FieldMask{1} << tasks::kPriority;
  WriteResult r3 = run(s(), std::move(same));
  ASSERT_EQ(r3.status, Status::kOk);
  EXPECT_EQ(r3.version, 3);
  EXPECT_EQ(get(s(), created.id).version, 3);
}

TEST_F(StoreOps, UpdateCanClearDueAt) {
  WriteRequest c = create_req("due");
  c.fields.due_at = 1795339800123;
  WriteResult created = run(s(), std::move(c));
  ASSERT_EQ(created.status, Status::kOk);
  WriteRequest u = update_req(created.id);
  u.mask = api::FieldMask{1} << tasks::kDueAt;  // fields.due_at is null
  WriteResult r = run(s(), std::move(u));
  ASSERT_EQ(r.status, Status::kOk);
  EXPECT_FALSE(parse_task(r.json).due_at.has_value());
  EXPECT_NE(r.json.find("\"due_at\":null"), std::string::npos) << r.json;
}

TEST_F(StoreOps, IfMatchMismatchLeavesTheTaskUnchanged) {
  WriteResult created = run(s(), create_req("guarded"));
  ASSERT_EQ(created.status, Status::kOk);

  WriteRequest u = update_req(created.id);
  u.if_match = if_match({2, 3});
  u.fields.title = "overwritten";
  u.mask = api::FieldMask{1} << tasks::kTitle;
  EXPECT_EQ(run(s(), std::move(u)).status, Status::kPreconditionFailed);

  // A header that names no valid ETag matches nothing.
  WriteRequest garbage = update_req(created.id);
  garbage.if_match = if_match({});
  garbage.fields.title = "overwritten";
  garbage.mask = api::FieldMask{1} << tasks::kTitle;
  EXPECT_EQ(run(s(), std::move(garbage)).status, Status::kPreconditionFailed);

  Got g = get(s(), created.id);
  EXPECT_EQ(g.version, 1);
  EXPECT_EQ(g.json, created.json);

  WriteRequest d = delete_req(created.id);
  d.if_match = if_match({7});
  EXPECT_EQ(run(s(), std::move(d)).status, Status::kPreconditionFailed);
  EXPECT_EQ(get(s(), created.id).status, ReadStatus::kOk);

  // Matching conditions succeed.
  WriteRequest ok = update_req(created.id);
  ok.if_match = if_match({5, 1});
  ok.fields.title = "edited";
  ok.mask = api::FieldMask{1} << tasks::kTitle;
  WriteResult r = run(s(), std::move(ok));
  ASSERT_EQ(r.status, Status::kOk);
  EXPECT_EQ(parse_task(r.json).title, "edited");

  WriteRequest any = update_req(created.id);
  any.if_match.present = true;
  any.if_match.any = true;
  EXPECT_EQ(run(s(), std::move(any)).status, Status::kOk);

  WriteRequest del = delete_req(created.id);
  del.if_match = if_match({3});
  EXPECT_EQ(run(s(), std::move(del)).status, Status::kOk);
  EXPECT_EQ(get(s(), created.id).status, ReadStatus::kNotFound);
}

TEST_F(StoreOps, DeleteThenGetIsNotFound) {
  WriteResult created = run(s(), create_req("doomed"));
  ASSERT_EQ(created.status, Status::kOk);
  WriteResult d = run(s(), delete_req(created.id));
  EXPECT_EQ(d.status, Status::kOk);
  EXPECT_EQ(d.id, created.id);
  EXPECT_EQ(get(s(), created.id).status, ReadStatus::kNotFound);
  EXPECT_EQ(run(s(), delete_req(created.id)).status, Status::kNotFound);
  WriteRequest u = update_req(created.id);
  u.mask = api::FieldMask{1} << tasks::kPriority;
  EXPECT_EQ(run(s(), std::move(u)).status, Status::kNotFound);
  EXPECT_TRUE(list_all(s()).empty());
}

TEST_F(StoreOps, UnknownIdIsNotFound) {
  util::Uuid id;
  ASSERT_TRUE(util::parse_uuid("01936f4e-8a3c-7b2e-9c1d-5f0a2b3c4d5e", id));
  EXPECT_EQ(get(s(), id).status, ReadStatus::kNotFound);
  WriteRequest u = update_req(id);
  u.mask = api::FieldMask{1} << tasks::kPriority;
  EXPECT_EQ(run(s(), std::move(u)).status, Status::kNotFound);
  EXPECT_EQ(run(s(), delete_req(id)).status, Status::kNotFound);
}

TEST_F(StoreOps, AnotherOwnersTaskIsNotFound) {
  WriteResult created = run(s(), create_req("mine", 1));
  ASSERT_EQ(created.status, Status::kOk);

  EXPECT_EQ(get(s(), created.id, 2).status, ReadStatus::kNotFound);
  EXPECT_EQ(get(s(), created.id, kLocalOwner).status, ReadStatus::kNotFound);

  WriteRequest u = update_req(created.id, 2);
  u.fields.title = "stolen";
  u.mask = api::FieldMask{1} << tasks::kTitle;
  EXPECT_EQ(run(s(), std::move(u)).status, Status::kNotFound);
  EXPECT_EQ(run(s(), delete_req(created.id, 2)).status, Status::kNotFound);

  Got g = get(s(), created.id, 1);
  ASSERT_EQ(g.status, ReadStatus::kOk);
  EXPECT_EQ(g.version, 1);
  EXPECT_EQ(g.json, created.json);
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
    WriteResult r = run(s(), create_req("seq" + std::to_string(i)));
    ASSERT_EQ(r.status, Status::kOk);
    ids.push_back(r.id);
  }
  // Several submitted together usually share one commit and one created_at:
  // ties are then broken by id.
  std::vector<std::future<WriteResult>> fs;
  for (int i = 0; i < 4; ++i) fs.push_back(submit(s(), create_req("batch" + std::to_string(i))));
  for (auto& f : fs) {
    WriteResult r = f.get();
    ASSERT_EQ(r.status, Status::kOk);
    ids.push_back(r.id);
  }
  run(s(), create_req("other owner", 9));

  std::vector<Row> rows = list_all(s());
  ASSERT_EQ(rows.size(), ids.size());
  expect_default_order(rows);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].id, ids[ids.size() - 1 - i]) << i;
    Task t = parse_task(rows[i].json);
    EXPECT_EQ(t.id, rows[i].id);
    EXPECT_EQ(t.created_at, rows[i].created_at);
  }
}

TEST_F(StoreOps, ListFiltersByStatusMask) {
  using tasks::Status;
  const Status statuses[] = {Status::kPending, Status::kInProgress, Status::kDone, Status::kDone,
                             Status::kPending};
  for (Status st : statuses)
    ASSERT_EQ(run(s(), create_req("x", kLocalOwner, st)).status, WriteResult::Status::kOk);

  auto count_with = [&](unsigned mask) {
    std::vector<Row> rows = list_all(s(), kLocalOwner, mask);
    expect_default_order(rows);
    for (const Row& r : rows) {
      EXPECT_TRUE(mask == 0 || (mask & (1u << parse_task(r.json).status))) << r.json;
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
  for (int i = 0; i < 6; ++i) ASSERT_EQ(run(s(), create_req("x")).status, Status::kOk);
  ListQuery q;
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
  for (int i = 0; i < 4; ++i) fs.push_back(submit(s(), create_req("a" + std::to_string(i))));
  for (auto& f : fs) ASSERT_EQ(f.get().status, Status::kOk);
  for (int i = 0; i < 4; ++i)
    ASSERT_EQ(run(s(), create_req("b" + std::to_string(i))).status, Status::kOk);
  const std::vector<Row> all = list_all(s());
  ASSERT_EQ(all.size(), 8u);

  // Page through with limit 3: each page is the rows strictly after the last one served.
  std::vector<util::Uuid> seen;
  ListQuery q;
  q.limit = 3;
  for (int page_no = 0; page_no < 10; ++page_no) {
    Page p = page(s(), q);
    for (const Row& r : p.rows) seen.push_back(r.id);
    if (!p.end.more) break;
    q.has_after = true;
    q.after = p.end.last;
    if (page_no == 0) {
      // A task created between pages does not disturb the continuation.
      ASSERT_EQ(run(s(), create_req("late")).status, Status::kOk);
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
  using tasks::Status;
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(
        run(s(), create_req("x", kLocalOwner, i % 2 ? Status::kDone : Status::kPending)).status,
        WriteResult::Status::kOk);
  }
  ListQuery q;
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
  EXPECT_EQ(parse_task(second.rows[0].json).status, 2);
}

// ---------------------------------------------------------------- idempotency

WriteRequest keyed(std::string key, std::string body, Owner owner = kLocalOwner) {
  WriteRequest r = create_req("idem", owner);
  r.idempotency_key = std::move(key);
  r.request_body = std::move(body);
  return r;
}

TEST_F(StoreOps, IdempotentReplay) {
  WriteResult first = run(s(), keyed("key-1", R"({"title":"idem"})"));
  ASSERT_EQ(first.status, Status::kOk);
  WriteResult again = run(s(), keyed("key-1", R"({"title":"idem"})"));
  EXPECT_EQ(again.status, Status::kReplayed);
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(again.json, first.json);
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
  WriteRequest blocker = create_req("blocker");
  blocker.done = [&entered, released, blocker_done](WriteResult&& r) {
    entered.set_value();
    released.wait();
    blocker_done->set_value(std::move(r));
  };
  s().submit(std::move(blocker));
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
        WriteRequest r = create_req("t" + std::to_string(t) + "-" + std::to_string(i));
        if (i % 10 == 0) {
          r.idempotency_key = "k" + std::to_string(t) + "-" + std::to_string(i);
          r.request_body = "{}";
        }
        fs.push_back(submit(s(), std::move(r)));
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
        for (int i = 0; i < kPerThread; ++i) fs.push_back(submit(*s, create_req("x")));
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
  for (int i = 0; i < 20; ++i) fs.push_back(submit(s(), create_req("x")));
  s().stop();
  for (auto& f : fs) {
    ASSERT_EQ(f.wait_for(std::chrono::seconds(0)), std::future_status::ready);
    EXPECT_EQ(f.get().status, Status::kOk);
  }
  EXPECT_EQ(list_all(s()).size(), 20u);
}

TEST(StoreReaders, EachReaderSeesCommittedWrites) {
  auto s = open(":memory:", 3);
  WriteResult r = run(*s, create_req("shared"));
  ASSERT_EQ(r.status, Status::kOk);
  for (unsigned i = 0; i < 3; ++i) {
    std::string_view json;
    std::int64_t version = 0;
    EXPECT_EQ(s->reader(i).get(kLocalOwner, r.id, json, version), ReadStatus::kOk) << i;
    EXPECT_EQ(json, r.json);
    EXPECT_TRUE(s->reader(i).ping());
  }
  EXPECT_THROW(s->reader(3), std::out_of_range);
}

}  // namespace
}  // namespace brisk::store
