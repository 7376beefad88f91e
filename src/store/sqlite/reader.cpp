#include "store/sqlite/reader.hpp"

#include <stdexcept>

namespace brisk::store::sqlite {

namespace {
std::string list_sql(bool status, bool cursor) {
  std::string sql = "SELECT body, created_at, id FROM tasks WHERE owner = ?1";
  if (status) sql += " AND status IN (?2, ?3, ?4)";
  if (cursor) sql += " AND (created_at, id) < (?5, ?6)";
  sql += " ORDER BY created_at DESC, id DESC LIMIT ?7";
  return sql;
}
}  // namespace

SqliteReader::SqliteReader(const std::string& path, const char* vfs, TaskCache* cache)
    : cache_(cache) {
  std::string err =
      db_.open(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, vfs);
  if (!err.empty()) throw std::runtime_error("cannot open a read connection: " + err);
  sqlite3_busy_timeout(db_.get(), 5000);
  get_ = db_.prepare("SELECT owner, version, body FROM tasks WHERE id = ?1");
  for (int i = 0; i < 4; ++i) list_[i] = db_.prepare(list_sql(i & 2, i & 1));
  ping_ = db_.prepare("SELECT count(*) FROM meta");
#define BRISK_USER_COLUMNS "SELECT owner, id, username, password_hash, created_at FROM users "
  user_by_name_ = db_.prepare(BRISK_USER_COLUMNS "WHERE username = ?1");
  user_by_id_ = db_.prepare(BRISK_USER_COLUMNS "WHERE id = ?1");
#undef BRISK_USER_COLUMNS
}

ReadStatus SqliteReader::get(Owner owner, const util::Uuid& id, std::string_view& json,
                             std::int64_t& version) {
  std::int64_t row_owner = 0;
  std::uint64_t generation = 0;
  if (cache_) {
    if (cache_->get(id, row_owner, version, json_)) {
      // Another owner's task is reported exactly like a missing one.
      if (row_owner != owner) return ReadStatus::kNotFound;
      json = json_;
      return ReadStatus::kOk;
    }
    generation = cache_->generation(id);
  }
  StmtScope scope(get_);
  get_.bind_blob(1, id.bytes.data(), id.bytes.size());
  int rc = get_.step();
  if (rc == SQLITE_DONE) return ReadStatus::kNotFound;
  if (rc != SQLITE_ROW) return ReadStatus::kError;
  row_owner = get_.int64(0);
  version = get_.int64(1);
  json_.assign(get_.text(2));
  if (cache_) cache_->put(id, generation, row_owner, version, json_);
  if (row_owner != owner) return ReadStatus::kNotFound;
  json = json_;
  return ReadStatus::kOk;
}

ReadStatus SqliteReader::list(const ListQuery& q, const std::function<void(const ListRow&)>& row) {
  bool status = q.status_mask != 0;
  Stmt& s = list_[(status ? 2 : 0) | (q.has_after ? 1 : 0)];
  StmtScope scope(s);
  s.bind(1, q.owner);
  if (status) {
    // Fill the three IN slots with the selected statuses, repeating one.
    std::int64_t picked[3];
    int n = 0;
    for (int st = 0; st < 3; ++st) {
      if (q.status_mask & (1u << st)) picked[n++] = st;
    }
    for (int i = 0; i < 3; ++i) s.bind(2 + i, picked[i < n ? i : 0]);
  }
  if (q.has_after) {
    s.bind(5, q.after_created);
    s.bind_blob(6, q.after_id.bytes.data(), q.after_id.bytes.size());
  }
  s.bind(7, static_cast<std::int64_t>(q.limit) + 1);
  for (;;) {
    int rc = s.step();
    if (rc == SQLITE_DONE) return ReadStatus::kOk;
    if (rc != SQLITE_ROW) return ReadStatus::kError;
    ListRow r{s.text(0), s.int64(1), {}};
    std::string_view idb = s.blob(2);
    if (idb.size() == 16) std::copy(idb.begin(), idb.end(), r.id.bytes.begin());
    row(r);
  }
}

ReadStatus SqliteReader::read_user(Stmt& s, UserRow& out) {
  int rc = s.step();
  if (rc == SQLITE_DONE) return ReadStatus::kNotFound;
  if (rc != SQLITE_ROW) return ReadStatus::kError;
  out.owner = s.int64(0);
  std::string_view id = s.blob(1);
  if (id.size() == 16) std::copy(id.begin(), id.end(), out.id.bytes.begin());
  out.username.assign(s.text(2));
  out.password_hash.assign(s.text(3));
  out.created_at = s.int64(4);
  return ReadStatus::kOk;
}

ReadStatus SqliteReader::user_by_name(std::string_view username, UserRow& out) {
  StmtScope scope(user_by_name_);
  user_by_name_.bind(1, username);
  return read_user(user_by_name_, out);
}

ReadStatus SqliteReader::user_by_id(const util::Uuid& id, UserRow& out) {
  StmtScope scope(user_by_id_);
  user_by_id_.bind_blob(1, id.bytes.data(), 16);
  return read_user(user_by_id_, out);
}

bool SqliteReader::ping() {
  StmtScope scope(ping_);
  return ping_.step() == SQLITE_ROW;
}

}  // namespace brisk::store::sqlite
