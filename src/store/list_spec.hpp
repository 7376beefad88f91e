// What GET /tasks asks of the store: filters, one sort order, a page size
// and the position to continue after. Backend-neutral, and free of task
// rules: the task service validates and builds it (src/tasks/list_params),
// each backend plans and runs it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/owner.hpp"
#include "store/search.hpp"
#include "util/uuid.hpp"

namespace brisk::store {

enum class SortKey : std::uint8_t { kCreatedAt, kUpdatedAt, kPriority, kDueAt, kTitle, kRelevance };

// A row's place in the order: its sort key and id. Which key field is used
// depends on the sort: `num` for created_at, updated_at, priority and due_at
// (Unix ms), `text` for title (the title with ASCII letters lowered),
// `rank` for relevance (lower is better). `null_key`: a due_at sort row
// without due_at (those come last, ordered by id).
//
// Relevance ranks the matches in windows (docs/DECISIONS.md, "Search at
// scale"): `tier` 0 holds the tasks whose title matches every word, tier 1
// the others; a window is the matches of one tier whose seq (the order
// tasks were stored in) lies in [window_low, window_high), and (rank, id)
// is the place in that window.
struct ListPosition {
  bool null_key = false;
  std::int64_t num = 0;
  double rank = 0;
  int tier = 0;
  std::int64_t window_low = 0, window_high = 0;
  std::string text;
  util::Uuid id;
};

struct ListSpec {
  Owner owner = kLocalOwner;
  unsigned status_mask = 0;  // bit i: status code i; 0: any status
  // Inclusive bounds on priority; absent: unbounded.
  std::optional<std::int64_t> priority_min, priority_max;
  // Exclusive bounds on due_at (Unix ms); a task without due_at never matches.
  std::optional<std::int64_t> due_after, due_before;
  std::vector<std::string> tags;       // distinct; a task must carry all of them
  SearchTerms search;                  // empty: no search; every word must match
  SortKey sort = SortKey::kCreatedAt;  // kRelevance needs `search`
  // Ties by id in the same direction (relevance: by tier, then windows of
  // the newest matches, each best first, ties newest first).
  bool descending = true;
  int limit = 100;         // rows per page
  bool has_after = false;  // continue strictly after `after`
  ListPosition after;

  bool priority_filtered() const { return priority_min.has_value() || priority_max.has_value(); }
  bool due_filtered() const { return due_after.has_value() || due_before.has_value(); }
};

// The end of a page: whether more rows follow, and if so the position of
// the last row served (what the next cursor encodes).
struct ListPage {
  bool more = false;
  ListPosition last;
};

}  // namespace brisk::store
