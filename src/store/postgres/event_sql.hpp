// The SQL of the PostgreSQL event log (migration 003, store/events.hpp):
// how the writer numbers, inserts and prunes events and announces them,
// and how readers and the listener read them back.
//
// Invariant (what makes ids commit-ordered across instances): a write
// transaction that may insert events takes the event lock (kEventLockSql)
// in a statement of its own before any statement that inserts one. Such
// transactions then run one at a time from the lock to COMMIT, and each
// later statement's snapshot (READ COMMITTED: one per statement) sees every
// event committed before, so max(id) + 1 is the next id in commit order,
// with no gap and never reused. That id is read once per transaction, by
// event_base_sql() right after the lock, into a transaction-local setting
// that each logged event advances: a sub-select of max(id) per event had
// cost PostgreSQL 31% of its CPU under POST (docs/benchmarks.md).
#pragma once
#include <string>

namespace brisk::store::postgres {

// The advisory lock of event-writing transactions: "brisk" as an integer
// plus one (migrate.cpp's lock is "brisk"), held until COMMIT or ROLLBACK.
inline constexpr const char* kEventLockSql = "SELECT pg_advisory_xact_lock(452857377132)";

// The channel of NOTIFY; the payload is the newest event id (decimal).
inline constexpr const char* kEventChannel = "brisk_events";

// After the event lock, in a statement of its own (so that its snapshot
// sees every event committed before the lock was taken): the newest id, the
// last one handed out so far, into the setting event_cte() advances.
std::string event_base_sql();

// A CTE `e` that logs one event for the row the CTE `src` returns (its
// `owner` column), kind and data from parameters $n and $n+1; `e` returns
// the event's id. Empty when `src` is (the change did not happen).
std::string event_cte(const char* src, int n);

// At the end of an event-writing transaction: prunes the log to the
// newest $1 events when at least $2 can go (so most commits delete
// nothing), and sends NOTIFY with the newest id (delivered at COMMIT).
std::string events_end_sql();

// A replay page: one row per event of owner $1 after id $2 (at most $3),
// each with the log's pruned_through and newest id; a single row of NULL
// event columns when there is none. Columns: pruned_through, newest, id,
// kind, data. One statement, so one snapshot.
std::string events_page_sql();

// Every owner's events after $1 in id order, at most $2 (the listener's
// read). Columns: id, owner, kind, data.
inline constexpr const char* kEventsAfterSql =
    "SELECT id, owner, kind, data FROM events WHERE id > $1::bigint ORDER BY id LIMIT $2::bigint";

// The newest event id (0 when none): where publishing starts.
inline constexpr const char* kNewestEventSql = "SELECT coalesce(max(id), 0) FROM events";

}  // namespace brisk::store::postgres
