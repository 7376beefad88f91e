// Migration 002's derived indexes (task_tags, tasks_fts): backfilled from
// existing rows, and kept equal to what the stored bodies say through
// creates, updates and deletes.
#include <unistd.h>

#include <gtest/gtest.h>

#include <future>
#include <set>
#include <string>
#include <vector>

#include "store/migrations.hpp"
#include "store/search.hpp"
#include "store/sqlite/collation.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/task_rows.hpp"
#include "store/sqlite/tokenizer.hpp"
#include "store/store.hpp"

namespace brisk::store::sqlite {
namespace {

using tasks::Task;

class QueryIndexes : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/brisk-query-index-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db";
  }
  void TearDown() override {
    for (const char* suffix : {"", "-wal", "-shm"}) ::unlink((path_ + suffix).c_str());
  }

  // A database at schema 1 (before the query language) holding `n` tasks.
  void make_schema_1(int n) {
    Db db;
    ASSERT_EQ(db.open(path_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr), "");
    ASSERT_EQ(db.exec(kMigrations[0].sql), "");
    ASSERT_EQ(db.exec("PRAGMA user_version = 1"), "");
    Stmt insert = db.prepare(kInsertTaskSql);
    for (int i = 0; i < n; ++i) {
      Task t;
      t.id.bytes[0] = 1;
      t.id.bytes[15] = static_cast<std::uint8_t>(i);
      t.created_at = t.updated_at = 1'700'000'000'000 + i;
      t.version = 1;
      t.title = i % 2 ? "Café report " + std::to_string(i) : "月次報告書 " + std::to_string(i);
      t.description = "old row";
      t.tags = {"legacy", "t" + std::to_string(i % 3)};
      ASSERT_TRUE(insert_task_row(insert, kLocalOwner, t, tasks::serialize(t)));
    }
  }

  // Rows of `sql` (every column as text), for comparing result sets.
  static std::vector<std::string> rows(Db& db, const std::string& sql) {
    std::vector<std::string> out;
    Stmt s = db.prepare(sql);
    while (s.step() == SQLITE_ROW) {
      std::string r;
      for (int c = 0; c < sqlite3_column_count(s.get()); ++c) r += std::string(s.text(c)) + "|";
      out.push_back(r);
    }
    return out;
  }

  // task_tags and tasks_fts must hold exactly what a rebuild from the bodies
  // would: compared as rows and, for the full-text index, as per-term counts.
  void expect_indexes_match_bodies() {
    Db db;
    ASSERT_EQ(db.open(path_, SQLITE_OPEN_READWRITE, nullptr), "");
    ASSERT_TRUE(register_extensions(db.get()));
    const std::string tags_from_bodies =
        "SELECT t.owner, j.value, t.created_at, hex(t.id), t.seq FROM tasks AS t, "
        "json_each(t.body, '$.tags') AS j";
    const std::string tags_table = "SELECT owner, tag, created_at, hex(id), seq FROM task_tags";
    EXPECT_EQ(rows(db, tags_from_bodies + " EXCEPT " + tags_table), std::vector<std::string>{});
    EXPECT_EQ(rows(db, tags_table + " EXCEPT " + tags_from_bodies), std::vector<std::string>{});

    ASSERT_EQ(
        db.exec("CREATE VIRTUAL TABLE temp.rebuilt USING fts5(title, description, tags, "
                "content = '', tokenize = 'brisk remove_diacritics 2');"
                "INSERT INTO temp.rebuilt (rowid, title, description, tags) "
                "SELECT seq, title, json_extract(body, '$.description'), "
                "(SELECT group_concat(value, ' ') FROM json_each(body, '$.tags')) FROM tasks;"
                "CREATE VIRTUAL TABLE temp.live_terms USING fts5vocab(main, tasks_fts, row);"
                "CREATE VIRTUAL TABLE temp.rebuilt_terms USING fts5vocab(temp, rebuilt, row);"),
        "");
    auto live = rows(db, "SELECT term, doc, cnt FROM temp.live_terms ORDER BY term");
    auto rebuilt = rows(db, "SELECT term, doc, cnt FROM temp.rebuilt_terms ORDER BY term");
    EXPECT_FALSE(live.empty());
    EXPECT_EQ(live, rebuilt);
    EXPECT_EQ(db.exec("INSERT INTO tasks_fts (tasks_fts, rank) VALUES ('integrity-check', 0)"), "");
  }

