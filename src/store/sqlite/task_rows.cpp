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

}  // namespace

bool insert_task_row(Stmt& insert, Owner owner, const tasks::Task& t, std::string_view json) {
  StmtScope s(insert);
  insert.bind_blob(1, t.id.bytes.data(), 16).bind(2, owner).bind(3, t.status).bind(4, t.priority);
  if (t.due_at) {
    insert.bind(5, *t.due_at);
  } else {
    insert.bind_null(5);
  }
  insert.bind(6, std::string_view(t.title))
      .bind(7, t.created_at)
      .bind(8, t.updated_at)
      .bind(9, t.version)
      .bind(10, json);
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
      insert_(db.prepare(kInsertTaskSql)),
      tag_insert_(db.prepare(
          "INSERT INTO task_tags (owner, tag, created_at, id, seq) VALUES (?1, ?2, ?3, ?4, ?5)")),
      tag_delete_(db.prepare(
          "DELETE FROM task_tags WHERE owner = ?1 AND tag = ?2 AND created_at = ?3 AND id = ?4")),
      fts_insert_(db.prepare(
          "INSERT INTO tasks_fts (rowid, title, description, tags) VALUES (?1, ?2, ?3, ?4)")),
      fts_delete_(db.prepare("INSERT INTO tasks_fts (tasks_fts, rowid, title, description, tags) "
                             "VALUES ('delete', ?1, ?2, ?3, ?4)")) {}

bool TaskRows::insert(Owner owner, const tasks::Task& t, std::string_view json) {
  if (!insert_task_row(insert_, owner, t, json)) return false;
  return index(owner, sqlite3_last_insert_rowid(db_.get()), t, IndexChange{true, true});
}

bool TaskRows::index(Owner owner, std::int64_t seq, const tasks::Task& t, IndexChange what) {
  if (what.tags) {
    for (const std::string& tag : t.tags) {
      tag_insert_.bind(1, owner)
          .bind(2, std::string_view(tag))
          .bind(3, t.created_at)
          .bind_blob(4, t.id.bytes.data(), 16)
          .bind(5, seq);
      if (!run(tag_insert_)) return false;
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
