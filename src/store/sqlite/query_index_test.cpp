// Migration 002's derived indexes (task_tags, tasks_fts): backfilled from
// existing rows, and kept equal to what the stored bodies say through
// creates, updates and deletes.
#include <unistd.h>

#include <gtest/gtest.h>

#include <future>
#include <set>
#include <string>
#include <vector>

#include "store/search.hpp"
#include "store/sqlite/collation.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/sqlite/task_rows.hpp"
#include "store/store.hpp"
#include "store/testing.hpp"
#include "store/tokenizer.hpp"

namespace brisk::store::sqlite {
namespace {

using testing::body_of;
using testing::delete_of;
using testing::new_row;
using testing::run;
using testing::update_of;

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
    Stmt insert = db.prepare(insert_task_sql());
    for (int i = 0; i < n; ++i) {
      TaskRow t;
      t.id.bytes[0] = 1;
      t.id.bytes[15] = static_cast<std::uint8_t>(i);
      t.created_at = t.updated_at = 1'700'000'000'000 + i;
      t.version = 1;
      t.title = i % 2 ? "Café report " + std::to_string(i) : "月次報告書 " + std::to_string(i);
      t.description = "old row";
      t.tags = {"legacy", "t" + std::to_string(i % 3)};
      t.body = body_of(t);
      ASSERT_TRUE(insert_task_row(insert, t));
      old_.push_back(t);
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
  std::vector<TaskRow> old_;  // the rows make_schema_1 wrote
};

std::vector<std::string> titles(Store& s, ListSpec q) {
  q.limit = 1000;
  std::vector<std::string> out;
  // Through the async form: a search runs on the store's costly-read pool.
  ListRead r = testing::read_list(s.reader(0), q);
  EXPECT_EQ(r.status, ReadStatus::kOk);
  const std::string_view key = "\"title\":\"";
  for (std::size_t at = 0; (at = r.rows.find(key, at)) != std::string::npos;) {
    at += key.size();
    out.emplace_back(r.rows.substr(at, r.rows.find('"', at) - at));
  }
  return out;
}

TEST_F(QueryIndexes, MigrationBackfillsExistingTasks) {
  make_schema_1(30);
  {
    std::unique_ptr<Store> s = open_sqlite_store({path_, 1});
    ListSpec q;
    q.tags = {"legacy", "t1"};
    EXPECT_EQ(titles(*s, q).size(), 10u);
    ListSpec search;
    ASSERT_EQ(parse_search("cafe rep", search.search), SearchStatus::kOk);
    EXPECT_EQ(titles(*s, search).size(), 15u);
    ASSERT_EQ(parse_search("報告", search.search), SearchStatus::kOk);
    EXPECT_EQ(titles(*s, search).size(), 15u);
    ListSpec by_title;
    by_title.sort = SortKey::kTitle;
    by_title.descending = false;
    std::vector<std::string> t = titles(*s, by_title);
    ASSERT_EQ(t.size(), 30u);
    EXPECT_EQ(t.front(), "Café report 1");
    // Backfilled rows are deleted and updated by the writer like any other.
    ASSERT_EQ(run(*s, delete_of(old_[1])).status, WriteResult::Status::kOk);
    ASSERT_EQ(run(*s, update_of(old_[3], [](TaskRow& t) { t.description = "renamed"; })).status,
              WriteResult::Status::kOk);
    s->stop();
  }
  expect_indexes_match_bodies();
}

TEST_F(QueryIndexes, IndexesFollowEveryWrite) {
  std::unique_ptr<Store> s = open_sqlite_store({path_, 1});
  std::vector<TaskRow> rows;
  for (int i = 0; i < 40; ++i) {
    TaskRow t = new_row("task " + std::to_string(i) + (i % 4 ? " Ærø" : " 東京"));
    t.description = i % 3 ? "some words here" : "";
    t.tags = {"a" + std::to_string(i % 5), "shared"};
    if (i % 7 == 0) t.tags.push_back("tag with spaces");
    t.body = body_of(t);
    ASSERT_EQ(run(*s, CreateTask{t, {}}).status, WriteResult::Status::kOk);
    rows.push_back(t);
  }
  for (int i = 0; i < 40; i += 3) {
    UpdateTask u = update_of(rows[i], [i](TaskRow& t) {
      switch (i % 4) {
        case 0:  // text and tags
          t.title = "renamed " + std::to_string(i);
          t.tags = {"shared", "new"};
          break;
        case 1:  // tags only, same set in another order
          t.tags = {"shared", "a" + std::to_string(i % 5)};
          break;
        case 2:  // description only
          t.description = "changed";
          break;
        default:  // neither: status
          t.status = 2;
      }
    });
    rows[i] = u.row;
    ASSERT_EQ(run(*s, std::move(u)).status, WriteResult::Status::kOk);
  }
  for (int i = 1; i < 40; i += 4) {
    ASSERT_EQ(run(*s, delete_of(rows[i])).status, WriteResult::Status::kOk);
  }
  ListSpec q;
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
  std::unique_ptr<Store> s = open_sqlite_store({path_, 1});
  auto create = [](int i) {
    TaskRow t = new_row("batch " + std::to_string(i) + (i % 2 ? " Ærø" : " 報告"));
    t.description = i % 3 ? "words " + std::to_string(i) : "";
    for (int k = 0; k < i % 4; ++k) t.tags.push_back("g" + std::to_string((i + k) % 6));
    t.body = body_of(t);
    return t;
  };
  std::vector<TaskRow> old;
  for (int i = 0; i < 8; ++i) {
    old.push_back(create(1000 + i));
    ASSERT_EQ(run(*s, CreateTask{old.back(), {}}).status, WriteResult::Status::kOk);
  }
  const CommitStats before = s->commit_stats();
  std::vector<std::future<WriteResult>> results;
  for (int i = 0; i < 83; ++i) {
    results.push_back(testing::enqueue(*s, CreateTask{create(i), {}}));
    if (i % 10 == 5 && i / 10 < 8) {
      const TaskRow& t = old[static_cast<std::size_t>(i / 10)];
      if (i / 10 % 2) {
        results.push_back(testing::enqueue(*s, delete_of(t)));
      } else {
        results.push_back(testing::enqueue(*s, update_of(t, [](TaskRow& r) {
          r.title = "changed in the batch";
          r.tags = {"changed"};
        })));
      }
    }
  }
  s->flush();
  std::set<std::string> bodies;
  for (auto& f : results) {
    WriteResult r = f.get();
    ASSERT_EQ(r.status, WriteResult::Status::kOk);
    if (!r.body.empty()) bodies.insert(r.body);
  }
  EXPECT_EQ(bodies.size(), 83u + 4u);  // creates and updates answer their task
  const CommitStats after = s->commit_stats();
  EXPECT_EQ(after.commits, before.commits + 1);
  EXPECT_EQ(after.batch_sum, before.batch_sum + results.size());
  ListSpec q;
  q.tags = {"changed"};
  EXPECT_EQ(titles(*s, q).size(), 4u);
  ListSpec all;
  EXPECT_EQ(titles(*s, all).size(), 8u + 83u - 4u);
  s->stop();
  s.reset();
  expect_indexes_match_bodies();
}

}  // namespace
}  // namespace brisk::store::sqlite
