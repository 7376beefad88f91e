#include "tasks/cursor.hpp"

#include <sodium.h>

#include <bit>
#include <cstring>

#include "util/text.hpp"

namespace brisk::tasks {

namespace {
constexpr std::size_t kMac = 16;
constexpr std::size_t kId = 16;
constexpr std::size_t kV1Payload = 1 + 1 + 8 + kId;
constexpr std::size_t kV2Head = 1 + 1 + 1;  // version, sort, kind
// The longest text a valid cursor can be: a v2 text position at its limit.
constexpr std::size_t kMaxRaw = kV2Head + 2 + kMaxCursorText + kId + kMac;
constexpr std::size_t kMaxEncoded = (kMaxRaw * 4 + 2) / 3;

void put64(unsigned char* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<unsigned char>(v >> (56 - 8 * i));
}

std::uint64_t get64(const unsigned char* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}
}  // namespace

void CursorCodec::mac(const unsigned char* payload, std::size_t n, std::string_view context,
                      unsigned char out[16]) const {
  crypto_generichash_state st;
  crypto_generichash_init(&st, reinterpret_cast<const unsigned char*>(key_.data()), key_.size(),
                          kMac);
  crypto_generichash_update(&st, payload, n);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(context.data()),
                            context.size());
  crypto_generichash_final(&st, out, kMac);
}

std::string CursorCodec::encode(const CursorPosition& p, std::string_view context) const {
  unsigned char buf[kMaxRaw];
  std::size_t n = 0;
  if (p.kind == CursorPosition::Kind::kInt) {
    buf[n++] = 1;
    buf[n++] = p.sort;
    put64(buf + n, static_cast<std::uint64_t>(p.key));
    n += 8;
  } else {
    buf[n++] = 2;
    buf[n++] = p.sort;
    buf[n++] = static_cast<unsigned char>(p.kind);
    if (p.kind == CursorPosition::Kind::kReal || p.kind == CursorPosition::Kind::kWindow) {
      put64(buf + n, std::bit_cast<std::uint64_t>(p.real));
      n += 8;
    }
    if (p.kind == CursorPosition::Kind::kWindow) {
      buf[n++] = p.tier;
      put64(buf + n, static_cast<std::uint64_t>(p.low));
      put64(buf + n + 8, static_cast<std::uint64_t>(p.high));
      n += 16;
    } else if (p.kind == CursorPosition::Kind::kText) {
      std::size_t len = std::min(p.text.size(), kMaxCursorText);
      buf[n++] = static_cast<unsigned char>(len >> 8);
      buf[n++] = static_cast<unsigned char>(len);
      // Length-prefixed bytes, not a C string: no terminator wanted.
      std::memcpy(buf + n, p.text.data(), len);  // NOLINT(bugprone-not-null-terminated-result)
      n += len;
    }
  }
  std::memcpy(buf + n, p.id.bytes.data(), kId);
  n += kId;
  mac(buf, n, context, buf + n);
  n += kMac;
  return util::base64url_encode(std::string_view(reinterpret_cast<char*>(buf), n));
}

std::optional<CursorPosition> CursorCodec::decode(std::string_view text,
                                                  std::string_view context) const {
  std::string raw;
  if (text.size() > kMaxEncoded || !util::base64url_decode(text, raw)) return std::nullopt;
  if (raw.size() < kV2Head + kId + kMac) return std::nullopt;  // shorter than any layout
  auto* buf = reinterpret_cast<const unsigned char*>(raw.data());
  const std::size_t payload = raw.size() - kMac;
  unsigned char expect[kMac];
  mac(buf, payload, context, expect);
  if (sodium_memcmp(expect, buf + payload, kMac) != 0) return std::nullopt;

  CursorPosition p;
  p.sort = buf[1];
  std::size_t key_end = 0;  // where the id starts
  if (buf[0] == 1) {
    p.key = static_cast<std::int64_t>(get64(buf + 2));
    key_end = kV1Payload - kId;
  } else if (buf[0] == 2) {
    p.kind = static_cast<CursorPosition::Kind>(buf[2]);
    switch (p.kind) {
      case CursorPosition::Kind::kNull:
        key_end = kV2Head;
        break;
      case CursorPosition::Kind::kReal:
        p.real = std::bit_cast<double>(get64(buf + kV2Head));
        key_end = kV2Head + 8;
        break;
      case CursorPosition::Kind::kWindow:
        if (kV2Head + 25 + kId > payload) return std::nullopt;
        p.real = std::bit_cast<double>(get64(buf + kV2Head));
        p.tier = buf[kV2Head + 8];
        p.low = static_cast<std::int64_t>(get64(buf + kV2Head + 9));
        p.high = static_cast<std::int64_t>(get64(buf + kV2Head + 17));
        key_end = kV2Head + 25;
        break;
      case CursorPosition::Kind::kText: {
        std::size_t len = std::size_t{buf[kV2Head]} << 8 | buf[kV2Head + 1];
        if (len > kMaxCursorText || kV2Head + 2 + len + kId > payload) return std::nullopt;
        p.text.assign(raw.data() + kV2Head + 2, len);
        if (!util::utf8_valid(p.text)) return std::nullopt;
        key_end = kV2Head + 2 + len;
        break;
      }
      default:
        return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  if (key_end + kId != payload) return std::nullopt;
  std::memcpy(p.id.bytes.data(), buf + key_end, kId);
  return p;
}

}  // namespace brisk::tasks
