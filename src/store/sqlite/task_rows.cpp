#include "store/sqlite/task_rows.hpp"

#include <string>

#include "store/sqlite/columns.hpp"

namespace brisk::store::sqlite {

namespace {

constexpr std::span<const Column<TaskRow>> kCols(kTaskColumns);
constexpr int kTaskParams = static_cast<int>(kTaskColumns.size()) + 1;  // + seq
constexpr int kTagParams = 5;

bool run(Stmt& s) {
  bool ok = s.step() == SQLITE_DONE;
  s.reset();
  return ok;
}

// The largest chunk (index into the 1, 2, 4, ... statements) that fits `n`.
std::size_t chunk_for(std::size_t n) {
  std::size_t c = 0;
  while (c + 1 < kInsertChunks && (std::size_t{2} << c) <= n) ++c;
  return c;
}

// Runs `rows` rows through multi-row statements, largest first: `stmt(c)` is
// the statement of 2^c rows, `bind(s, slot, row)` binds row `row` into slot
// `slot` of it.
template <class StmtFor, class Bind>
bool run_chunked(std::size_t rows, StmtFor stmt, Bind bind) {
  for (std::size_t done = 0; done < rows;) {
    const std::size_t chunk = chunk_for(rows - done);
    const std::size_t n = std::size_t{1} << chunk;
    Stmt& s = stmt(chunk);
    for (std::size_t i = 0; i < n; ++i) bind(s, static_cast<int>(i), done + i);
    if (!run(s)) return false;
    done += n;
  }
  return true;
}

}  // namespace

std::string insert_task_sql() {
  return insert_sql("tasks", column_names(kCols), static_cast<int>(kCols.size()), 1);
}

bool insert_task_row(Stmt& insert, const TaskRow& t) {
  StmtScope s(insert);
  bind_columns(insert, 1, kCols, t);
  return insert.step() == SQLITE_DONE;
}

IndexChange index_change(const IndexedText& before, const TaskRow& after) {
  IndexChange c;
  c.tags = before.tags != after.tags;
  c.text = c.tags || before.title != after.title || before.description != after.description;
  return c;
}

TaskRows::TaskRows(Db& db)
    : db_(db),
      max_seq_(db.prepare("SELECT coalesce(max(seq), 0) FROM tasks")),
      tag_delete_(db.prepare(
          "DELETE FROM task_tags WHERE owner = ?1 AND tag = ?2 AND created_at = ?3 AND id = ?4")),
      fts_insert_(db.prepare(
          "INSERT INTO tasks_fts (rowid, title, description, tags) VALUES (?1, ?2, ?3, ?4)")),
      fts_delete_(db.prepare("INSERT INTO tasks_fts (tasks_fts, rowid, title, description, tags) "
                             "VALUES ('delete', ?1, ?2, ?3, ?4)")) {}

Stmt& TaskRows::task_insert(std::size_t chunk) {
  Stmt& s = task_inserts_[chunk];
  if (!s) {
    // The column table's columns, then the explicit rowid.
    s = db_.prepare(
        insert_sql("tasks", column_names(kCols) + ", seq", kTaskParams, std::size_t{1} << chunk));
  }
  return s;
}

Stmt& TaskRows::tag_insert(std::size_t chunk) {
  Stmt& s = tag_inserts_[chunk];
  if (!s) {
    s = db_.prepare(insert_sql("task_tags", "owner, tag, created_at, id, seq", kTagParams,
                               std::size_t{1} << chunk));
  }
  return s;
}

// tasks_fts' tags column: the tags joined by spaces, NULL when there are none
// (what group_concat gave when triggers filled it, so old entries match).
bool TaskRows::bind_and_run_fts(Stmt& s, std::int64_t seq, std::string_view title,
                                std::string_view description, std::span<const std::string> tags) {
  tags_.clear();
  for (const std::string& tag : tags) {
    if (!tags_.empty()) tags_ += ' ';
    tags_ += tag;
  }
  s.bind(1, seq).bind(2, title).bind(3, description);
  if (tags.empty()) {
    s.bind_null(4);
  } else {
    s.bind(4, std::string_view(tags_));
  }
  return run(s);
}

bool TaskRows::insert_many(std::span<const TaskRow* const> rows) {
  if (rows.empty()) return true;
  std::int64_t first_seq = 0;
  {
    StmtScope m(max_seq_);
    if (max_seq_.step() != SQLITE_ROW) return false;
    first_seq = max_seq_.int64(0) + 1;
  }
  const bool ok = run_chunked(
      rows.size(), [this](std::size_t c) -> Stmt& { return task_insert(c); },
      [&](Stmt& s, int slot, std::size_t i) {
        const int base = slot * kTaskParams + 1;
        bind_columns(s, base, kCols, *rows[i]);
        s.bind(base + kTaskParams - 1, first_seq + static_cast<std::int64_t>(i));
      });
  if (!ok || !insert_tags(rows, first_seq)) return false;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const TaskRow& t = *rows[i];
    if (!bind_and_run_fts(fts_insert_, first_seq + static_cast<std::int64_t>(i), t.title,
                          t.description, t.tags)) {
      return false;
    }
  }
  return true;
}

bool TaskRows::insert_tags(std::span<const TaskRow* const> rows, std::int64_t first_seq) {
  tag_rows_.clear();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (const std::string& tag : rows[i]->tags) {
      tag_rows_.push_back({&tag, rows[i], first_seq + static_cast<std::int64_t>(i)});
    }
  }
  return run_chunked(
      tag_rows_.size(), [this](std::size_t c) -> Stmt& { return tag_insert(c); },
      [this](Stmt& s, int slot, std::size_t i) {
        const TagRow& g = tag_rows_[i];
        const int base = slot * kTagParams;
        s.bind(base + 1, g.task->owner)
            .bind(base + 2, std::string_view(*g.tag))
            .bind(base + 3, g.task->created_at)
            .bind_blob(base + 4, g.task->id.bytes.data(), 16)
            .bind(base + 5, g.seq);
      });
}

bool TaskRows::index(std::int64_t seq, const TaskRow& t, IndexChange what) {
  if (what.tags) {
    Stmt& s = tag_insert(0);
    for (const std::string& tag : t.tags) {
      s.bind(1, t.owner)
          .bind(2, std::string_view(tag))
          .bind(3, t.created_at)
          .bind_blob(4, t.id.bytes.data(), 16)
          .bind(5, seq);
      if (!run(s)) return false;
    }
  }
  return !what.text || bind_and_run_fts(fts_insert_, seq, t.title, t.description, t.tags);
}

bool TaskRows::unindex(std::int64_t seq, Owner owner, const util::Uuid& id, std::int64_t created_at,
                       const IndexedText& text, IndexChange what) {
  if (what.tags) {
    for (const std::string& tag : text.tags) {
      tag_delete_.bind(1, owner)
          .bind(2, std::string_view(tag))
          .bind(3, created_at)
          .bind_blob(4, id.bytes.data(), 16);
      if (!run(tag_delete_)) return false;
    }
  }
  return !what.text || bind_and_run_fts(fts_delete_, seq, text.title, text.description, text.tags);
}

}  // namespace brisk::store::sqlite
