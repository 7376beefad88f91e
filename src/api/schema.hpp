// JSON Schema 2020-12 of a model, from the same Field declarations that
// bind() validates with, so the document cannot drift from validation.
#pragma once
#include <string_view>

#include "api/model.hpp"
#include "api/model_bind.hpp"
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
  // Defaults are the values of a default-constructed T, written as JSON.
  const T defaults{};
  std::string default_json[kMaxFields];
  std::size_t n = 0;
  for (const Field<T>& f : m.fields) {
    if (f.has_default()) {
      util::JsonWriter dw(default_json[n]);
      detail::write_value(f, defaults, dw);
    }
    views[n] = {f.name,        f.type,    f.min,           f.max,       f.item_min,   f.item_max,
                f.not_blank,   f.unique,  f.required,      f.read_only, f.nullable(), f.enum_values,
                f.description, f.example, default_json[n], f.pattern};
    ++n;
  }
  detail::write_model_schema(m.description, std::span(views, n), variant, w);
}

// A SchemaDoc writer for model M in variant V:
//   const api::SchemaDoc kTaskSchema{"Task", &api::model_schema<Task, kTaskModel, kRead>};
template <class T, const Model<T>& M, SchemaVariant V>
void model_schema(util::JsonWriter& w) {
  write_schema(M, V, w);
}

// An example object of model M, made of its fields' examples, with some
// fields' examples replaced: `overrides` holds {name, JSON text} pairs.
struct ExampleOverride {
  std::string_view name;
  std::string_view json;
};

template <class T>
void write_example(const Model<T>& m, util::JsonWriter& w,
                   std::span<const ExampleOverride> overrides = {}) {
  w.StartObject();
  for (const Field<T>& f : m.fields) {
    std::string_view json = f.example;
    for (const ExampleOverride& o : overrides) {
      if (o.name == f.name) json = o.json;
    }
    if (json.empty()) continue;
    w.Key(f.name);
    detail::write_json_text(w, json);
  }
  w.EndObject();
}

// A ResponseDoc::write_example of model M, as its fields' examples say.
template <class T, const Model<T>& M>
void model_example(util::JsonWriter& w) {
  write_example(M, w);
}

// The `pattern` of a string that is not only Unicode White_Space (the
// not_blank rule): one character outside the White_Space property.
inline constexpr std::string_view kNotBlankPattern =
    "[^\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";

}  // namespace brisk::api
