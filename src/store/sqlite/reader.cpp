#include "store/sqlite/reader.hpp"

#include <stdexcept>

#include "store/sqlite/collation.hpp"

namespace brisk::store::sqlite {

SqliteReader::SqliteReader(const std::string& path, const char* vfs, TaskCache* cache)
    : cache_(cache) {
  std::string err =
      db_.open(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, vfs);
  if (!err.empty()) throw std::runtime_error("cannot open a read connection: " + err);
  sqlite3_busy_timeout(db_.get(), 5000);
  db_.exec("PRAGMA temp_store=MEMORY");  // sorts for search and lists never touch /tmp
  // tasks_fts is tokenized by brisk's own tokenizer, titles sort by its collation.
  if (!register_extensions(db_.get())) {
    throw std::runtime_error("cannot open a read connection: SQLite lacks FTS5 or unicode61");
  }
  get_ = db_.prepare("SELECT owner, version, body FROM tasks WHERE id = ?1");
  ping_ = db_.prepare("SELECT count(*) FROM meta");
#define BRISK_USER_COLUMNS \
  "SELECT owner, id, username, password_hash, created_at, disabled FROM users "
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

ReadStatus SqliteReader::list(const ListSpec& q, const std::function<void(std::string_view)>& row,
                              ListPage& page) {
  return lister_.list(q, row, page);
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
  out.disabled = s.int64(5);
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
