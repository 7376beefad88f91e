// The tasks row as the writer stores it, with its index rows (task_tags,
// tasks_fts). Shared with tools and tests that load tasks in bulk
// (bench/load_tasks.cpp) so that their rows are exactly brisk's.
//
// Invariant (schema 4 and later): every tasks row has one task_tags row per
// tag and one tasks_fts entry (rowid = seq) made of its title, description
// and space-joined tags. TaskRows is the only code that changes them.
#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

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

// Multi-row INSERTs come in kInsertChunks sizes: 1, 2, 4, ... 64 rows.
inline constexpr std::size_t kInsertChunks = 7;
inline constexpr std::size_t kMaxRowsPerInsert = std::size_t{1} << (kInsertChunks - 1);

// A new task for TaskRows::insert_many; the pointed-to values must outlive
// the call.
struct NewTaskRow {
  Owner owner = kLocalOwner;
  const tasks::Task* task = nullptr;
  std::string_view json;  // tasks::serialize(*task)
};

// Statements write rows of tasks and task_tags; none opens a statement
// savepoint (a plain INSERT of VALUES rows, no trigger), so FTS5 keeps its
// pending terms until COMMIT (see 004).
class TaskRows {
 public:
  explicit TaskRows(Db& db);  // db must be at schema 4 or later

  // The row and its index rows. True on success.
  bool insert(Owner owner, const tasks::Task& t, std::string_view json);
  // New tasks' rows and index rows, in order. Rows go in multi-row INSERTs of
  // up to kMaxRowsPerInsert rows: one statement opens each index's cursor
  // once and appends to it in place, where a statement per row reopens and
  // seeks all eight b-trees (about 35% fewer instructions per task, schema
  // bench in docs/DECISIONS.md). Each row gets the next rowid after the
  // table's largest. True on success; on failure the caller rolls back.
  bool insert_many(std::span<const NewTaskRow> rows);
  // Index rows of the task stored at rowid `seq`, as `t` describes it.
  bool index(Owner owner, std::int64_t seq, const tasks::Task& t, IndexChange what);
  // Removes them; `t` must be the task as it was indexed.
  bool unindex(Owner owner, std::int64_t seq, const tasks::Task& t, IndexChange what);

 private:
  Stmt& task_insert(std::size_t chunk);
  Stmt& tag_insert(std::size_t chunk);

  Db& db_;
  Stmt max_seq_, tag_delete_, fts_insert_, fts_delete_;
  std::array<Stmt, kInsertChunks> task_inserts_, tag_inserts_;  // prepared on first use
  struct TagRow {
    Owner owner;
    const std::string* tag;
    const tasks::Task* task;
    std::int64_t seq;
  };
  std::vector<TagRow> tag_rows_;  // reused by insert_many
  std::string tags_;              // the joined tags bound to an FTS statement, reused
};

}  // namespace brisk::store::sqlite