  std::string path_;
};

WriteResult run(Store& s, WriteRequest r) {
  std::promise<WriteResult> p;
  auto f = p.get_future();
  r.done = [&p](WriteResult&& res) { p.set_value(std::move(res)); };
  s.submit(std::move(r));
  return f.get();
}

std::vector<std::string> titles(Store& s, ListQuery q) {
  q.limit = 1000;
  std::vector<std::string> out;
  ListPage page;
  EXPECT_EQ(s.reader(0).list(
                q,
                [&](std::string_view json) {
                  auto at = json.find("\"title\":\"") + 9;
                  out.emplace_back(json.substr(at, json.find('"', at) - at));
                },
                page),
            ReadStatus::kOk);
  return out;
}

TEST_F(QueryIndexes, MigrationBackfillsExistingTasks) {
  make_schema_1(30);
  {
    std::unique_ptr<Store> s = open_store({path_, 1});
    ListQuery q;
    q.tags = {"legacy", "t1"};
    EXPECT_EQ(titles(*s, q).size(), 10u);
    ListQuery search;
    ASSERT_EQ(build_search("cafe rep", search.search), SearchStatus::kOk);
    EXPECT_EQ(titles(*s, search).size(), 15u);
    ASSERT_EQ(build_search("報告", search.search), SearchStatus::kOk);
    EXPECT_EQ(titles(*s, search).size(), 15u);
    ListQuery by_title;
    by_title.sort = SortKey::kTitle;
    by_title.descending = false;
    std::vector<std::string> t = titles(*s, by_title);
    ASSERT_EQ(t.size(), 30u);
    EXPECT_EQ(t.front(), "Café report 1");
    // Backfilled rows are deleted and updated by the writer like any other.
    WriteRequest del;
    del.kind = WriteRequest::Kind::kDelete;
    del.id.bytes[0] = 1;
    del.id.bytes[15] = 1;
    ASSERT_EQ(run(*s, std::move(del)).status, WriteResult::Status::kOk);
    WriteRequest up;
    up.kind = WriteRequest::Kind::kUpdate;
    up.id.bytes[0] = 1;
    up.id.bytes[15] = 3;
    up.fields.description = "renamed";
    up.mask = api::FieldMask{1} << tasks::kDescription;
    ASSERT_EQ(run(*s, std::move(up)).status, WriteResult::Status::kOk);
    s->stop();
  }
  expect_indexes_match_bodies();
}

TEST_F(QueryIndexes, IndexesFollowEveryWrite) {
  std::unique_ptr<Store> s = open_store({path_, 1});
  std::vector<util::Uuid> ids;
  for (int i = 0; i < 40; ++i) {
    WriteRequest c;
    c.kind = WriteRequest::Kind::kCreate;
    c.fields.title = "task " + std::to_string(i) + (i % 4 ? " Ærø" : " 東京");
    c.fields.description = i % 3 ? "some words here" : "";
    c.fields.tags = {"a" + std::to_string(i % 5), "shared"};
    if (i % 7 == 0) c.fields.tags.push_back("tag with spaces");
    c.mask = api::FieldMask{1} << tasks::kTitle | api::FieldMask{1} << tasks::kDescription |
             api::FieldMask{1} << tasks::kTags;
    WriteResult r = run(*s, std::move(c));
    ASSERT_EQ(r.status, WriteResult::Status::kOk);
    ids.push_back(r.id);
  }
  for (int i = 0; i < 40; i += 3) {
    WriteRequest u;
    u.kind = WriteRequest::Kind::kUpdate;
    u.id = ids[i];
    u.mask = 0;
    switch (i % 4) {
      case 0:  // text and tags
        u.fields.title = "renamed " + std::to_string(i);
        u.fields.tags = {"shared", "new"};
        u.mask = api::FieldMask{1} << tasks::kTitle | api::FieldMask{1} << tasks::kTags;
        break;
      case 1:  // tags only, same set in another order
        u.fields.tags = {"shared", "a" + std::to_string(i % 5)};
        u.mask = api::FieldMask{1} << tasks::kTags;
        break;
      case 2:  // description only
        u.fields.description = "changed";
        u.mask = api::FieldMask{1} << tasks::kDescription;
        break;
      default:  // neither: status
        u.fields.status = 2;
        u.mask = api::FieldMask{1} << tasks::kStatus;
    }
    ASSERT_EQ(run(*s, std::move(u)).status, WriteResult::Status::kOk);
  }
  for (int i = 1; i < 40; i += 4) {
    WriteRequest d;
    d.kind = WriteRequest::Kind::kDelete;
    d.id = ids[i];
    ASSERT_EQ(run(*s, std::move(d)).status, WriteResult::Status::kOk);
  }
  ListQuery q;
  q.tags = {"new"};
  EXPECT_EQ(titles(*s, q).size(), 4u);
  s->stop();
  s.reset();
  expect_indexes_match_bodies();
}

