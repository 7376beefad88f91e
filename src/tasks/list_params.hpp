// GET /tasks query parameters: their declaration and parsing into a
// store::ListSpec, with every problem reported under loc ["query", name].
#pragma once
#include <cstdint>
#include <span>
#include <string>

#include "api/errors.hpp"
#include "api/query.hpp"
#include "store/store.hpp"
#include "tasks/cursor.hpp"

namespace brisk::tasks {

inline constexpr int kDefaultLimit = 100;
inline constexpr int kMaxLimit = 1000;
inline constexpr int kMaxQueryTags = 20;      // a task has at most 20 tags
inline constexpr int kMaxSearchLength = 500;  // code points of q

std::span<const api::QueryParamDecl> list_params();

struct ListRequest {
  store::ListSpec query;
  std::uint8_t sort_code = 0;  // what a cursor records of the order (sort_code())
  std::string context;         // what a cursor must fit (owner, filters, order)
};

// The cursor code of an order: 2 * key + (ascending ? 1 : 0) for created_at,
// updated_at, priority, due_at, title (so 0 is the default -created_at), and
// 10 for relevance.
std::uint8_t sort_code(store::SortKey key, bool descending);

// Parses `raw` for `owner`; returns false with errors filled on bad input.
bool parse_list_request(std::string_view raw, store::Owner owner, const CursorCodec& cursors,
                        ListRequest& out, api::Errors& errs);

// The cursor that continues after `last` (a page's last row) in `req`'s order.
std::string next_cursor(const ListRequest& req, const store::ListPosition& last,
                        const CursorCodec& cursors);

}  // namespace brisk::tasks
