// The writer's side of the event log (store/events.hpp, migration 007):
// numbers and inserts the events of the transaction being built, prunes
// the log to its window, and hands the committed events over.
//
// Invariants: used only by the writer thread, inside its transaction.
// Ids are consecutive in commit order: a batch that rolls back gives its
// ids back (rollback()), so the next batch reuses them and no id is ever
// seen twice or skipped by a reader.
#pragma once
#include <cstdint>
#include <vector>

#include "store/events.hpp"
#include "store/sqlite/db.hpp"

namespace brisk::store::sqlite {

class EventLog {
 public:
  // Reads where the ids go on from; throws std::runtime_error on failure.
  // The log keeps at least the newest `window` events.
  EventLog(Db& db, std::int64_t window);

  // At the start of a transaction: what rollback() returns to.
  void begin();
  // Inserts `e` (no event: kind 0) with the next id, moving its data to
  // the list taken after COMMIT. The id, 0 for no event, -1 on failure.
  std::int64_t log(Owner owner, Event& e);
  // Deletes what the window no longer holds, a tenth of the window at a time
  // (so that most commits delete nothing). False on a storage error.
  bool prune();
  // The transaction was rolled back: its events and ids are forgotten.
  void rollback();
  // After COMMIT: the transaction's events, in id order.
  std::vector<LoggedEvent> take();

 private:
  Stmt insert_, prune_, pruned_put_;
  std::int64_t window_;
  std::int64_t next_id_ = 1;
  std::int64_t pruned_through_ = 0;  // meta events_pruned_through
  std::int64_t begin_next_id_ = 1, begin_pruned_through_ = 0;
  std::vector<LoggedEvent> logged_;
};

}  // namespace brisk::store::sqlite
