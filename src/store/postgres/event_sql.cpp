#include "store/postgres/event_sql.hpp"

namespace brisk::store::postgres {

namespace {
// The transaction-local setting that holds the last id handed out (set by
// event_base_sql(), advanced by each logged event).
constexpr const char* kLastIdSetting = "'brisk.event_id'";
}  // namespace

std::string event_base_sql() {
  // The last id: under the event lock, and past every pruned id (pruning
  // keeps the newest event, so max(id) alone would do unless the table was
  // emptied by hand).
  std::string sql = "SELECT set_config(";
  sql += kLastIdSetting;
  sql +=
      ", greatest((SELECT coalesce(max(id), 0) FROM events),"
      " (SELECT pruned_through FROM event_log))::text, true)";
  return sql;
}

std::string event_cte(const char* src, int n) {
  // Appended piece by piece (GCC 12's -Warray-bounds misfires on
  // std::string(literal) + ...). The id is the setting plus one, stored
  // back: evaluated once per row of `src`, so only for a change that
  // happened, and no two events of the transaction share an id.
  std::string sql = "e AS (INSERT INTO events (id, owner, kind, data) SELECT set_config(";
  sql += kLastIdSetting;
  sql += ", (current_setting(";
  sql += kLastIdSetting;
  sql += ")::bigint + 1)::text, true)::bigint, owner, $";
  sql += std::to_string(n);
  sql += "::smallint, $";
  sql += std::to_string(n + 1);
  sql += "::text FROM ";
  sql += src;
  sql += " RETURNING id)";
  return sql;
}

std::string events_end_sql() {
  // The delete's lower bound keeps its index scan to the ids it deletes: the
  // ones pruned before stay in the index as dead entries until VACUUM, and
  // without the bound every prune walked them all (10 ms instead of 0.7 ms
  // with 150k dead, EXPLAIN ANALYZE; docs/benchmarks.md).
  std::string sql =
      "WITH newest AS (SELECT coalesce(max(id), 0) AS id FROM events),"
      " w AS (SELECT (SELECT id FROM newest) - $1::bigint AS through, pruned_through"
      " FROM event_log),"
      " d AS (DELETE FROM events WHERE id > (SELECT pruned_through FROM w)"
      " AND id <= (SELECT through FROM w)"
      " AND (SELECT through - pruned_through FROM w) >= $2::bigint),"
      " p AS (UPDATE event_log SET pruned_through = (SELECT through FROM w)"
      " WHERE (SELECT through - pruned_through FROM w) >= $2::bigint)"
      " SELECT pg_notify('";
  sql += kEventChannel;
  sql += "', (SELECT id FROM newest)::text)";
  return sql;
}

std::string events_page_sql() {
  return "SELECT l.pruned_through, (SELECT coalesce(max(id), 0) FROM events), e.id, e.kind, e.data"
         " FROM event_log AS l LEFT JOIN LATERAL (SELECT id, kind, data FROM events"
         " WHERE owner = $1::bigint AND id > $2::bigint ORDER BY id LIMIT $3::bigint) AS e ON true"
         " ORDER BY e.id";
}

}  // namespace brisk::store::postgres
