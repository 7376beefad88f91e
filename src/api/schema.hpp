// JSON Schema 2020-12 of a model, from the same Field declarations that
// bind() validates with, so the document cannot drift from validation.
#pragma once
#include <string_view>

#include "api/model.hpp"
#include "api/operation.hpp"
#include "util/json_writer.hpp"

namespace brisk::api {

// Which schema of a model: as served (every field, read-only ones marked
// readOnly), or a request body: create (required fields, defaults) or
// update (any subset of the writable fields, at least one).
enum class SchemaVariant : std::uint8_t { kRead, kCreate, kUpdate };

namespace detail {

// Type-independent view of one field, so the writer is compiled once.
struct FieldSchema {
  std::string_view name;
  FieldType type;
  std::int64_t min, max, item_min, item_max;
  bool not_blank, unique, required, read_only, nullable;
  std::span<const std::string_view> enum_values;
  std::string_view description, example, default_json;
  std::string_view pattern;  // the field's own `pattern`, if any
};

// Writes the schema of a model from its fields' views.
void write_model_schema(std::string_view model_description, std::span<const FieldSchema> fields,
                        SchemaVariant variant, util::JsonWriter& w);

// Writes already-serialized JSON text as the next value (re-serialized
// through the writer, so malformed text throws std::logic_error instead of
// producing a broken document).
void write_json_text(util::JsonWriter& w, std::string_view json);

}  // namespace detail

template <class T>
void write_schema(const Model<T>& m, SchemaVariant variant, util::JsonWriter& w) {
  constexpr std::size_t kMaxFields = 32;  // FieldMask holds 32 fields
  detail::FieldSchema views[kMaxFields];
  std::size_t n = 0;
  for (const Field<T>& f : m.fields) {
    views[n++] = {f.name,        f.type,      f.min,          f.max,
                  f.item_min,    f.item_max,  f.not_blank,    f.unique,
                  f.required,    f.read_only, f.nullable(),   f.enum_values,
                  f.description, f.example,   f.default_json, f.pattern};
  }
  detail::write_model_schema(m.description, std::span(views, n), variant, w);
}

// A SchemaDoc writer for model M in variant V:
//   const api::SchemaDoc kTaskSchema{"Task", &api::model_schema<Task, kTaskModel, kRead>};
template <class T, const Model<T>& M, SchemaVariant V>
void model_schema(util::JsonWriter& w) {
  write_schema(M, V, w);
}

// The `pattern` of a string that is not only Unicode White_Space (the
// not_blank rule): one character outside the White_Space property.
inline constexpr std::string_view kNotBlankPattern =
    "[^\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";

}  // namespace brisk::api
