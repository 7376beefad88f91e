#include "store/sqlite/list_plan.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

#include "store/search.hpp"

namespace brisk::store::sqlite {

namespace {

// Relevance (rank.hpp): title weighted above tags above description. Lower
// (more negative) is better.
constexpr const char* kRank = "brisk_rank(tasks_fts)";

const char* key_column(SortKey k) {
  switch (k) {
    case SortKey::kCreatedAt:
      return "t.created_at";
    case SortKey::kUpdatedAt:
      return "t.updated_at";
    case SortKey::kPriority:
      return "t.priority";
    case SortKey::kDueAt:
      return "t.due_at";
    case SortKey::kTitle:
      // As tasks_owner_title (migration 005) orders it.
      return "t.title COLLATE brisk_title";
    case SortKey::kRelevance:
      return kRank;
  }
  return "t.created_at";
}

const char* sort_index(SortKey k) {
  switch (k) {
    case SortKey::kCreatedAt:
      return "tasks_owner_created";
    case SortKey::kUpdatedAt:
      return "tasks_owner_updated";
    case SortKey::kPriority:
      return "tasks_owner_priority";
    case SortKey::kDueAt:
      return "tasks_owner_due";
    case SortKey::kTitle:
      return "tasks_owner_title";
    case SortKey::kRelevance:
      break;
  }
  return "tasks_owner_created";
}

constexpr unsigned kAllStatuses = 0b111;  // every status selected: no filter

// True when the tag table walk is in the sort order.
bool tag_ordered(const Shape& s) {
  return s.driver == Driver::kTag && s.sort == SortKey::kCreatedAt && !s.null_group;
}

}  // namespace

std::uint32_t Shape::key() const {
  std::uint32_t k = static_cast<std::uint32_t>(driver);
  k = k << 3 | static_cast<std::uint32_t>(sort);
  for (bool b : {desc, status, status_one, priority_min, priority_max, due_after, due_before,
                 null_group, tag_check, search, search_row, after}) {
    k = k << 1 | (b ? 1u : 0u);
  }
  return k;
}

bool Shape::ordered() const {
  if (sort == SortKey::kRelevance) return false;
  switch (driver) {
    case Driver::kSortIndex:
      return true;
    case Driver::kStatusIndex:
      return status_one && sort == SortKey::kCreatedAt && !null_group;
    case Driver::kTag:
      return tag_ordered(*this);
    default:
      return false;
  }
}

namespace {

// SELECT ... FROM ... WHERE owner: the driver's table or index.
void append_source(const Shape& s, std::string& sql) {
  // The key column returned is the raw value the position is made of (for
  // title, the title: the reader lowers ASCII letters itself, only for the
  // row a cursor needs).
  sql += "SELECT t.body, t.id, ";
  sql += s.sort == SortKey::kTitle ? "t.title" : key_column(s.sort);
  switch (s.driver) {
    case Driver::kTag:
      sql +=
          " FROM task_tags AS g CROSS JOIN tasks AS t NOT INDEXED ON t.seq = g.seq"
          " WHERE g.owner = ?1 AND g.tag = ?11";
      return;
    case Driver::kSearch:
      sql +=
          " FROM tasks_fts CROSS JOIN tasks AS t NOT INDEXED ON t.seq = tasks_fts.rowid"
          " WHERE tasks_fts MATCH ?12 AND t.owner = ?1";
      return;
    default: {
      const char* index = s.driver == Driver::kStatusIndex     ? "tasks_owner_status_created"
                          : s.driver == Driver::kPriorityIndex ? "tasks_owner_priority"
                          : s.driver == Driver::kDueIndex      ? "tasks_owner_due"
                          : s.null_group                       ? "tasks_owner_due"
                                                               : sort_index(s.sort);
      sql += " FROM tasks AS t INDEXED BY ";
      sql += index;
      sql += " WHERE t.owner = ?1";
    }
  }
}

// The filters checked per row.
void append_filters(const Shape& s, std::string& sql) {
  if (s.status) {
    sql += s.driver == Driver::kStatusIndex && s.status_one ? " AND t.status = ?2"
                                                            : " AND t.status IN (?2, ?3, ?4)";
  }
  if (s.priority_min) sql += " AND t.priority >= ?5";
  if (s.priority_max) sql += " AND t.priority <= ?6";
  if (s.null_group) sql += " AND t.due_at IS NULL";
  if (s.due_after) sql += " AND t.due_at > ?7";
  if (s.due_before) sql += " AND t.due_at < ?8";
  if (s.tag_check) {
    sql +=
        " AND (SELECT count(*) FROM task_tags AS h WHERE h.owner = ?1"
        " AND h.tag IN (SELECT value FROM json_each(?9))"
        " AND h.created_at = t.created_at AND h.id = t.id) = ?10";
  }
  if (s.search && s.driver != Driver::kSearch) {
    // brisk_match's columns are tasks_fts's, as the writer fills them
    // (task_rows.cpp: the tags joined by spaces).
    sql += s.search_row ? " AND brisk_match(?12, t.title, json_extract(t.body, '$.description'),"
                          " (SELECT group_concat(value, ' ') FROM json_each(t.body, '$.tags')))"
                        : " AND t.seq IN (SELECT rowid FROM tasks_fts WHERE tasks_fts MATCH ?12)";
  }
}

// Strictly after the position (?13 key, ?14 id) in the order.
void append_after(const Shape& s, std::string& sql) {
  const char* cmp = s.desc ? " < " : " > ";
  if (s.sort == SortKey::kRelevance) {
    // Best first, ties newest first.
    sql.append(" AND (").append(kRank).append(" > ?13 OR (").append(kRank);
    sql += " = ?13 AND t.id < ?14))";
  } else if (s.null_group) {
    sql.append(" AND t.id").append(cmp).append("?14");
  } else if (tag_ordered(s)) {
    sql.append(" AND (g.created_at, g.id)").append(cmp).append("(?13, ?14)");
  } else if (s.sort == SortKey::kTitle) {
    // The collation goes on the bound side: SQLite takes a comparison's
    // collation from either operand, but only a bare column on the left
    // becomes a range of the index.
    sql.append(" AND (t.title, t.id)").append(cmp).append("(?13 COLLATE brisk_title, ?14)");
  } else {
    sql.append(" AND (").append(key_column(s.sort)).append(", t.id)").append(cmp);
    sql += "(?13, ?14)";
  }
}

void append_order(const Shape& s, std::string& sql) {
  const char* dir = s.desc ? " DESC" : "";
  if (s.sort == SortKey::kRelevance) {
    sql += " ORDER BY 3, t.id DESC";
  } else if (s.null_group) {
    sql.append(" ORDER BY t.id").append(dir);
  } else if (tag_ordered(s)) {
    sql.append(" ORDER BY g.created_at").append(dir).append(", g.id").append(dir);
  } else {
    sql.append(" ORDER BY ").append(key_column(s.sort)).append(dir).append(", t.id").append(dir);
  }
}

}  // namespace

std::string list_sql(const Shape& s) {
  std::string sql;
  sql.reserve(640);
  append_source(s, sql);
  append_filters(s, sql);
  if (s.after) append_after(s, sql);
  append_order(s, sql);
  sql += " LIMIT ?15";
  return sql;
}

std::string window_sql(const Shape& s) {
  std::string sql =
      "SELECT t.seq, t.id, brisk_rank(tasks_fts)"
      " FROM tasks_fts CROSS JOIN tasks AS t NOT INDEXED ON t.seq = tasks_fts.rowid"
      " WHERE tasks_fts MATCH ?12 AND tasks_fts.rowid < ?16 AND tasks_fts.rowid >= ?17"
      " AND t.owner = ?1";
  append_filters(s, sql);
  sql += " ORDER BY tasks_fts.rowid DESC LIMIT ?15";
  return sql;
}

std::string tier_query(std::string_view search, int tier) {
  std::string title = "{title} : (";
  title.append(search).append(")");
  if (tier == 0) return title;
  std::string rest = "(";
  rest.append(search).append(") NOT ").append(title);
  return rest;
}

std::string probe_search_text(const SearchTerms& terms) {
  SearchTerms cut = terms;
  for (std::vector<std::string>& word : cut.words) {
    std::string& last = word.back();
    std::size_t chars = 0, at = 0;
    for (; at < last.size(); ++at) {
      // A UTF-8 lead byte begins a character.
      if ((static_cast<unsigned char>(last[at]) & 0xC0) != 0x80 && ++chars > kIndexedPrefix) break;
    }
    last.resize(at);
  }
  return search_text(cut);
}

std::int64_t probe_cap(int limit, std::int64_t total) {
  // A sorted match costs about twice a walked row (table lookup and sorter).
  const double balance =
      std::sqrt((limit + 1.0) * static_cast<double>(std::max<std::int64_t>(total, 0)) / 2.0);
  // At most kMaxProbe: a probe of a common filter reads that many index
  // entries on every request. Between the cap and the balance point, the
  // hedged walk bounds the cost instead.
  return std::clamp(static_cast<std::int64_t>(balance), std::int64_t{64}, kMaxProbe);
}

std::string probe_sql(Probe p) {
  const char* inner = "";
  switch (p) {
    case Probe::kStatus:
      inner =
          "SELECT 1 FROM tasks INDEXED BY tasks_owner_status_created"
          " WHERE owner = ?1 AND status IN (?2, ?3, ?4)";
      break;
    case Probe::kPriority:
      inner =
          "SELECT 1 FROM tasks INDEXED BY tasks_owner_priority"
          " WHERE owner = ?1 AND priority >= ?5 AND priority <= ?6";
      break;
    case Probe::kDue:
      inner =
          "SELECT 1 FROM tasks INDEXED BY tasks_owner_due"
          " WHERE owner = ?1 AND due_at > ?7 AND due_at < ?8";
      break;
    case Probe::kTag:
      inner = "SELECT 1 FROM task_tags WHERE owner = ?1 AND tag = ?11";
      break;
    case Probe::kSearch:
      // Counts matches of every owner: the owner is not in the full-text index.
      inner = "SELECT 1 FROM tasks_fts WHERE tasks_fts MATCH ?12";
      break;
  }
  return std::string("SELECT count(*) FROM (") + inner + " LIMIT ?15)";
}

namespace {

// The shape's filters and order, before a driver is chosen.
Shape base_shape(const ListSpec& q, bool null_group) {
  Shape s;
  s.sort = q.sort;
  s.desc = q.sort == SortKey::kRelevance || q.descending;
  s.null_group = null_group;
  s.status = q.status_mask != 0 && q.status_mask != kAllStatuses;
  s.status_one = std::popcount(q.status_mask) == 1;
  s.priority_min = q.priority_min.has_value();
  s.priority_max = q.priority_max.has_value();
  s.search = !q.search.empty();
  if (null_group) {
    s.after = q.has_after && q.after.null_key;
  } else {
    s.after = q.has_after && !q.after.null_key;
    // A due_at sort's first phase holds only tasks with due_at: both bounds
    // are always bound (to the int64 extremes when absent).
    const bool due_sort = q.sort == SortKey::kDueAt;
    s.due_after = due_sort || q.due_after.has_value();
    s.due_before = due_sort || q.due_before.has_value();
  }
  return s;
}

// The driver that yields the order, and which filters it covers.
struct Ordered {
  Driver driver = Driver::kSortIndex;
  bool status = false, priority = false, due = false, tag = false;
};

Ordered ordered_driver(const ListSpec& q, const Shape& s) {
  Ordered o;
  if (q.sort == SortKey::kCreatedAt && !s.null_group) {
    if (!q.tags.empty()) {
      o.driver = Driver::kTag;
      o.tag = true;
    } else if (s.status_one) {
      o.driver = Driver::kStatusIndex;
      o.status = true;
    }
  }
  o.priority = q.sort == SortKey::kPriority;
  o.due = q.sort == SortKey::kDueAt;
  return o;
}

// Filters that could drive instead: the one with the fewest matches wins if
// it has fewer than the cap. The best of them (search aside) is also the
// fallback of a hedged walk.
struct Choice {
  Driver best, runner_up;
};

Choice choose_driver(const ListSpec& q, const Shape& s, const Ordered& o, std::int64_t cap,
                     std::int64_t tag_count, std::size_t tag, const ProbeFn& probe) {
  Choice c{o.driver, o.driver};
  std::int64_t best_count = cap;
  std::int64_t runner_count = INT64_MAX;
  auto consider = [&](Driver d, std::int64_t n) {
    if (n < best_count) {
      best_count = n;
      c.best = d;
    }
    if (n < runner_count && d != Driver::kSearch) {
      runner_count = n;
      c.runner_up = d;
    }
  };
  if (s.status && !o.status) consider(Driver::kStatusIndex, probe(Probe::kStatus, 0));
  if ((s.priority_min || s.priority_max) && !o.priority) {
    consider(Driver::kPriorityIndex, probe(Probe::kPriority, 0));
  }
  if (q.due_filtered() && !o.due && !s.null_group) {
    consider(Driver::kDueIndex, probe(Probe::kDue, 0));
  }
  if (!q.tags.empty() && !o.tag) {
    consider(Driver::kTag, tag_count >= 0 ? tag_count : probe(Probe::kTag, tag));
  }
  if (s.search) consider(Driver::kSearch, probe(Probe::kSearch, 0));
  return c;
}

}  // namespace

Plan plan(const ListSpec& q, bool null_group, std::int64_t cap, const ProbeFn& probe) {
  Plan p;
  Shape& s = p.shape;
  s = base_shape(q, null_group);
  const bool tags = !q.tags.empty();
  if (q.sort == SortKey::kRelevance) {
    s.driver = Driver::kSearch;
    s.tag_check = tags;
    return p;
  }
  // The rarest tag drives tag walks; with one tag there is nothing to compare.
  std::int64_t tag_count = -1;
  if (q.tags.size() > 1) {
    for (std::size_t i = 0; i < q.tags.size(); ++i) {
      std::int64_t n = probe(Probe::kTag, i);
      if (tag_count < 0 || n < tag_count) {
        tag_count = n;
        p.tag = i;
      }
    }
  }
  const Ordered ordered = ordered_driver(q, s);
  const Choice choice = choose_driver(q, s, ordered, cap, tag_count, p.tag, probe);
  s.driver = choice.best;
  s.tag_check = tags && !(s.driver == Driver::kTag && q.tags.size() == 1);

  // Search text too common to drive (at least `cap` matches): check it per
  // row, which costs about limit / share rows, however many tasks match; if
  // the walk finds its page late (a share below about one in ten), the set
  // of every match serves the rest of it.
  if (s.search && s.driver != Driver::kSearch) {
    s.search_row = true;
    p.hedged = true;
    p.budget = kSearchWalkBudgetSteps;
    p.fallback = s;
    p.fallback.search_row = false;
    p.fallback_tag = p.tag;
  }
  // A walk whose rows are filtered can find its matches late: hedge it,
  // unless search text is among the filters (hedged above).
  if (s.driver == ordered.driver && choice.runner_up != ordered.driver && !s.search) {
    p.hedged = true;
    p.fallback = s;
    p.fallback.driver = choice.runner_up;
    p.fallback.tag_check = tags && !(choice.runner_up == Driver::kTag && q.tags.size() == 1);
    p.fallback_tag = p.tag;
  }

  s = after_position(s, q, s.after);
  return p;
}

Shape after_position(Shape s, const ListSpec& q, bool after) {
  s.after = after;
  // Walking an ordered index after a position: the start-side bound of a
  // filter on the sort key is implied by the position (which satisfied it)
  // and must not be an index bound, or the walk would start from the filter's
  // bound instead of the position.
  if (s.after && s.driver == Driver::kSortIndex) {
    if (q.sort == SortKey::kPriority) (s.desc ? s.priority_max : s.priority_min) = false;
    if (q.sort == SortKey::kDueAt) (s.desc ? s.due_before : s.due_after) = false;
  }
  return s;
}

std::string_view driver_name(Driver d) {
  switch (d) {
    case Driver::kSortIndex:
      return "the sort key's index";
    case Driver::kStatusIndex:
      return "the status index";
    case Driver::kPriorityIndex:
      return "the priority index";
    case Driver::kDueIndex:
      return "the due_at index";
    case Driver::kTag:
      return "the tag index";
    case Driver::kSearch:
      return "the full-text index";
  }
  return "?";
}

}  // namespace brisk::store::sqlite