// One group commit holding many creates (multi-row inserts in chunks of 64,
// 16, 2 and 1 rows) interleaved with updates and deletes of older tasks:
// rows, tags and the full-text index end as if each write ran alone.
TEST_F(QueryIndexes, OneBatchOfManyWritesIsIndexedLikeSingleWrites) {
  std::unique_ptr<Store> s = open_store({path_, 1});
  auto create = [](int i) {
    WriteRequest c;
    c.kind = WriteRequest::Kind::kCreate;
    c.fields.title = "batch " + std::to_string(i) + (i % 2 ? " Ærø" : " 報告");
    c.fields.description = i % 3 ? "words " + std::to_string(i) : "";
    for (int k = 0; k < i % 4; ++k) c.fields.tags.push_back("g" + std::to_string((i + k) % 6));
    c.mask = api::FieldMask{1} << tasks::kTitle | api::FieldMask{1} << tasks::kDescription |
             api::FieldMask{1} << tasks::kTags;
    return c;
  };
  std::vector<util::Uuid> old;
  for (int i = 0; i < 8; ++i) {
    WriteResult r = run(*s, create(1000 + i));
    ASSERT_EQ(r.status, WriteResult::Status::kOk);
    old.push_back(r.id);
  }
  const CommitStats before = s->commit_stats();
  std::vector<std::future<WriteResult>> results;
  std::vector<std::promise<WriteResult>> promises(83 + 8);
  std::size_t next = 0;
  auto enqueue = [&](WriteRequest w) {
    std::promise<WriteResult>& p = promises[next++];
    results.push_back(p.get_future());
    w.done = [&p](WriteResult&& r) { p.set_value(std::move(r)); };
    s->enqueue(std::move(w));
  };
  for (int i = 0; i < 83; ++i) {
    enqueue(create(i));
    if (i % 10 == 5 && i / 10 < 8) {
      const util::Uuid& id = old[static_cast<std::size_t>(i / 10)];
      WriteRequest w;
      w.id = id;
      if (i / 10 % 2) {
        w.kind = WriteRequest::Kind::kDelete;
      } else {
        w.kind = WriteRequest::Kind::kUpdate;
        w.fields.title = "changed in the batch";
        w.fields.tags = {"changed"};
        w.mask = api::FieldMask{1} << tasks::kTitle | api::FieldMask{1} << tasks::kTags;
      }
      enqueue(std::move(w));
    }
  }
  s->flush();
  std::set<std::string> bodies;
  for (auto& f : results) {
    WriteResult r = f.get();
    ASSERT_EQ(r.status, WriteResult::Status::kOk);
    if (!r.json.empty()) bodies.insert(r.json);
  }
  EXPECT_EQ(bodies.size(), 83u + 4u);  // creates and updates answer their task
  const CommitStats after = s->commit_stats();
  EXPECT_EQ(after.commits, before.commits + 1);
  EXPECT_EQ(after.batch_sum, before.batch_sum + results.size());
  ListQuery q;
  q.tags = {"changed"};
  EXPECT_EQ(titles(*s, q).size(), 4u);
  ListQuery all;
  EXPECT_EQ(titles(*s, all).size(), 8u + 83u - 4u);
  s->stop();
  s.reset();
  expect_indexes_match_bodies();
}

}  // namespace
}  // namespace brisk::store::sqlite
