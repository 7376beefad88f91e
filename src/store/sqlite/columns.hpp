// SQLite's side of the column tables (store/columns.hpp): parameter lists
// and binding, so each statement's columns come from the row type's one
// table.
#pragma once
#include <span>
#include <string>
#include <string_view>

#include "store/columns.hpp"
#include "store/sqlite/db.hpp"

namespace brisk::store::sqlite {

// Binds one value to parameter `i`: a UUID as a 16-byte blob, an absent
// optional as NULL. Bound views must outlive the statement's step.
inline void bind_value(Stmt& s, int i, const util::Uuid& v) {
  s.bind_blob(i, v.bytes.data(), v.bytes.size());
}
inline void bind_value(Stmt& s, int i, std::int64_t v) {
  s.bind(i, v);
}
inline void bind_value(Stmt& s, int i, const std::optional<std::int64_t>& v) {
  if (v) {
    s.bind(i, *v);
  } else {
    s.bind_null(i);
  }
}
inline void bind_value(Stmt& s, int i, const std::string& v) {
  s.bind(i, std::string_view(v));
}

// Binds the values of `row` for `cols` to parameters first, first+1, ...
template <class Row>
void bind_columns(Stmt& s, int first, std::span<const Column<Row>> cols, const Row& row) {
  for_each_value(cols, row, [&](int i, const auto& v) { bind_value(s, first + i, v); });
}

// Binds the updatable columns of `row`, in table order, from `first`;
// returns the next free parameter number.
template <class Row>
int bind_updatable(Stmt& s, int first, std::span<const Column<Row>> cols, const Row& row) {
  int n = first;
  for_each_value(cols, row, [&](int i, const auto& v) {
    if (cols[static_cast<std::size_t>(i)].updatable) bind_value(s, n++, v);
  });
  return n;
}

// "a = ?1, b = ?2" for the updatable columns, numbered from 1.
template <class Row>
std::string set_list(std::span<const Column<Row>> cols) {
  std::string s;
  int n = 1;
  for (const Column<Row>& c : cols) {
    if (!c.updatable) continue;
    if (!s.empty()) s += ", ";
    s += std::string(c.name) + " = ?" + std::to_string(n++);
  }
  return s;
}

template <class Row>
constexpr int updatable_count(std::span<const Column<Row>> cols) {
  int n = 0;
  for (const Column<Row>& c : cols) n += c.updatable ? 1 : 0;
  return n;
}

// "INSERT INTO table (cols[, extra]) VALUES (?,...),(?,...)": `rows` groups
// of parameters, numbered in order from ?1.
std::string insert_sql(std::string_view table, std::string_view columns, int per_row,
                       std::size_t rows);

}  // namespace brisk::store::sqlite
