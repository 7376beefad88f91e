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

}  // namespace brisk::api::detail
