// Text helpers shared by the HTTP layer and the API: UTF-8 facts, base64url,
// percent-decoding, ASCII case folding.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace brisk::util {

// Number of Unicode code points in s. Precondition: s is valid UTF-8
// (simdjson has validated every string that reaches the models).
std::size_t utf8_code_points(std::string_view s);

// True when s is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool utf8_valid(std::string_view s);

// True when every code point of s has the Unicode White_Space property
// (U+0009..U+000D, U+0020, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028,
// U+2029, U+202F, U+205F, U+3000). True for the empty string.
// Precondition: s is valid UTF-8.
bool utf8_all_white_space(std::string_view s);

// True when s holds no C0 control character (U+0000..U+001F) and no DEL.
constexpr bool no_control_chars(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

// base64url (RFC 4648 section 5) without padding.
std::string base64url_encode(std::string_view bytes);
// Decodes unpadded base64url; returns false on any other character, on an
// impossible length (len % 4 == 1) or on non-zero trailing bits.
bool base64url_decode(std::string_view text, std::string& out);

// Decodes a query-string component: %XX escapes and '+' as space. Returns
// false on a malformed escape ("%", "%4", "%zz") or if the result is not valid
// UTF-8. out is cleared first.
bool percent_decode(std::string_view in, std::string& out);

// ASCII-only case-insensitive equality (HTTP tokens, media types).
bool iequals(std::string_view a, std::string_view b);

// `s` without leading and trailing optional white space (HTTP's OWS: spaces
// and tabs).
constexpr std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls fn(item) for each trimmed, non-empty item of a list separated by
// `sep` (HTTP's comma lists "a, b,,c"; parameters "x; q=1" with ';').
template <class Fn>
constexpr void for_each_item(std::string_view list, Fn&& fn, char sep = ',') {
  while (!list.empty()) {
    auto at = list.find(sep);
    std::string_view item = trim(list.substr(0, at));
    list = at == std::string_view::npos ? std::string_view{} : list.substr(at + 1);
    if (!item.empty()) fn(item);
  }
}

}  // namespace brisk::util
