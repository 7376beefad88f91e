// GET /tasks on PostgreSQL: one statement per page, made of fixed fragments
// with numbered parameters (user text is only ever bound), so that equal
// query shapes give equal SQL and share one prepared statement.
//
// Orders (API.md): the sort key then id, in the same direction; due_at puts
// tasks without one last either way (two index ranges in one UNION ALL);
// title compares title_key (ASCII letters lowered) byte by byte; relevance
// is ts_rank with title above tags above description, best first, ties
// newest first. A page asks for limit + 1 rows: the extra one says whether
// more follow. Positions (cursors) mean what they mean on SQLite.
#pragma once
#include <libpq-fe.h>

#include <string>

#include "store/list_spec.hpp"
#include "store/postgres/pg.hpp"

namespace brisk::store::postgres {

struct ListQuery {
  std::string sql;
  Params params;
};

// The statement and parameters of one page of `q`.
ListQuery list_query(const ListSpec& q);

// The position of row `row` of a page's result (columns: body, id, key).
void position_of(const PGresult* r, int row, SortKey sort, ListPosition& out);

}  // namespace brisk::store::postgres
