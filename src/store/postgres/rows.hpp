// Rows as PostgreSQL sees them, from the column tables (store/columns.hpp):
// each column's SQL type, a row's parameters, and a user read back. Adding a
// column to a table changes the SQL and the bindings here, never by hand.
#pragma once
#include <span>
#include <string>

#include "store/postgres/pg.hpp"
#include "store/task_row.hpp"
#include "store/user_row.hpp"

namespace brisk::store::postgres {

inline constexpr std::span<const Column<TaskRow>> kTaskCols(kTaskColumns);
inline constexpr std::span<const Column<UserRow>> kUserCols(kUserColumns);

// Titles may hold U+0000, which neither PostgreSQL's text nor libpq's text
// parameters (C strings) can carry: the title travels and is kept as bytea.
inline bool as_bytes(const Column<TaskRow>& c) {
  return c.name == "title";
}

template <class Row>
const char* sql_type(const Column<Row>& c) {
  if constexpr (std::is_same_v<Row, TaskRow>) {
    if (as_bytes(c)) return "bytea";
  }
  switch (c.member.index()) {
    case 0:
      return "uuid";
    case 1:
    case 2:
      return "bigint";
    default:
      return "text";
  }
}

// "$first::uuid, $(first+1)::bigint, ..." for every column of `cols`.
template <class Row>
std::string placeholders(std::span<const Column<Row>> cols, int first) {
  std::string s;
  int n = first;
  for (const Column<Row>& c : cols) {
    if (!s.empty()) s += ", ";
    s += "$" + std::to_string(n++) + "::" + sql_type(c);
  }
  return s;
}

// Appends the values of `row`'s columns (only the updatable ones if
// `updatable_only`) to `p`, in the table's order.
template <class Row>
void bind_columns(Params& p, std::span<const Column<Row>> cols, const Row& row,
                  bool updatable_only) {
  for_each_value(cols, row, [&](int i, const auto& v) {
    const Column<Row>& c = cols[static_cast<std::size_t>(i)];
    if (updatable_only && !c.updatable) return;
    using V = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<V, util::Uuid>) {
      p.uuid(v);
    } else if constexpr (std::is_same_v<V, std::string>) {
      bool bytes = false;
      if constexpr (std::is_same_v<Row, TaskRow>) bytes = as_bytes(c);
      if (bytes) {
        p.bytea(v);
      } else {
        p.text(v);
      }
    } else {
      p.integer(v);
    }
  });
}

// "SELECT owner, <user columns> FROM users " (a WHERE or ORDER BY follows).
std::string select_users();
// The user of row `row` of a result of select_users().
UserRow user_at(const PGresult* r, int row);

}  // namespace brisk::store::postgres
