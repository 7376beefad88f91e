// bind(): JSON object -> struct, validating every field and collecting every
// error. write_object(): struct -> JSON. Templates over the model's struct.
#pragma once
#include <optional>
#include <string>

#include <simdjson.h>

#include "api/errors.hpp"
#include "api/model.hpp"
#include "util/json_writer.hpp"
#include "util/text.hpp"
#include "util/time.hpp"

namespace brisk::api {

namespace detail {

std::string enum_message(std::span<const std::string_view> values);
std::string plural(std::int64_t n, std::string_view unit);

inline void add(Errors& errs, std::string_view field, int index, std::string_view type,
                std::string msg) {
  errs.push_back(FieldError{"body", std::string(field), index, type, std::move(msg)});
}

// Validates a string value against code point bounds; true if it fits.
inline bool check_length(Errors& errs, std::string_view field, int index, std::string_view s,
                         std::int64_t min, std::int64_t max) {
  auto n = static_cast<std::int64_t>(util::utf8_code_points(s));
  if (n < min) {
    add(errs, field, index, "string_too_short",
        "String should have at least " + plural(min, "character"));
    return false;
  }
  if (n > max) {
    add(errs, field, index, "string_too_long",
        "String should have at most " + plural(max, "character"));
    return false;
  }
  return true;
}

// The checks of one string value (a string field, or one item of a list
// field, `index` >= 0): length in code points, then pattern, then not
// blank. True when the value passes. Stored values (kStored) are only
// length-checked: a row written under an earlier rule must stay readable.
template <class T>
bool check_string(const Field<T>& f, std::string_view s, int index, std::int64_t min,
                  std::int64_t max, Mode mode, Errors& errs) {
  if (!check_length(errs, f.name, index, s, min, max)) return false;
  if (mode == Mode::kStored) return true;
  if (f.pattern_ok && !f.pattern_ok(s)) {
    add(errs, f.name, index, "string_pattern_mismatch",
        "String should match pattern '" + std::string(f.pattern) + "'");
    return false;
  }
  if (f.not_blank && util::utf8_all_white_space(s)) {
    add(errs, f.name, index, "string_blank", "String should not be blank (only white space)");
    return false;
  }
  return true;
}

template <class T>
void bind_string(const Field<T>& f, simdjson::dom::element v, T& out, Mode mode, Errors& errs) {
  std::string_view s;
  if (v.get_string().get(s)) {
    return add(errs, f.name, -1, "string_type", "Input should be a valid string");
  }
  if (check_string(f, s, -1, f.min, f.max, mode, errs)) (out.*f.str).assign(s);
}

// An integer within [min, max]; errors for the wrong type or range.
std::optional<std::int64_t> bind_int64(std::string_view name, simdjson::dom::element v,
                                       std::int64_t min, std::int64_t max, Errors& errs);

template <class T>
void bind_integer(const Field<T>& f, simdjson::dom::element v, T& out, Errors& errs) {
  if (auto i = bind_int64(f.name, v, f.min, f.max, errs)) out.*f.integer = *i;
}

template <class T>
void bind_enum(const Field<T>& f, simdjson::dom::element v, T& out, Errors& errs) {
  std::string_view s;
  if (v.get_string().get(s)) {
    return add(errs, f.name, -1, "string_type", "Input should be a valid string");
  }
  for (std::size_t i = 0; i < f.enum_values.size(); ++i) {
    if (f.enum_values[i] == s) {
      out.*f.integer = static_cast<std::int64_t>(i);
      return;
    }
  }
  add(errs, f.name, -1, "enum", enum_message(f.enum_values));
}

// An RFC 3339 date-time string, or (when `nullable`) null: nullopt for null,
// false on error.
bool bind_time(std::string_view name, simdjson::dom::element v, bool nullable,
               std::optional<std::int64_t>& out, Errors& errs);

template <class T>
void bind_datetime(const Field<T>& f, simdjson::dom::element v, T& out, Errors& errs) {
  std::optional<std::int64_t> t;
  if (!bind_time(f.name, v, f.nullable(), t, errs)) return;
  if (f.nullable()) {
    out.*f.nullable_time = t;
  } else {
    out.*f.integer = *t;
  }
}

template <class T>
void bind_list(const Field<T>& f, simdjson::dom::element v, T& out, Mode mode, Errors& errs) {
  simdjson::dom::array arr;
  if (v.get_array().get(arr))
    return add(errs, f.name, -1, "list_type", "Input should be a valid list");
  auto n = static_cast<std::int64_t>(arr.size());
  if (n > f.max) {
    add(errs, f.name, -1, "too_long",
        "List should have at most " + plural(f.max, "item") + ", not " + std::to_string(n));
  }
  if (n < f.min) {
    add(errs, f.name, -1, "too_short", "List should have at least " + plural(f.min, "item"));
  }
  std::vector<std::string>& dst = out.*f.list;
  dst.clear();
  int idx = 0;
  for (simdjson::dom::element item : arr) {
    std::string_view s;
    if (item.get_string().get(s)) {
      add(errs, f.name, idx, "string_type", "Input should be a valid string");
    } else if (check_string(f, s, idx, f.item_min, f.item_max, mode, errs)) {
      bool dup = false;
      if (f.unique) {
        for (const std::string& prev : dst) dup = dup || prev == s;
      }
      if (dup) {
        add(errs, f.name, idx, "list_unique",
            "List items should be unique; this one repeats an earlier item");
      }
      if (!dup && static_cast<std::int64_t>(dst.size()) < f.max) dst.emplace_back(s);
    }
    ++idx;
  }
}

template <class T>
void bind_uuid(const Field<T>& f, simdjson::dom::element v, T& out, Errors& errs) {
  std::string_view s;
  if (v.get_string().get(s) || !util::parse_uuid(s, out.*f.uuid)) {
    add(errs, f.name, -1, "uuid_parsing", "Input should be a valid UUID");
  }
}

template <class T>
void bind_field(const Field<T>& f, simdjson::dom::element v, T& out, Mode mode, Errors& errs) {
  switch (f.type) {
    case FieldType::kString:
      return bind_string(f, v, out, mode, errs);
    case FieldType::kInteger:
      return bind_integer(f, v, out, errs);
    case FieldType::kEnum:
      return bind_enum(f, v, out, errs);
    case FieldType::kDateTime:
      return bind_datetime(f, v, out, errs);
    case FieldType::kStringList:
      return bind_list(f, v, out, mode, errs);
    case FieldType::kUuid:
      return bind_uuid(f, v, out, errs);
  }
}

// Writes the value of field `f` of `v`.
template <class T>
void write_value(const Field<T>& f, const T& v, util::JsonWriter& w) {
  switch (f.type) {
    case FieldType::kString:
      w.String(v.*f.str);
      return;
    case FieldType::kInteger:
      w.Int64(v.*f.integer);
      return;
    case FieldType::kEnum:
      w.String(f.enum_values[static_cast<std::size_t>(v.*f.integer)]);
      return;
    case FieldType::kDateTime: {
      std::optional<std::int64_t> t = f.nullable() ? v.*f.nullable_time : v.*f.integer;
      if (!t) {
        w.Null();
        return;
      }
      char buf[24];
      util::format_rfc3339_ms(*t, buf);
      w.String(std::string_view(buf, 24));
      return;
    }
    case FieldType::kStringList:
      w.StartArray();
      for (const std::string& s : v.*f.list) w.String(s);
      w.EndArray();
      return;
    case FieldType::kUuid: {
      char buf[36];
      util::format_uuid(v.*f.uuid, buf);
      w.String(std::string_view(buf, 36));
      return;
    }
  }
}

}  // namespace detail

// Binds a JSON value to `out`. `obj` must be an object (the caller answers
// 400 for other top-level types). Returns the mask of present fields; any
// problem is appended to `errs`.
template <class T>
FieldMask bind(const Model<T>& m, simdjson::dom::object obj, Mode mode, T& out, Errors& errs) {
  FieldMask present = 0;
  std::size_t keys = 0;
  for (auto [key, value] : obj) {
    ++keys;
    std::size_t i = 0;
    while (i < m.fields.size() && m.fields[i].name != key) ++i;
    if (i == m.fields.size()) {
      detail::add(errs, key, -1, "extra_forbidden", "Extra inputs are not permitted");
      continue;
    }
    const Field<T>& f = m.fields[i];
    if (present & (FieldMask{1} << i)) {
      detail::add(errs, key, -1, "duplicate_key", "Field appears more than once in the object");
      continue;
    }
    present |= FieldMask{1} << i;
    if (f.read_only && mode != Mode::kStored) {
      detail::add(errs, key, -1, "read_only", "Field is read-only and set by the server");
      continue;
    }
    detail::bind_field(f, value, out, mode, errs);
  }
  if (mode == Mode::kCreate) {
    for (std::size_t i = 0; i < m.fields.size(); ++i) {
      if (m.fields[i].required && !(present & (FieldMask{1} << i))) {
        detail::add(errs, m.fields[i].name, -1, "missing", "Field required");
      }
    }
  }
  if (mode == Mode::kUpdate && keys == 0) {
    errs.push_back(FieldError{"body", "", -1, "no_fields", "At least one field is required"});
  }
  return present;
}

// Writes `v` as a JSON object with every field of the model, in order.
template <class T>
void write_object(const Model<T>& m, const T& v, util::JsonWriter& w) {
  w.StartObject();
  for (const Field<T>& f : m.fields) {
    w.Key(f.name);
    detail::write_value(f, v, w);
  }
  w.EndObject();
}

// Copies the fields selected by `mask` that are not read-only from `src`
// to `dst` (a partial update).
template <class T>
void copy_writable(const Model<T>& m, const T& src, FieldMask mask, T& dst) {
  for (std::size_t i = 0; i < m.fields.size(); ++i) {
    const Field<T>& f = m.fields[i];
    if (f.read_only || !(mask & (FieldMask{1} << i))) continue;
    if (f.str) dst.*f.str = src.*f.str;
    if (f.integer) dst.*f.integer = src.*f.integer;
    if (f.nullable_time) dst.*f.nullable_time = src.*f.nullable_time;
    if (f.list) dst.*f.list = src.*f.list;
    if (f.uuid) dst.*f.uuid = src.*f.uuid;
  }
}

}  // namespace brisk::api
