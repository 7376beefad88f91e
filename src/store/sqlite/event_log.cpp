#include "store/sqlite/event_log.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace brisk::store::sqlite {

EventLog::EventLog(Db& db, std::int64_t window) : window_(std::max<std::int64_t>(1, window)) {
  insert_ = db.prepare("INSERT INTO events (id, owner, kind, data) VALUES (?1, ?2, ?3, ?4)");
  prune_ = db.prepare("DELETE FROM events WHERE id <= ?1");
  pruned_put_ =
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('events_pruned_through', ?1)");
  // Ids go on from the newest ever given, kept or pruned.
  Stmt last = db.prepare(
      "SELECT (SELECT coalesce(max(id), 0) FROM events), "
      "coalesce((SELECT value FROM meta WHERE key = 'events_pruned_through'), 0)");
  if (last.step() != SQLITE_ROW)
    throw std::runtime_error("cannot read the event log: " + db.error());
  pruned_through_ = last.int64(1);
  next_id_ = std::max(last.int64(0), pruned_through_) + 1;
}

void EventLog::begin() {
  begin_next_id_ = next_id_;
  begin_pruned_through_ = pruned_through_;
}

std::int64_t EventLog::log(Owner owner, Event& e) {
  if (e.kind == 0) return 0;
  const std::int64_t id = next_id_;
  {
    StmtScope s(insert_);
    insert_.bind(1, id).bind(2, owner).bind(3, std::int64_t{e.kind}).bind(4, e.data);
    if (insert_.step() != SQLITE_DONE) return -1;
  }
  ++next_id_;
  logged_.push_back({id, owner, e.kind, std::move(e.data)});
  return id;
}

bool EventLog::prune() {
  const std::int64_t through = next_id_ - 1 - window_;  // the newest id that may go
  const std::int64_t chunk = std::max<std::int64_t>(1, window_ / 10);
  if (through - pruned_through_ < chunk) return true;
  {
    StmtScope s(prune_);
    prune_.bind(1, through);
    if (prune_.step() != SQLITE_DONE) return false;
  }
  StmtScope s(pruned_put_);
  pruned_put_.bind(1, through);
  if (pruned_put_.step() != SQLITE_DONE) return false;
  pruned_through_ = through;
  return true;
}

void EventLog::rollback() {
  next_id_ = begin_next_id_;
  pruned_through_ = begin_pruned_through_;
  logged_.clear();
}

std::vector<LoggedEvent> EventLog::take() {
  std::vector<LoggedEvent> out;
  out.swap(logged_);
  return out;
}

}  // namespace brisk::store::sqlite
