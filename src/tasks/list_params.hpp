// GET /tasks query parameters: their declaration (types and limits taken
// from the task model's fields, so each limit is written once) and parsing
// into a store::ListSpec, with every problem reported under loc
// ["query", name].
#pragma once
#include <cstdint>
#include <span>
#include <string>

#include "api/errors.hpp"
#include "api/query.hpp"
#include "store/store.hpp"
#include "tasks/cursor.hpp"

namespace brisk::tasks {

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

// What a cursor of `q` (for `owner`) must fit: a canonical form of the
// owner, the filters and the order (list_cursor.cpp).
std::string cursor_context(const store::ListSpec& q, store::Owner owner);

// Applies a decoded cursor to `out`; false (and an error) if it does not fit.
bool apply_cursor(std::string_view cursor, const CursorCodec& cursors, ListRequest& out,
                  api::Errors& errs);

}  // namespace brisk::tasks
