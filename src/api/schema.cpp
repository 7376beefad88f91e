#include "api/schema.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>

#include <simdjson.h>

namespace brisk::api::detail {

namespace {

void write_element(util::JsonWriter& w, simdjson::dom::element e) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::OBJECT:
      w.StartObject();
      for (auto [k, v] : simdjson::dom::object(e)) {
        w.Key(k);
        write_element(w, v);
      }
      w.EndObject();
      return;
    case element_type::ARRAY:
      w.StartArray();
      for (simdjson::dom::element v : simdjson::dom::array(e)) write_element(w, v);
      w.EndArray();
      return;
    case element_type::STRING:
      w.String(std::string_view(e));
      return;
    case element_type::INT64:
      w.Int64(std::int64_t(e));
      return;
    case element_type::UINT64:
      w.Uint64(std::uint64_t(e));
      return;
    case element_type::DOUBLE:
      w.Double(double(e));
      return;
    case element_type::BOOL:
      w.Bool(bool(e));
      return;
    case element_type::NULL_VALUE:
      w.Null();
      return;
  }
}

void put_int(util::JsonWriter& w, std::string_view key, std::int64_t v) {
  w.Key(key);
  w.Int64(v);
}
void put_str(util::JsonWriter& w, std::string_view key, std::string_view v) {
  w.Key(key);
  w.String(v);
}
void put_bool(util::JsonWriter& w, std::string_view key, bool v) {
  w.Key(key);
  w.Bool(v);
}

void write_type(util::JsonWriter& w, std::string_view type, bool nullable) {
  w.Key("type");
  if (!nullable) {
    w.String(type);
    return;
  }
  w.StartArray();
  w.String(type);
  w.String("null");
  w.EndArray();
}

void write_field(const FieldSchema& f, SchemaVariant variant, util::JsonWriter& w) {
  w.StartObject();
  switch (f.type) {
    case FieldType::kString:
      write_type(w, "string", false);
      if (f.min > 0) put_int(w, "minLength", f.min);
      put_int(w, "maxLength", f.max);
      // A field has at most one pattern: a field with both its own pattern
      // and not_blank declares a pattern that says both (tasks' title).
      if (!f.pattern.empty()) {
        put_str(w, "pattern", f.pattern);
      } else if (f.not_blank) {
        put_str(w, "pattern", kNotBlankPattern);
      }
      break;
    case FieldType::kInteger:
      write_type(w, "integer", false);
      put_int(w, "minimum", f.min);
      if (f.max != INT64_MAX) put_int(w, "maximum", f.max);
      break;
    case FieldType::kEnum:
      write_type(w, "string", false);
      w.Key("enum");
      w.StartArray();
      for (std::string_view v : f.enum_values) w.String(v);
      w.EndArray();
      break;
    case FieldType::kDateTime:
      write_type(w, "string", f.nullable);
      put_str(w, "format", "date-time");
      break;
    case FieldType::kStringList:
      write_type(w, "array", false);
      w.Key("items");
      w.StartObject();
      put_str(w, "type", "string");
      if (f.item_min > 0) put_int(w, "minLength", f.item_min);
      put_int(w, "maxLength", f.item_max);
      if (!f.pattern.empty()) put_str(w, "pattern", f.pattern);
      w.EndObject();
      if (f.min > 0) put_int(w, "minItems", f.min);
      put_int(w, "maxItems", f.max);
      if (f.unique) put_bool(w, "uniqueItems", true);
      break;
    case FieldType::kUuid:
      write_type(w, "string", false);
      put_str(w, "format", "uuid");
      break;
  }
  if (!f.description.empty()) put_str(w, "description", f.description);
  if (variant == SchemaVariant::kCreate && !f.default_json.empty()) {
    w.Key("default");
    write_json_text(w, f.default_json);
  }
  if (variant == SchemaVariant::kRead && f.read_only) put_bool(w, "readOnly", true);
  if (!f.example.empty()) {
    w.Key("examples");
    w.StartArray();
    write_json_text(w, f.example);
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace

void write_json_text(util::JsonWriter& w, std::string_view json) {
  // One parser per thread, reused: the document has a few hundred fragments.
  // Not re-entrant, which write_element never needs.
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element e;
  if (parser.parse(padded).get(e)) {
    throw std::logic_error("malformed JSON text in an API description: " + std::string(json));
  }
  write_element(w, e);
}

void write_model_schema(std::string_view model_description, std::span<const FieldSchema> fields,
                        SchemaVariant variant, util::JsonWriter& w) {
  // Request bodies carry only the writable fields: a read-only one is
  // rejected, which additionalProperties:false says.
  auto included = [&](const FieldSchema& f) {
    return variant == SchemaVariant::kRead || !f.read_only;
  };
  w.StartObject();
  put_str(w, "type", "object");
  if (!model_description.empty()) put_str(w, "description", model_description);
  w.Key("properties");
  w.StartObject();
  for (const FieldSchema& f : fields) {
    if (!included(f)) continue;
    w.Key(f.name);
    write_field(f, variant, w);
  }
  w.EndObject();
  if (variant != SchemaVariant::kUpdate) {
    // Served objects always have every field; a create needs the required ones.
    w.Key("required");
    w.StartArray();
    for (const FieldSchema& f : fields) {
      if (variant == SchemaVariant::kRead || (included(f) && f.required)) w.String(f.name);
    }
    w.EndArray();
  } else {
    put_int(w, "minProperties", 1);
  }
  if (variant != SchemaVariant::kRead) put_bool(w, "additionalProperties", false);
  w.Key("examples");
  w.StartArray();
  w.StartObject();
  for (const FieldSchema& f : fields) {
    if (!included(f) || f.example.empty()) continue;
    w.Key(f.name);
    write_json_text(w, f.example);
  }
  w.EndObject();
  w.EndArray();
  w.EndObject();
}

}  // namespace brisk::api::detail
