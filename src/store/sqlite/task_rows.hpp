// The tasks rows as the writer stores them, with their index rows
// (task_tags, tasks_fts). Shared with tools and tests that load tasks in
// bulk (bench/load_tasks.cpp) so that their rows are exactly brisk's.
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

#include "store/sqlite/db.hpp"
#include "store/task_row.hpp"

namespace brisk::store::sqlite {

// One row of kTaskColumns, without index rows: for schema-1 databases
// (whose migrations build the indexes) and tests of old schemas.
std::string insert_task_sql();
bool insert_task_row(Stmt& insert, const TaskRow& t);

// What an update changed, as far as the indexes care.
struct IndexChange {
  bool tags = false;  // task_tags rows
  bool text = false;  // tasks_fts entry (title, description or tags)
};
IndexChange index_change(const IndexedText& before, const TaskRow& after);

// Multi-row INSERTs come in kInsertChunks sizes: 1, 2, 4, ... 64 rows.
inline constexpr std::size_t kInsertChunks = 7;
inline constexpr std::size_t kMaxRowsPerInsert = std::size_t{1} << (kInsertChunks - 1);

// Statements write rows of tasks and task_tags; none opens a statement
// savepoint (a plain INSERT of VALUES rows, no trigger), so FTS5 keeps its
// pending terms until COMMIT (see 004).
class TaskRows {
 public:
  explicit TaskRows(Db& db);  // db must be at schema 4 or later

  // The row and its index rows. True on success.
  bool insert(const TaskRow& t) {
    const TaskRow* one = &t;
    return insert_many({&one, 1});
  }
  // New tasks' rows and index rows, in order. Rows go in multi-row INSERTs of
  // up to kMaxRowsPerInsert rows: one statement opens each index's cursor
  // once and appends to it in place, where a statement per row reopens and
  // seeks all eight b-trees (about 35% fewer instructions per task, schema
  // bench in docs/DECISIONS.md). Each row gets the next rowid after the
  // table's largest. True on success; on failure the caller rolls back.
  bool insert_many(std::span<const TaskRow* const> rows);
  // Index rows of the task stored at rowid `seq`, as `t` describes it.
  bool index(std::int64_t seq, const TaskRow& t, IndexChange what);
  // Removes the index rows of task `id` of `owner` at rowid `seq`, created
  // at `created_at`; `text` must be what they were made from.
  bool unindex(std::int64_t seq, Owner owner, const util::Uuid& id, std::int64_t created_at,
               const IndexedText& text, IndexChange what);

 private:
  Stmt& task_insert(std::size_t chunk);
  Stmt& tag_insert(std::size_t chunk);
  bool insert_tags(std::span<const TaskRow* const> rows, std::int64_t first_seq);
  bool bind_and_run_fts(Stmt& s, std::int64_t seq, std::string_view title,
                        std::string_view description, std::span<const std::string> tags);

  Db& db_;
  Stmt max_seq_, tag_delete_, fts_insert_, fts_delete_;
  std::array<Stmt, kInsertChunks> task_inserts_, tag_inserts_;  // prepared on first use
  struct TagRow {
    const std::string* tag;
    const TaskRow* task;
    std::int64_t seq;
  };
  std::vector<TagRow> tag_rows_;  // reused by insert_many
  std::string tags_;              // the joined tags bound to an FTS statement, reused
};

}  // namespace brisk::store::sqlite
