#include "store/postgres/list_sql.hpp"

#include <bit>
#include <cstdio>
#include <cstdlib>

#include "store/postgres/text_index.hpp"

namespace brisk::store::postgres {

namespace {

// Relevance, lower is better (as ListPosition::rank is): minus ts_rank with
// weights {D, C, B, A} = {-, description, tags, title} in the ratio 1:2:4
// of SQLite's brisk_rank weights. float4 widened to float8 exactly, so a cursor's
// rank compares equal to the row's.
constexpr const char* kRank = "(-ts_rank('{0.1,0.25,0.5,1.0}', search, $%s::tsquery))::float8";

const char* key_column(SortKey k) {
  switch (k) {
    case SortKey::kCreatedAt:
      return "created_at";
    case SortKey::kUpdatedAt:
      return "updated_at";
    case SortKey::kPriority:
      return "priority";
    case SortKey::kDueAt:
      return "due_at";
    case SortKey::kTitle:
      return "title_key";
    case SortKey::kRelevance:
      break;
  }
  return "created_at";
}

class Builder {
 public:
  explicit Builder(ListQuery& out) : out_(out) {}
  // Appends a parameter and returns its placeholder number as text.
  std::string param(std::string v) {
    out_.params.text(std::move(v));
    return std::to_string(out_.params.size());
  }
  std::string param(std::int64_t v) {
    out_.params.integer(v);
    return std::to_string(out_.params.size());
  }
  std::string param(const util::Uuid& id) {
    out_.params.uuid(id);
    return std::to_string(out_.params.size());
  }

