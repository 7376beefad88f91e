// brisk_match(query, title, description, tags): 1 when a task's text
// matches the FTS5 query text `query` (store::search_text) as
// `tasks_fts MATCH query` would for its row, else 0 (store/search_match.hpp).
//
// A walk of a sort index that meets a common word in most rows checks them
// with it (list_plan.hpp); `query` is a bound parameter, parsed once per
// statement (SQLite keeps the parsed form as the argument's auxdata).
#pragma once
#include <sqlite3.h>

namespace brisk::store::sqlite {

inline constexpr const char* kMatchFunction = "brisk_match";

// Registers brisk_match on `db`. False on failure.
bool register_match_function(sqlite3* db);

}  // namespace brisk::store::sqlite
