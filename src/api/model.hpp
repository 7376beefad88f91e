// Declarative models. A model is a list of fields, each with its JSON name,
// type, constraints and the member of a C++ struct it binds to. From that one
// declaration brisk parses and validates request bodies (bind), serializes
// responses (write_object), emits the JSON Schema (api/schema.hpp's
// write_schema) with defaults taken from a default-constructed struct and
// examples built from the fields', so adding a field changes all of them
// together. check_model() (in a static_assert next to each table) refuses
// at compile time a field bound to a member of the wrong type, a member of
// the struct without a field, or a repeated name.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/uuid.hpp"

namespace brisk::api {

enum class FieldType : std::uint8_t {
  kString,      // std::string member; min/max in code points
  kInteger,     // std::int64_t member; min/max are the value range
  kEnum,        // std::int64_t member holding the index into enum_values
  kDateTime,    // std::int64_t (Unix ms) or, if nullable, std::optional<std::int64_t>
  kStringList,  // std::vector<std::string>; min/max items, item_min/item_max code points
  kUuid,        // util::Uuid
};

template <class T>
struct Field {
  std::string_view name;
  FieldType type;
  // The bound member: exactly one is set, matching `type`.
  std::string T::*str = nullptr;
  std::int64_t T::*integer = nullptr;
  std::optional<std::int64_t> T::*nullable_time = nullptr;
  std::vector<std::string> T::*list = nullptr;
  util::Uuid T::*uuid = nullptr;
  // Constraints.
  std::int64_t min = 0, max = 0;
  std::int64_t item_min = 0, item_max = 0;
  bool not_blank = false;  // strings: not only Unicode White_Space
  bool unique = false;     // lists: no two equal items
  bool required = false;   // on create
  bool read_only = false;  // set by the server; rejected in requests
  std::span<const std::string_view> enum_values = {};
  std::string_view description = {};
  std::string_view example = {};  // JSON text, for the OpenAPI document
  // Strings (and the items of a list): a regular expression (JSON Schema
  // `pattern`) and the check that implements it (no regex engine on the
  // request path).
  std::string_view pattern = {};
  bool (*pattern_ok)(std::string_view) = nullptr;

  constexpr bool nullable() const { return nullable_time != nullptr; }
  // The field writes a default into schemas: writable and not required.
  constexpr bool has_default() const { return !required && !read_only; }
};

template <class T>
struct Model {
  std::string_view name;
  std::span<const Field<T>> fields;
  std::string_view description = {};  // for the JSON Schema
};

namespace detail {

// Converts to anything: counts the members of an aggregate by trying
// brace-initialization with more and more of these.
struct AnyMember {
  template <class U>
  operator U&() const;  // declared only: used in unevaluated contexts
};

template <class T, class... A>
consteval std::size_t member_count() {
  if constexpr (requires { T{A{}..., AnyMember{}}; }) {
    return member_count<T, A..., AnyMember>();
  } else {
    return sizeof...(A);
  }
}

template <class T>
consteval bool binds_as_typed(const Field<T>& f) {
  const int slots = (f.str != nullptr) + (f.integer != nullptr) + (f.nullable_time != nullptr) +
                    (f.list != nullptr) + (f.uuid != nullptr);
  if (slots != 1) return false;
  switch (f.type) {
    case FieldType::kString:
      return f.str != nullptr && f.enum_values.empty();
    case FieldType::kInteger:
      return f.integer != nullptr && f.min <= f.max && f.enum_values.empty();
    case FieldType::kEnum:
      return f.integer != nullptr && !f.enum_values.empty();
    case FieldType::kDateTime:
      return f.integer != nullptr || f.nullable_time != nullptr;
    case FieldType::kStringList:
      return f.list != nullptr && f.item_min <= f.item_max;
    case FieldType::kUuid:
      return f.uuid != nullptr;
  }
  return false;
}

}  // namespace detail

// True when `fields` declares every member of T once, each bound to a member
// of the field's type, with distinct names and consistent flags: use it in
// a static_assert beside the table.
template <class T, std::size_t N>
consteval bool check_model(const Field<T> (&fields)[N]) {
  if (N != detail::member_count<T>() || N > 32) return false;  // FieldMask has 32 bits
  for (std::size_t i = 0; i < N; ++i) {
    const Field<T>& f = fields[i];
    if (f.name.empty() || !detail::binds_as_typed(f) || (f.required && f.read_only)) return false;
    if (f.pattern.empty() != (f.pattern_ok == nullptr)) return false;
    for (std::size_t j = 0; j < i; ++j) {
      if (fields[j].name == f.name) return false;
    }
  }
  return true;
}

// The index of the field named `name`; not a constant expression (so a
// compile error) when there is none.
template <class T, std::size_t N>
consteval unsigned field_index(const Field<T> (&fields)[N], std::string_view name) {
  for (std::size_t i = 0; i < N; ++i) {
    if (fields[i].name == name) return static_cast<unsigned>(i);
  }
  throw "no field with this name";
}

// How a body binds: create (required fields enforced), update (any subset,
// at least one), stored (trusted text from the database; read-only allowed).
enum class Mode : std::uint8_t { kCreate, kUpdate, kStored };

// Bit i set: field i was present in the body. Models have at most 32 fields.
using FieldMask = std::uint32_t;

}  // namespace brisk::api
