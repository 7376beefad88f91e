// Declarative models. A model is a list of fields, each with its JSON name,
// type, constraints and the member of a C++ struct it binds to. From that one
// declaration brisk parses and validates request bodies (bind), serializes
// responses (write_object) and emits the JSON Schema (api/schema.hpp's
// write_schema), so adding a field changes all three together.
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
  std::string_view example = {};       // JSON text, for the OpenAPI document
  std::string_view default_json = {};  // JSON text of the default, if any
  // Strings: a regular expression (JSON Schema `pattern`) and the check
  // that implements it (no regex engine on the request path).
  std::string_view pattern = {};
  bool (*pattern_ok)(std::string_view) = nullptr;

  bool nullable() const { return nullable_time != nullptr; }
};

template <class T>
struct Model {
  std::string_view name;
  std::span<const Field<T>> fields;
  std::string_view description = {};  // for the JSON Schema
};

// How a body binds: create (required fields enforced), update (any subset,
// at least one), stored (trusted text from the database; read-only allowed).
enum class Mode : std::uint8_t { kCreate, kUpdate, kStored };

// Bit i set: field i was present in the body. Models have at most 32 fields.
using FieldMask = std::uint32_t;

}  // namespace brisk::api