 private:
  ListQuery& out_;
};

std::string format_double(double d) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

// Relevance (docs/DECISIONS.md, "Search at scale"), as SQLite's
// lister_relevance.cpp serves it: tier 0 (the title matches every word)
// before tier 1; within a tier, windows of kWindow matches newest first by
// seq, each ranked best first, ties newest first. A cursor names its window
// [low, high) by seq: the rows of that window after (rank, id) come first,
// then the windows below it, counted from its low end. Unlike SQLite's,
// this statement ranks and numbers every match (cost linear in matches).
constexpr const char* kWindow = "1000";  // SQLite's kRelevanceWindow

void relevance_sql(const ListSpec& q, Builder& b, const std::string& where,
                   const std::string& search, const std::string& limit, std::string& sql) {
  char rank[160];
  std::snprintf(rank, sizeof rank, kRank, search.c_str());
  const std::string title = b.param(search_query(q.search, true));
  std::string cur = "false";
  std::string tier, low, high, k, id;
  if (q.has_after) {
    tier = b.param(static_cast<std::int64_t>(q.after.tier));
    low = b.param(q.after.window_low);
    high = b.param(q.after.window_high);
    k = b.param(format_double(q.after.rank));
    id = b.param(q.after.id);
    cur = "(tier = $" + tier + "::bigint AND seq >= $" + low + "::bigint AND seq < $" + high +
          "::bigint)";
  }
  // m: the matches with rank and tier; w: their window (-1: the cursor's).
  sql =
      "SELECT body, id, k, tier, wlow, whigh FROM (SELECT body, id, k, tier, win,"
      " CASE WHEN win < 0 THEN " +
      (q.has_after ? "$" + low + "::bigint" : std::string("0")) +
      " ELSE min(seq) OVER (PARTITION BY tier, win) END AS wlow,"
      " CASE WHEN win < 0 THEN " +
      (q.has_after ? "$" + high + "::bigint" : std::string("0")) +
      " ELSE max(seq) OVER (PARTITION BY tier, win) + 1 END AS whigh"
      " FROM (SELECT body, id, k, tier, seq, CASE WHEN cur THEN -1 ELSE"
      " (row_number() OVER (PARTITION BY tier, cur ORDER BY seq DESC) - 1) / " +
      kWindow + " END AS win FROM (SELECT body, id, seq, ";
  sql += rank;
  sql += " AS k, CASE WHEN search @@ $" + title + "::tsquery THEN 0 ELSE 1 END AS tier";
  sql += " FROM tasks" + where + ") AS m0 CROSS JOIN LATERAL (SELECT " + cur + " AS cur) AS c";
  if (q.has_after) {
    sql += " WHERE tier > $" + tier + "::bigint OR (tier = $" + tier + "::bigint AND seq < $" +
           high + "::bigint)";
  }
  sql += ") AS w) AS x";
  if (q.has_after) {
    sql += " WHERE win >= 0 OR k > $" + k + "::float8 OR (k = $" + k + "::float8 AND id < $" + id +
           "::uuid)";
  }
  sql += " ORDER BY tier, win, k, id DESC LIMIT $" + limit;
}

}  // namespace

ListQuery list_query(const ListSpec& q) {
  ListQuery out;
  Builder b(out);
  const std::string owner = b.param(q.owner);
  std::string where = " WHERE owner = $" + owner;
  if (std::popcount(q.status_mask) == 1) {
    // One status: an equality, so that (owner, status, created_at, id)
    // yields the default order without a sort.
    where += " AND status = $" +
             b.param(static_cast<std::int64_t>(std::countr_zero(q.status_mask))) + "::bigint";
  } else if (q.status_mask != 0 && q.status_mask != 0b111) {
    std::string arr = "{";
    for (int st = 0; st < 3; ++st) {
      if (!(q.status_mask & (1u << st))) continue;
      if (arr.size() > 1) arr += ',';
      arr += std::to_string(st);
    }
    arr += '}';
    where += " AND status = ANY($" + b.param(arr) + "::bigint[])";
  }
  if (q.priority_min) where += " AND priority >= $" + b.param(*q.priority_min) + "::bigint";
  if (q.priority_max) where += " AND priority <= $" + b.param(*q.priority_max) + "::bigint";
  if (q.due_after) where += " AND due_at > $" + b.param(*q.due_after) + "::bigint";
  if (q.due_before) where += " AND due_at < $" + b.param(*q.due_before) + "::bigint";
  if (!q.tags.empty()) where += " AND tags @> $" + b.param(bytea_array(q.tags)) + "::bytea[]";
  std::string search;
  if (!q.search.empty()) {
    search = b.param(search_query(q.search));
    where += " AND search @@ $" + search + "::tsquery";
  }
  const std::string limit = b.param(static_cast<std::int64_t>(q.limit) + 1);
  const char* dir = q.descending ? " DESC" : "";
  const char* cmp = q.descending ? " < " : " > ";
  std::string& sql = out.sql;

  if (q.sort == SortKey::kRelevance) {
    relevance_sql(q, b, where, search, limit, sql);
  } else if (q.sort == SortKey::kDueAt) {
    // Tasks with due_at in order, then those without, by id; a position in
    // the second group skips the first.
    std::string after_id;
    if (q.has_after) after_id = b.param(q.after.id);
    std::string nulls =
        "(SELECT body, id, NULL::bigint AS k, 1 AS g FROM tasks" + where + " AND due_at IS NULL";
    if (q.has_after && q.after.null_key)
      nulls += " AND id" + std::string(cmp) + "$" + after_id + "::uuid";
    nulls += std::string(" ORDER BY id") + dir + " LIMIT $" + limit + ")";
    if (q.has_after && q.after.null_key) {
      sql = "SELECT body, id, k FROM " + nulls + " AS u";
    } else {
      std::string dated =
          "(SELECT body, id, due_at AS k, 0 AS g FROM tasks" + where + " AND due_at IS NOT NULL";
      if (q.has_after) {
        dated += " AND (due_at, id)" + std::string(cmp) + "($" + b.param(q.after.num) +
                 "::bigint, $" + after_id + "::uuid)";
      }
      dated += std::string(" ORDER BY due_at") + dir + ", id" + dir + " LIMIT $" + limit + ")";
      sql = "SELECT body, id, k FROM (" + dated + " UNION ALL " + nulls + ") AS u ORDER BY g, k" +
            dir + ", id" + dir + " LIMIT $" + limit;
    }
  } else {
    const char* key = key_column(q.sort);
    sql = std::string("SELECT body, id, ") + key + " FROM tasks" + where;
    if (q.has_after) {
      std::string k;
      if (q.sort == SortKey::kTitle) {
        out.params.bytea(q.after.text);
        k = "$" + std::to_string(out.params.size()) + "::bytea";
      } else {
        k = "$" + b.param(q.after.num) + "::bigint";
      }
      const std::string id = b.param(q.after.id);
      sql += std::string(" AND (") + key + ", id)" + cmp + "(" + k + ", $" + id + "::uuid)";
    }
    sql += std::string(" ORDER BY ") + key + dir + ", id" + dir + " LIMIT $" + limit;
  }
  return out;
}

void position_of(const PGresult* r, int row, SortKey sort, ListPosition& out) {
  out = ListPosition{};
  uuid_of(r, row, 1, out.id);
  if (PQgetisnull(r, row, 2)) {
    out.null_key = true;  // a due_at sort's task without due_at
    return;
  }
  switch (sort) {
    case SortKey::kTitle:
      out.text = bytea_of(text_of(r, row, 2));
      break;
    case SortKey::kRelevance:
      out.rank = std::strtod(PQgetvalue(r, row, 2), nullptr);
      out.tier = static_cast<int>(int64_of(r, row, 3));
      out.window_low = int64_of(r, row, 4);
      out.window_high = int64_of(r, row, 5);
      break;
    default:
      out.num = int64_of(r, row, 2);
      break;
  }
}

}  // namespace brisk::store::postgres
