#include "store/postgres/event_sql.hpp"

namespace brisk::store::postgres {

namespace {
// The next id: consecutive under the event lock, and past every pruned id
// (pruning keeps the newest event, so max(id) alone would do unless the
// table was emptied by hand).
constexpr const char* kNextEventId =
    "(SELECT greatest((SELECT coalesce(max(id), 0) FROM events),"
    " (SELECT pruned_through FROM event_log)) + 1)";
}  // namespace

std::string event_cte(const char* src, int n) {
  // Appended piece by piece (GCC 12's -Warray-bounds misfires on
  // std::string(literal) + ...).
  std::string sql = "e AS (INSERT INTO events (id, owner, kind, data) SELECT ";
  sql += kNextEventId;
  sql += ", owner, $";
  sql += std::to_string(n);
  sql += "::smallint, $";
  sql += std::to_string(n + 1);
  sql += "::text FROM ";
  sql += src;
  sql += " RETURNING id)";
  return sql;
}

std::string events_end_sql() {
  std::string sql =
      "WITH newest AS (SELECT coalesce(max(id), 0) AS id FROM events),"
      " w AS (SELECT (SELECT id FROM newest) - $1::bigint AS through, pruned_through"
      " FROM event_log),"
      " d AS (DELETE FROM events WHERE id <= (SELECT through FROM w)"
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
