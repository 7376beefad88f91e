#include "store/sqlite/task_rows.hpp"

#include <string>

namespace brisk::store::sqlite {

namespace {

// tasks_fts' tags column: the tags joined by spaces, NULL when there are none
// (what group_concat gave when triggers filled it, so old entries match).
void bind_fts(Stmt& s, std::int64_t seq, const tasks::Task& t, std::string& tags) {
  tags.clear();
  for (const std::string& tag : t.tags) {
    if (!tags.empty()) tags += ' ';
    tags += tag;
  }
  s.bind(1, seq).bind(2, std::string_view(t.title)).bind(3, std::string_view(t.description));
  if (t.tags.empty()) {
    s.bind_null(4);
  } else {
    s.bind(4, std::string_view(tags));
  }
}

bool run(Stmt& s) {
  bool ok = s.step() == SQLITE_DONE;
  s.reset();
  return ok;
}

constexpr int kTaskColumns = 11;
constexpr int kTagColumns = 5;

// "INSERT INTO <head> VALUES (?,...),(?,...)": `rows` groups of `columns`
// parameters, numbered in order from ?1.
std::string multi_row_sql(std::string_view head, int columns, std::size_t rows) {
  std::string sql(head);
  sql += " VALUES ";
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r ? ",(" : "(";
    for (int c = 0; c < columns; ++c) sql += c ? ",?" : "?";
    sql += ')';
  }
  return sql;
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

// Binds the ten columns of kInsertTaskSql, in its order, to parameters
// base+1 .. base+10.
void bind_task_columns(Stmt& s, int base, Owner owner, const tasks::Task& t,
                       std::string_view json) {
  s.bind_blob(base + 1, t.id.bytes.data(), 16)
      .bind(base + 2, owner)
      .bind(base + 3, t.status)
      .bind(base + 4, t.priority);
  if (t.due_at) {
    s.bind(base + 5, *t.due_at);
  } else {
    s.bind_null(base + 5);
  }
  s.bind(base + 6, std::string_view(t.title))
      .bind(base + 7, t.created_at)
      .bind(base + 8, t.updated_at)
      .bind(base + 9, t.version)
      .bind(base + 10, json);
}

}  // namespace

bool insert_task_row(Stmt& insert, Owner owner, const tasks::Task& t, std::string_view json) {
  StmtScope s(insert);
  bind_task_columns(insert, 0, owner, t, json);
  return insert.step() == SQLITE_DONE;
}

IndexChange index_change(const tasks::Task& before, const tasks::Task& after) {
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
    // kInsertTaskSql's columns, then the explicit rowid.
    s =
        db_.prepare(multi_row_sql("INSERT INTO tasks (id, owner, status, priority, due_at, title, "
                                  "created_at, updated_at, version, body, seq)",
                                  kTaskColumns, std::size_t{1} << chunk));
  }
  return s;
}

Stmt& TaskRows::tag_insert(std::size_t chunk) {
  Stmt& s = tag_inserts_[chunk];
  if (!s) {
    s = db_.prepare(multi_row_sql("INSERT INTO task_tags (owner, tag, created_at, id, seq)",
                                  kTagColumns, std::size_t{1} << chunk));
  }
  return s;
}

bool TaskRows::insert(Owner owner, const tasks::Task& t, std::string_view json) {
  NewTaskRow row{owner, &t, json};
  return insert_many({&row, 1});
}

bool TaskRows::insert_many(std::span<const NewTaskRow> rows) {
  if (rows.empty()) return true;
  std::int64_t first_seq = 0;
  {
    StmtScope m(max_seq_);
    if (max_seq_.step() != SQLITE_ROW) return false;
    first_seq = max_seq_.int64(0) + 1;
  }
  tag_rows_.clear();
  const bool ok = run_chunked(
      rows.size(), [this](std::size_t c) -> Stmt& { return task_insert(c); },
      [&](Stmt& s, int slot, std::size_t i) {
        const NewTaskRow& r = rows[i];
        const std::int64_t seq = first_seq + static_cast<std::int64_t>(i);
        const int base = slot * kTaskColumns;
        bind_task_columns(s, base, r.owner, *r.task, r.json);
        s.bind(base + kTaskColumns, seq);
        for (const std::string& tag : r.task->tags)
          tag_rows_.push_back({r.owner, &tag, r.task, seq});
      });
  if (!ok) return false;
  if (!run_chunked(
          tag_rows_.size(), [this](std::size_t c) -> Stmt& { return tag_insert(c); },
          [this](Stmt& s, int slot, std::size_t i) {
            const TagRow& g = tag_rows_[i];
            const int base = slot * kTagColumns;
            s.bind(base + 1, g.owner)
                .bind(base + 2, std::string_view(*g.tag))
                .bind(base + 3, g.task->created_at)
                .bind_blob(base + 4, g.task->id.bytes.data(), 16)
                .bind(base + 5, g.seq);
          })) {
    return false;
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    bind_fts(fts_insert_, first_seq + static_cast<std::int64_t>(i), *rows[i].task, tags_);
    if (!run(fts_insert_)) return false;
  }
  return true;
}

bool TaskRows::index(Owner owner, std::int64_t seq, const tasks::Task& t, IndexChange what) {
  if (what.tags) {
    Stmt& s = tag_insert(0);
    for (const std::string& tag : t.tags) {
      s.bind(1, owner)
          .bind(2, std::string_view(tag))
          .bind(3, t.created_at)
          .bind_blob(4, t.id.bytes.data(), 16)
          .bind(5, seq);
      if (!run(s)) return false;
    }
  }
  if (what.text) {
    bind_fts(fts_insert_, seq, t, tags_);
    if (!run(fts_insert_)) return false;
  }
  return true;
}

bool TaskRows::unindex(Owner owner, std::int64_t seq, const tasks::Task& t, IndexChange what) {
  if (what.tags) {
    for (const std::string& tag : t.tags) {
      tag_delete_.bind(1, owner)
          .bind(2, std::string_view(tag))
          .bind(3, t.created_at)
          .bind_blob(4, t.id.bytes.data(), 16);
      if (!run(tag_delete_)) return false;
    }
  }
  if (what.text) {
    bind_fts(fts_delete_, seq, t, tags_);
    if (!run(fts_delete_)) return false;
  }
  return true;
}

}  // namespace brisk::store::sqlite
