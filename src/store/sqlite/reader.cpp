#include "store/sqlite/reader.hpp"

#include <algorithm>
#include <stdexcept>

#include "store/sqlite/collation.hpp"
#include "store/sqlite/health.hpp"
#include "store/sqlite/read_pool.hpp"

namespace brisk::store::sqlite {

SqliteReader::SqliteReader(const std::string& path, const char* vfs, TaskCache* cache,
                           ReadPool* pool, const Health* health)
    : cache_(cache), pool_(pool), health_(health) {
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
  begin_ = db_.prepare("BEGIN");
  end_ = db_.prepare("COMMIT");
  event_bounds_ = db_.prepare(
      "SELECT (SELECT coalesce(max(id), 0) FROM events), "
      "coalesce((SELECT value FROM meta WHERE key = 'events_pruned_through'), 0)");
  event_page_ = db_.prepare(
      "SELECT id, kind, data FROM events WHERE owner = ?1 AND id > ?2 ORDER BY id LIMIT ?3");
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
  if (rc != SQLITE_ROW) return checked(ReadStatus::kError);
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
  if (!pool_) return checked(lister_.list(q, row, page));
  // A search's cost depends on how many tasks its words match (all of
  // them, for a common prefix): no budget is spent finding out here.
  if (!q.search.empty()) return ReadStatus::kWouldBlock;
  return checked(lister_.list(q, row, page, {.max_steps = kInlineListSteps}));
}

void SqliteReader::list_async(const ListSpec& q, ReadDone<ListRead> done, ReadWaiter waiter) {
  if (!pool_) return Reader::list_async(q, std::move(done), std::move(waiter));
  pool_->submit(q, std::move(done), std::move(waiter));
}

ReadStatus SqliteReader::read_user(Stmt& s, UserRow& out) {
  int rc = s.step();
  if (rc == SQLITE_DONE) return ReadStatus::kNotFound;
  if (rc != SQLITE_ROW) return checked(ReadStatus::kError);
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

// The bounds and the page are read in one read transaction: a prune or a
// commit between two statements could otherwise make the page disagree with
// pruned_through and newest.
ReadStatus SqliteReader::events(const EventRange& q,
                                const std::function<void(const EventView&)>& event,
                                EventPage& page) {
  page = EventPage{};
  {
    StmtScope b(begin_);
    if (begin_.step() != SQLITE_DONE) return checked(ReadStatus::kError);
  }
  struct End {
    Stmt& end;
    ~End() {
      StmtScope e(end);
      end.step();
    }
  } end{end_};
  {
    StmtScope s(event_bounds_);
    if (event_bounds_.step() != SQLITE_ROW) return checked(ReadStatus::kError);
    page.newest = event_bounds_.int64(0);
    page.pruned_through = event_bounds_.int64(1);
  }
  const std::size_t max_events = std::max<std::size_t>(1, q.max_events);
  StmtScope s(event_page_);
  // One more row than asked: whether there is more after the page.
  event_page_.bind(1, q.owner).bind(2, q.after).bind(3, static_cast<std::int64_t>(max_events + 1));
  std::size_t n = 0, bytes = 0;
  int rc;
  while ((rc = event_page_.step()) == SQLITE_ROW) {
    if (n == max_events || bytes >= q.max_bytes) {
      page.more = true;
      break;
    }
    EventView v{event_page_.int64(0), static_cast<std::uint8_t>(event_page_.int64(1)),
                event_page_.text(2)};
    event(v);
    page.last = v.id;
    bytes += v.data.size();
    ++n;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return checked(ReadStatus::kError);
  return ReadStatus::kOk;
}

// The corruption a failed statement met is recorded (health.hpp) before the
// statement returns, from SQLite's error log.
ReadStatus SqliteReader::checked(ReadStatus st) const {
  return st == ReadStatus::kError && health_ && health_->faulty() ? ReadStatus::kUnavailable : st;
}

bool SqliteReader::ping() {
  StmtScope scope(ping_);
  return ping_.step() == SQLITE_ROW;
}

}  // namespace brisk::store::sqlite
