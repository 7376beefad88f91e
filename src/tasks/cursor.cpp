#include "tasks/cursor.hpp"

#include <sodium.h>

#include <cstring>

#include "util/text.hpp"

namespace brisk::tasks {

namespace {
// Layout v1: version(1) sort(1) key(8, big-endian) id(16) mac(16) = 42 bytes.
constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kPayload = 1 + 1 + 8 + 16;
constexpr std::size_t kMac = 16;
}  // namespace

void CursorCodec::mac(const unsigned char* payload, std::size_t n, std::string_view context,
                      unsigned char out[16]) const {
  crypto_generichash_state st;
  crypto_generichash_init(&st, reinterpret_cast<const unsigned char*>(key_.data()), key_.size(), kMac);
  crypto_generichash_update(&st, payload, n);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(context.data()), context.size());
  crypto_generichash_final(&st, out, kMac);
}

std::string CursorCodec::encode(const CursorPosition& p, std::string_view context) const {
  unsigned char buf[kPayload + kMac];
  buf[0] = kVersion;
  buf[1] = p.sort;
  auto k = static_cast<std::uint64_t>(p.key);
  for (int i = 0; i < 8; ++i) buf[2 + i] = static_cast<unsigned char>(k >> (56 - 8 * i));
  std::memcpy(buf + 10, p.id.bytes.data(), 16);
  mac(buf, kPayload, context, buf + kPayload);
  return util::base64url_encode(std::string_view(reinterpret_cast<char*>(buf), sizeof buf));
}

std::optional<CursorPosition> CursorCodec::decode(std::string_view text,
                                                  std::string_view context) const {
  std::string raw;
  if (text.size() > 128 || !util::base64url_decode(text, raw)) return std::nullopt;
  if (raw.size() != kPayload + kMac) return std::nullopt;
  auto* buf = reinterpret_cast<const unsigned char*>(raw.data());
  unsigned char expect[kMac];
  mac(buf, kPayload, context, expect);
  if (sodium_memcmp(expect, buf + kPayload, kMac) != 0) return std::nullopt;
  if (buf[0] != kVersion) return std::nullopt;
  CursorPosition p;
  p.sort = buf[1];
  std::uint64_t k = 0;
  for (int i = 0; i < 8; ++i) k = (k << 8) | buf[2 + i];
  p.key = static_cast<std::int64_t>(k);
  std::memcpy(p.id.bytes.data(), buf + 10, 16);
  return p;
}

}  // namespace brisk::tasks
