// The Idempotency-Key header's rule (API.md): 1..255 visible ASCII
// characters (0x21..0x7e). Anything else is a 422 on ["header",
// "idempotency-key"].
#pragma once
#include <string_view>

namespace brisk::tasks {

inline constexpr std::size_t kMaxIdempotencyKey = 255;

constexpr bool valid_idempotency_key(std::string_view k) {
  if (k.empty() || k.size() > kMaxIdempotencyKey) return false;
  for (char ch : k) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace brisk::tasks
