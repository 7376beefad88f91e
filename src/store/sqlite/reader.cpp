#include "store/sqlite/reader.hpp"

#include <stdexcept>

#include "store/sqlite/tokenizer.hpp"

namespace brisk::store::sqlite {

SqliteReader::SqliteReader(const std::string& path, const char* vfs) {
  std::string err = db_.open(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, vfs);
  if (!err.empty()) throw std::runtime_error("cannot open a read connection: " + err);
  sqlite3_busy_timeout(db_.get(), 5000);
  // tasks_fts is tokenized by brisk's own tokenizer: register it first.
  if (!register_tokenizer(db_.get())) {
    throw std::runtime_error("cannot open a read connection: SQLite lacks FTS5 or unicode61");
  }
  get_ = db_.prepare("SELECT owner, version, body FROM tasks WHERE id = ?1");
  ping_ = db_.prepare("SELECT count(*) FROM meta");
}

ReadStatus SqliteReader::get(Owner owner, const util::Uuid& id, std::string_view& json,
                             std::int64_t& version) {
  StmtScope scope(get_);
  get_.bind_blob(1, id.bytes.data(), id.bytes.size());
  int rc = get_.step();
  if (rc == SQLITE_DONE) return ReadStatus::kNotFound;
  if (rc != SQLITE_ROW) return ReadStatus::kError;
  // Another owner's task is reported exactly like a missing one.
  if (get_.int64(0) != owner) return ReadStatus::kNotFound;
  version = get_.int64(1);
  json_.assign(get_.text(2));
  json = json_;
  return ReadStatus::kOk;
}

ReadStatus SqliteReader::list(const ListQuery& q, const std::function<void(std::string_view)>& row,
                              ListPage& page) {
  return lister_.list(q, row, page);
}

bool SqliteReader::ping() {
  StmtScope scope(ping_);
  return ping_.step() == SQLITE_ROW;
}

}  // namespace brisk::store::sqlite
