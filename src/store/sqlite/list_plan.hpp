// Planning GET /tasks on SQLite. A query is run as one or two statements
// (two for a due_at sort: tasks with due_at, then those without), each of a
// "shape": which index or table drives it, the sort, and which filter
// clauses it has. The SQL of a shape is made of fixed fragments with
// numbered parameters (kParam*); user text is only ever bound.
//
// The driver is chosen so that a page costs about `limit` rows however many
// tasks there are, whenever an index can give that:
//  - an index that yields the sort order and covers the filters is walked
//    in order, and the walk stops after limit + 1 rows;
//  - a filter that no such index covers is checked per row while walking,
//    which stays cheap while it matches a fair share of the rows. When it
//    matches few rows, that filter's index drives instead, and its matches
//    are sorted. A walk examines about limit x total / matches rows, the
//    sort handles `matches` rows: they balance at sqrt(limit x total), the
//    probe cap. A count through the filter's own index, stopped at the cap,
//    decides.
//  - a filter can match many rows overall yet few early in the order (due
//    dates correlate with creation dates). So a walk with per-row filters is
//    hedged: it runs on a budget of SQLite VM steps, and if the page is not
//    full when the budget is spent, the rest of the page comes from the
//    best filter's index (sorted), continuing after the last row served.
//    A page then costs at most the budget plus that filter's matches.
//  - relevance order is served window by window (lister_relevance.cpp,
//    window_sql); sorted by a key, search text drives through tasks_fts when
//    it has few matches; as a per-row filter of a walk it is one IN over the matching
//    rowids, computed once per statement (FTS5 prefix queries rebuild their
//    doclist on every evaluation, so a per-row MATCH would be linear per row).
// INDEXED BY / NOT INDEXED / CROSS JOIN pin the plan, so it does not depend
// on statistics; list_plan_test.cpp checks every shape with EXPLAIN QUERY PLAN.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "store/list_spec.hpp"

namespace brisk::store::sqlite {

// Bound parameters, the same numbers in every statement.
enum Param : int {
  kParamOwner = 1,
  kParamStatus0 = 2,  // ..4: the selected statuses, the first repeated to fill
  kParamPriorityMin = 5,
  kParamPriorityMax = 6,
  kParamDueAfter = 7,   // INT64_MIN when absent
  kParamDueBefore = 8,  // INT64_MAX when absent
  kParamTagsJson = 9,   // JSON array of every tag
  kParamTagCount = 10,
  kParamTag = 11,  // the driving (or probed) tag
  kParamSearch = 12,
  kParamAfterKey = 13,
  kParamAfterId = 14,
  kParamLimit = 15,  // rows wanted; for probes, the cap
  // A relevance window scan: seq (tasks_fts rowid) in [?17, ?16).
  kParamSeqBelow = 16,
  kParamSeqFrom = 17,
};

enum class Driver : std::uint8_t {
  kSortIndex,      // the sort key's index (owner, key, id), walked in order
  kStatusIndex,    // (owner, status, created_at, id): in order for one status and created_at
  kPriorityIndex,  // (owner, priority, id) range, then sorted
  kDueIndex,       // (owner, due_at, id) range, then sorted
  kTag,            // task_tags (owner, tag, created_at, id): in order for created_at
  kSearch,         // tasks_fts MATCH, then sorted
};

// The driver's name, for the log.
std::string_view driver_name(Driver d);

struct Shape {
  Driver driver = Driver::kSortIndex;
  SortKey sort = SortKey::kCreatedAt;
  bool desc = true;
  bool status = false;      // status IN (...) (or = for kStatusIndex with one status)
  bool status_one = false;  // exactly one status selected
  bool priority_min = false, priority_max = false;  // priority >= / <= clauses
  bool due_after = false, due_before = false;       // due_at > / < clauses
  bool null_group = false;  // due_at sort: the tasks without due_at (ordered by id)
  bool tag_check = false;   // every tag checked per row
  bool search = false;      // search checked per row (driver kSearch: it drives)
  // How a search that does not drive is checked: by brisk_match on each row
  // (match.hpp; a common word, most rows match) or against the set of every
  // match, built once per statement (cost in proportion to the matches).
  bool search_row = false;
  bool after = false;  // continue after (key, id)

  std::uint32_t key() const;
  // True when the driver yields the sort order (no sort step).
  bool ordered() const;
};

std::string list_sql(const Shape& s);

// Relevance (lister_relevance.cpp): the matches of one tier in a seq range,
// newest first, with their rank, filtered as `s` says (driver kSearch):
// columns seq, id, brisk_rank. ?12 is bound to the tier's query.
std::string window_sql(const Shape& s);

// The FTS5 query of tier 0 (every word in the title) or 1 (the other
// matches) of a search whose FTS5 query is `search` (store::search_text).
std::string tier_query(std::string_view search, int tier);

// The matches a relevance window holds (lister_relevance.cpp).
inline constexpr std::int64_t kRelevanceWindow = 1000;

// Bounded counts that decide between drivers.
enum class Probe : std::uint8_t { kStatus, kPriority, kDue, kTag, kSearch };
std::string probe_sql(Probe p);

// The longest prefix tasks_fts indexes whole (migration 008), in characters.
inline constexpr std::size_t kIndexedPrefix = 6;

// The search text Probe::kSearch counts: `terms` with each word's last
// token cut to kIndexedPrefix characters. It matches every task `terms`
// matches (a shorter prefix, a superset), so a count under the cap is still
// proof that the search is rare; and tasks_fts answers it from a prefix
// index, row by row, where a longer prefix ("meeting"*) first merges the row
// lists of every token it begins (15 ms at 1M tasks) before the first row.
std::string probe_search_text(const SearchTerms& terms);

// The match count below which a filter drives, for a page of `limit` rows
// among about `total` tasks (see above), at most kMaxProbe.
inline constexpr std::int64_t kMaxProbe = 2000;
std::int64_t probe_cap(int limit, std::int64_t total);

// Counts the matches of one filter, up to the cap; for kTag, of tag number
// `tag` of the query.
using ProbeFn = std::function<std::int64_t(Probe p, std::size_t tag)>;

// VM steps a hedged walk may take (about 5 to 15 per row examined: some
// 10 ms of work).
inline constexpr int kWalkBudgetSteps = 100'000;
// A walk checking a search per row (Shape::search_row) costs more per row
// examined (~30 VM steps, ~5 us: the row's text tokenized): its budget is
// some 1,300 rows (~6 ms), enough for a page of a word in about one task in
// ten; a walk that projects far past it stops sooner (Lister).
inline constexpr int kSearchWalkBudgetSteps = 40'000;

struct Plan {
  Shape shape;
  std::size_t tag = 0;  // the tag bound to kParamTag (driving tag)
  // A hedged walk: `fallback` serves the rest of the page if the walk
  // exceeds its budget (the runner sets its position: after_position).
  bool hedged = false;
  int budget = kWalkBudgetSteps;  // VM steps, when hedged
  Shape fallback;
  std::size_t fallback_tag = 0;
};

// Plans the phase with or without due_at (`null_group`) of `q`. Calls
// `probe` only for filters that could drive (counting up to `cap`).
Plan plan(const ListSpec& q, bool null_group, std::int64_t cap, const ProbeFn& probe);

// `s` (a plan's shape or fallback, made with every bound) set to continue
// after a position of `q` or not (fallback.after is known only when the
// walk before it ends).
Shape after_position(Shape s, const ListSpec& q, bool after);

}  // namespace brisk::store::sqlite
