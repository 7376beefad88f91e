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
//    matches few rows (a bounded count through its own index says fewer
//    than its probe cap), that filter's index drives instead, and its
//    matches are sorted.
// INDEXED BY / NOT INDEXED / CROSS JOIN pin the plan, so it does not depend
// on statistics; list_plan_test.cpp checks every shape with EXPLAIN QUERY PLAN.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "store/list_query.hpp"

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
};

enum class Driver : std::uint8_t {
  kSortIndex,      // the sort key's index (owner, key, id), walked in order
  kStatusIndex,    // (owner, status, created_at, id): in order for one status and created_at
  kPriorityIndex,  // (owner, priority, id) range, then sorted
  kDueIndex,       // (owner, due_at, id) range, then sorted
  kTag,            // task_tags (owner, tag, created_at, id): in order for created_at
  kSearch,         // tasks_fts MATCH, then sorted
};

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
  bool after = false;       // continue after (key, id)

  std::uint32_t key() const;
  // True when the driver yields the sort order (no sort step).
  bool ordered() const;
};

std::string list_sql(const Shape& s);

// Bounded counts that decide between drivers.
enum class Probe : std::uint8_t { kStatus, kPriority, kDue, kTag, kSearch };
inline constexpr std::int64_t kProbeCap = 2000;
// Searching is dearer per row than an index check (FTS5 evaluates the whole
// query for each row it is asked about), so it drives up to more matches.
inline constexpr std::int64_t kSearchProbeCap = 8000;
std::int64_t probe_cap(Probe p);
std::string probe_sql(Probe p);

// Counts the matches of one filter, up to probe_cap(p); for kTag, of tag
// number `tag` of the query.
using ProbeFn = std::function<std::int64_t(Probe p, std::size_t tag)>;

struct Plan {
  Shape shape;
  std::size_t tag = 0;  // the tag bound to kParamTag (driving tag)
};

// Plans the phase with or without due_at (`null_group`) of `q`. Calls
// `probe` only for filters that could drive, and at most once per filter
// across phases if the caller memoizes.
Plan plan(const ListQuery& q, bool null_group, const ProbeFn& probe);

}  // namespace brisk::store::sqlite
