// The tasks row as the writer stores it, with its index rows (task_tags,
// tasks_fts). Shared with tools and tests that load tasks in bulk
// (bench/load_tasks.cpp) so that their rows are exactly brisk's.
//
// Invariant (schema 4 and later): every tasks row has one task_tags row per
// tag and one tasks_fts entry (rowid = seq) made of its title, description
// and space-joined tags. TaskRows is the only code that changes them.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "store/list_query.hpp"
#include "store/sqlite/db.hpp"
#include "tasks/task.hpp"

namespace brisk::store::sqlite {

inline constexpr std::string_view kInsertTaskSql =
    "INSERT INTO tasks (id, owner, status, priority, due_at, title, created_at, updated_at, "
    "version, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

// Runs `insert` (prepared from kInsertTaskSql) for task `t` of `owner`,
// served as `json` (tasks::serialize(t)): the row alone, no index rows. For
// schema-1 databases (whose migrations build the indexes) and TaskRows.
bool insert_task_row(Stmt& insert, Owner owner, const tasks::Task& t, std::string_view json);

// What an update changed, as far as the indexes care.
struct IndexChange {
  bool tags = false;  // task_tags rows
  bool text = false;  // tasks_fts entry (title, description or tags)
};
IndexChange index_change(const tasks::Task& before, const tasks::Task& after);

// Each method is one or a few single-row statements: none opens a statement
// savepoint, so FTS5 keeps its pending terms until COMMIT (see 004).
class TaskRows {
 public:
  explicit TaskRows(Db& db);  // db must be at schema 4 or later

  // The row and its index rows. True on success.
  bool insert(Owner owner, const tasks::Task& t, std::string_view json);
  // Index rows of the task stored at rowid `seq`, as `t` describes it.
  bool index(Owner owner, std::int64_t seq, const tasks::Task& t, IndexChange what);
  // Removes them; `t` must be the task as it was indexed.
  bool unindex(Owner owner, std::int64_t seq, const tasks::Task& t, IndexChange what);

 private:
  Db& db_;
  Stmt insert_, tag_insert_, tag_delete_, fts_insert_, fts_delete_;
  std::string tags_;  // the joined tags bound to an FTS statement, reused
};

}  // namespace brisk::store::sqlite
