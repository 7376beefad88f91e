// UUIDs: the 16-byte value, its canonical text form, and a UUIDv7 generator.
#pragma once
#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace brisk::util {

struct Uuid {
  std::array<std::uint8_t, 16> bytes{};
  auto operator<=>(const Uuid&) const = default;
};

// Writes the canonical 36-character lowercase form ("8-4-4-4-12") to out.
void format_uuid(const Uuid& id, char out[36]);
// The same, as a string.
std::string uuid_text(const Uuid& id);

// Parses the canonical 36-character form (hex digits of either case).
// Returns false for anything else: wrong length, misplaced dashes, non-hex.
bool parse_uuid(std::string_view text, Uuid& out);

// RFC 9562 UUIDv7: 48-bit Unix milliseconds, version 7, variant 10, random
// rest. Ids from one generator are strictly increasing (byte order) even
// within one millisecond or if the clock steps back: rand_a is used as a
// counter (method 1 of RFC 9562 6.2) seeded randomly each new millisecond.
// Randomness comes from libsodium, drawn in blocks to avoid a syscall per id.
// Not thread-safe: one generator per thread (next_uuid7 below).
class Uuid7Generator {
 public:
  Uuid next(std::int64_t unix_ms);

 private:
  std::uint8_t random_byte();
  std::int64_t last_ms_ = -1;
  std::uint16_t counter_ = 0;  // 12 bits used
  std::array<std::uint8_t, 512> pool_{};
  std::size_t pool_pos_ = sizeof(pool_);
};

// A UUIDv7 from this thread's own generator: ids made on one thread are
// strictly increasing, and every thread's follow the clock.
Uuid next_uuid7(std::int64_t unix_ms);

}  // namespace brisk::util
