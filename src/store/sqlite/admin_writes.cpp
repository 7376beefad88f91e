#include "store/sqlite/admin_writes.hpp"

namespace brisk::store::sqlite {

namespace {

WriteResult result(WriteResult::Status s) {
  WriteResult r;
  r.status = s;
  return r;
}

// SQLITE_ROW / SQLITE_DONE of a one-row probe, or kError.
int probe(Stmt& s) {
  int rc = s.step();
  s.reset();
  return rc;
}

}  // namespace

AdminWrites::AdminWrites(Db& db)
    : db_(db),
      user_exists_(db.prepare("SELECT 1 FROM users WHERE owner = ?1")),
      set_hash_(db.prepare("UPDATE users SET password_hash = ?2 WHERE owner = ?1")),
      set_disabled_(db.prepare("UPDATE users SET disabled = ?2 WHERE owner = ?1")),
      count_tasks_(db.prepare("SELECT count(*) FROM tasks WHERE owner = ?1")),
      delete_user_(db.prepare("DELETE FROM users WHERE owner = ?1")),
      delete_keys_(db.prepare("DELETE FROM idempotency WHERE owner = ?1")),
      task_exists_(db.prepare("SELECT 1 FROM tasks WHERE id = ?1")) {}

WriteResult AdminWrites::update_user(const UpdateUser& u) {
  user_exists_.bind(1, u.owner);
  int rc = probe(user_exists_);
  if (rc == SQLITE_DONE) return result(WriteResult::Status::kNotFound);
  if (rc != SQLITE_ROW) return {};
  if (u.password_hash) {
    StmtScope s(set_hash_);
    set_hash_.bind(1, u.owner).bind(2, *u.password_hash);
    if (set_hash_.step() != SQLITE_DONE) return {};
  }
  if (u.disabled) {
    StmtScope s(set_disabled_);
    set_disabled_.bind(1, u.owner).bind(2, *u.disabled);
    if (set_disabled_.step() != SQLITE_DONE) return {};
  }
  return result(WriteResult::Status::kOk);
}

WriteResult AdminWrites::delete_user(const DeleteUser& d) {
  {
    StmtScope s(count_tasks_);
    count_tasks_.bind(1, d.owner);
    if (count_tasks_.step() != SQLITE_ROW) return {};
    if (count_tasks_.int64(0) > 0) return result(WriteResult::Status::kConflict);
  }
  StmtScope k(delete_keys_);
  delete_keys_.bind(1, d.owner);
  if (delete_keys_.step() != SQLITE_DONE) return {};
  StmtScope s(delete_user_);
  delete_user_.bind(1, d.owner);
  if (delete_user_.step() != SQLITE_DONE) return {};
  return result(sqlite3_changes(db_.get()) ? WriteResult::Status::kOk
                                           : WriteResult::Status::kNotFound);
}

WriteResult AdminWrites::import_task(const ImportTask& t, TaskRows& rows) {
  task_exists_.bind_blob(1, t.row.id.bytes.data(), t.row.id.bytes.size());
  int rc = probe(task_exists_);
  if (rc == SQLITE_ROW) return result(WriteResult::Status::kConflict);
  if (rc != SQLITE_DONE || !rows.insert(t.row)) return {};
  WriteResult r = result(WriteResult::Status::kOk);
  r.id = t.row.id;
  return r;
}

}  // namespace brisk::store::sqlite
