// Column tables: a row type's columns declared once, as (name, member)
// pairs, so that every backend writes its SQL column lists and binds its
// parameters from the same table (no column is listed by hand twice).
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "util/uuid.hpp"

namespace brisk::store {

template <class Row>
struct Column {
  std::string_view name;
  // The member that holds the column's value; its type decides the SQL
  // type (16-byte blob, integer, nullable integer, text).
  std::variant<util::Uuid Row::*, std::int64_t Row::*, std::optional<std::int64_t> Row::*,
               std::string Row::*>
      member;
  // Rewritten by an update (false: the row's identity, fixed at insert).
  bool updatable = false;
};

// "a, b, c" of the columns' names.
template <class Row>
std::string column_names(std::span<const Column<Row>> cols) {
  std::string s;
  for (const Column<Row>& c : cols) {
    if (!s.empty()) s += ", ";
    s += c.name;
  }
  return s;
}

// Calls one of `visit`'s overloads with each column's index and value in
// `row`: (int, const util::Uuid&), (int, std::int64_t),
// (int, const std::optional<std::int64_t>&), (int, const std::string&).
template <class Row, class Visit>
void for_each_value(std::span<const Column<Row>> cols, const Row& row, Visit&& visit) {
  int i = 0;
  for (const Column<Row>& c : cols) {
    std::visit([&](auto member) { visit(i, row.*member); }, c.member);
    ++i;
  }
}

}  // namespace brisk::store
