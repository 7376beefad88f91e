#include "util/text.hpp"

#include <array>

namespace brisk::util {

namespace {

constexpr bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// Decodes one code point at s[pos] and advances pos. Returns -1 (pos
// unspecified) on any ill-formed sequence. Lead/second-byte ranges follow
// Table 3-7 of the Unicode Standard, which excludes overlongs (C0, C1, E0 80..9F,
// F0 80..8F), surrogates (ED A0..BF) and code points above U+10FFFF (F4 90.., F5..FF).
std::int32_t decode(std::string_view s, std::size_t& pos) {
  const auto b0 = static_cast<unsigned char>(s[pos++]);
  if (b0 < 0x80) return b0;
  int len;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  std::int32_t cp;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return -1;
  }
  for (int i = 1; i < len; ++i) {
    if (pos >= s.size()) return -1;  // truncated
    const auto b = static_cast<unsigned char>(s[pos++]);
    if (i == 1 ? (b < lo || b > hi) : !is_continuation(b)) return -1;
    cp = cp << 6 | (b & 0x3F);
  }
  return cp;
}

constexpr bool is_white_space(std::int32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<std::int8_t, 256> make_base64url_table() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i)
    t[static_cast<unsigned char>(kBase64Url[i])] = static_cast<std::int8_t>(i);
  return t;
}
constexpr auto kBase64UrlValue = make_base64url_table();

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

}  // namespace

std::size_t utf8_code_points(std::string_view s) {
  // Valid UTF-8 has exactly one non-continuation byte per code point.
  std::size_t n = 0;
  for (const char c : s) n += !is_continuation(static_cast<unsigned char>(c));
  return n;
}

bool utf8_valid(std::string_view s) {
  for (std::size_t pos = 0; pos < s.size();) {
    if (decode(s, pos) < 0) return false;
  }
  return true;
}

bool utf8_all_white_space(std::string_view s) {
  for (std::size_t pos = 0; pos < s.size();) {
    if (!is_white_space(decode(s, pos))) return false;  // -1 is not white space either
  }
  return true;
}

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  auto at = [&](std::size_t k) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    out += kBase64Url[v >> 18];
    out += kBase64Url[v >> 12 & 63];
    out += kBase64Url[v >> 6 & 63];
    out += kBase64Url[v & 63];
  }
  const std::size_t rest = bytes.size() - i;  // 0, 1 or 2 bytes, no padding
  if (rest == 1) {
    const std::uint32_t v = at(i) << 16;
    out += kBase64Url[v >> 18];
    out += kBase64Url[v >> 12 & 63];
  } else if (rest == 2) {
    const std::uint32_t v = at(i) << 16 | at(i + 1) << 8;
    out += kBase64Url[v >> 18];
    out += kBase64Url[v >> 12 & 63];
    out += kBase64Url[v >> 6 & 63];
  }
  return out;
}

bool base64url_decode(std::string_view text, std::string& out) {
  out.clear();
  if (text.size() % 4 == 1) return false;  // one char carries only 6 bits: never a whole byte
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;  // pending bits, most significant first
  int bits = 0;
  for (const char c : text) {
    // -1 marks a character outside the alphabet: the sign is meant.
    // NOLINTNEXTLINE(bugprone-signed-char-misuse)
    const int v = kBase64UrlValue[static_cast<unsigned char>(c)];
    if (v < 0) return false;
    acc = acc << 6 | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>(acc >> bits & 0xFF);
      acc &= (1u << bits) - 1;
    }
  }
  // Leftover bits (2 or 4) must be zero so each byte string has one encoding.
  return acc == 0;
}

bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (in.size() - i < 3) return false;
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out += static_cast<char>(hi << 4 | lo);
      i += 2;
    } else {
      out += c;
    }
  }
  // Escapes can spell any byte, so validate the decoded result as a whole.
  return utf8_valid(out);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

}  // namespace brisk::util
