// What GET /tasks asks of the store: filters, one sort order, a page size and
// the position to continue after. Backend-neutral; the SQLite reader plans
// and runs it (sqlite/lister.hpp).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/uuid.hpp"

namespace brisk::store {

using Owner = std::int64_t;
// The owner of every task when authentication is off.
inline constexpr Owner kLocalOwner = 0;

enum class SortKey : std::uint8_t { kCreatedAt, kUpdatedAt, kPriority, kDueAt, kTitle, kRelevance };

// A row's place in the order: its sort key and id. Which key field is used
// depends on the sort: `num` for created_at, updated_at, priority and due_at
// (Unix ms), `text` for title (the title with ASCII letters lowered),
// `rank` for relevance (bm25, lower is better). `null_key`: a due_at sort
// row without due_at (those come last, ordered by id).
struct ListPosition {
  bool null_key = false;
  std::int64_t num = 0;
  double rank = 0;
  std::string text;
  util::Uuid id;
};

inline constexpr int kMinPriority = 1;
inline constexpr int kMaxPriority = 5;

struct ListQuery {
  Owner owner = kLocalOwner;
  unsigned status_mask = 0;  // bit per tasks::Status; 0: any status
  // Inclusive; the full 1..5 range means no priority filter.
  std::int64_t priority_min = kMinPriority;
  std::int64_t priority_max = kMaxPriority;
  // Exclusive bounds on due_at (Unix ms); a task without due_at never matches.
  std::optional<std::int64_t> due_after, due_before;
  std::vector<std::string> tags;  // distinct; a task must carry all of them
  // The backend's full-text query from build_search() (store/search.hpp);
  // empty: no search. Every word must match.
  std::string search;
  SortKey sort = SortKey::kCreatedAt;  // kRelevance needs `search`
  bool descending =
      true;         // ties by id in the same direction (relevance: best first, ties newest first)
  int limit = 100;  // rows per page
  bool has_after = false;  // continue strictly after `after`
  ListPosition after;

  bool priority_filtered() const {
    return priority_min > kMinPriority || priority_max < kMaxPriority;
  }
  bool due_filtered() const { return due_after.has_value() || due_before.has_value(); }
};

// The end of a page: whether more rows follow, and if so the position of
// the last row served (what the next cursor encodes).
struct ListPage {
  bool more = false;
  ListPosition last;
};

}  // namespace brisk::store
