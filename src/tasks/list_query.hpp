// GET /tasks query parameters: their declaration and parsing into a
// store::ListQuery, with every problem reported under loc ["query", name].
#pragma once
#include <span>
#include <string>

#include "api/errors.hpp"
#include "api/query.hpp"
#include "store/store.hpp"
#include "tasks/cursor.hpp"

namespace brisk::tasks {

inline constexpr int kDefaultLimit = 100;
inline constexpr int kMaxLimit = 1000;

std::span<const api::QueryParamDecl> list_params();

struct ListRequest {
  store::ListQuery query;
  std::string context;  // what a cursor must fit (owner and filters)
};

// Parses `raw` for `owner`; returns false with errors filled on bad input.
bool parse_list_request(std::string_view raw, store::Owner owner, const CursorCodec& cursors,
                        ListRequest& out, api::Errors& errs);

}  // namespace brisk::tasks
