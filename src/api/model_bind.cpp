#include "api/model_bind.hpp"

namespace brisk::api::detail {

std::string enum_message(std::span<const std::string_view> values) {
  std::string msg = "Input should be ";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) msg += i + 1 == values.size() ? " or " : ", ";
    msg += "'";
    msg += values[i];
    msg += "'";
  }
  return msg;
}

std::string plural(std::int64_t n, std::string_view unit) {
  std::string s = std::to_string(n) + " ";
  s += unit;
  if (n != 1) s += "s";
  return s;
}

std::optional<std::int64_t> bind_int64(std::string_view name, simdjson::dom::element v,
                                       std::int64_t min, std::int64_t max, Errors& errs) {
  using simdjson::dom::element_type;
  // Integers beyond int64 arrive as UINT64, or as huge doubles after
  // rewrite_big_integers: a range error, like any other too-large value.
  double d = 0;
  const bool huge =
      v.type() == element_type::UINT64 ||
      (v.type() == element_type::DOUBLE && !v.get_double().get(d) && (d >= 9.2e18 || d <= -9.2e18));
  std::int64_t i = 0;
  if (!huge && (v.type() != element_type::INT64 || v.get_int64().get(i))) {
    add(errs, name, -1, "int_type", "Input should be a valid integer");
    return std::nullopt;
  }
  const bool low = huge ? v.type() == element_type::DOUBLE && d < 0 : i < min;
  if (low) {
    add(errs, name, -1, "greater_than_equal",
        "Input should be greater than or equal to " + std::to_string(min));
    return std::nullopt;
  }
  if (huge || i > max) {
    add(errs, name, -1, "less_than_equal",
        "Input should be less than or equal to " + std::to_string(max));
    return std::nullopt;
  }
  return i;
}

bool bind_time(std::string_view name, simdjson::dom::element v, bool nullable,
               std::optional<std::int64_t>& out, Errors& errs) {
  if (v.is_null() && nullable) {
    out.reset();
    return true;
  }
  std::string_view s;
  if (v.get_string().get(s)) {
    add(errs, name, -1, "datetime_type",
        nullable ? "Input should be an RFC 3339 date-time string or null"
                 : "Input should be an RFC 3339 date-time string");
    return false;
  }
  out = util::parse_rfc3339(s);
  if (!out) {
    add(errs, name, -1, "datetime_parsing",
        "Input should be an RFC 3339 date-time such as 2026-11-22T09:30:00.000Z");
    return false;
  }
  return true;
}

}  // namespace brisk::api::detail
