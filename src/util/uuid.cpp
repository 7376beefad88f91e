#include "util/uuid.hpp"

#include <array>
#include <cstdint>

#include <sodium.h>

namespace brisk::util {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Dash positions of the canonical "8-4-4-4-12" form.
constexpr bool is_dash_pos(std::size_t i) {
  return i == 8 || i == 13 || i == 18 || i == 23;
}

// Hex digit values by byte, -1 for anything else: parse_uuid runs on every
// request by id, so it reads a table instead of branching per character.
constexpr std::array<std::int8_t, 256> kHexValue = [] {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<std::int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[c] = static_cast<std::int8_t>(c - 'a' + 10);
  for (int c = 'A'; c <= 'F'; ++c) t[c] = static_cast<std::int8_t>(c - 'A' + 10);
  return t;
}();

// Where each byte's two digits start in the canonical form.
constexpr std::array<std::uint8_t, 16> kDigitPos = {0,  2,  4,  6,  9,  11, 14, 16,
                                                    19, 21, 24, 26, 28, 30, 32, 34};

}  // namespace

std::string uuid_text(const Uuid& id) {
  char buf[36];
  format_uuid(id, buf);
  return std::string(buf, 36);
}

void format_uuid(const Uuid& id, char out[36]) {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < id.bytes.size(); ++i) {
    if (is_dash_pos(pos)) out[pos++] = '-';
    out[pos++] = kHex[id.bytes[i] >> 4];
    out[pos++] = kHex[id.bytes[i] & 0x0F];
  }
}

bool parse_uuid(std::string_view text, Uuid& out) {
  if (text.size() != 36) return false;
  if (text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-') return false;
  Uuid id;
  int bad = 0;  // negative once any digit is not hex
  for (std::size_t i = 0; i < 16; ++i) {
    // The table holds -1 for a non-hex character: the sign is meant.
    // NOLINTNEXTLINE(bugprone-signed-char-misuse)
    const int hi = kHexValue[static_cast<unsigned char>(text[kDigitPos[i]])];
    // NOLINTNEXTLINE(bugprone-signed-char-misuse)
    const int lo = kHexValue[static_cast<unsigned char>(text[kDigitPos[i] + 1])];
    bad |= hi | lo;
    id.bytes[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  if (bad < 0) return false;
  out = id;  // only touched on success
  return true;
}

std::uint8_t Uuid7Generator::random_byte() {
  if (pool_pos_ == pool_.size()) {
    // sodium_init is idempotent; running it once here means the generator
    // works even if the caller never initialised libsodium.
    [[maybe_unused]] static const int init = sodium_init();
    randombytes_buf(pool_.data(), pool_.size());
    pool_pos_ = 0;
  }
  return pool_[pool_pos_++];
}

Uuid Uuid7Generator::next(std::int64_t unix_ms) {
  constexpr std::int64_t kMaxMs = (std::int64_t{1} << 48) - 1;
  constexpr std::uint16_t kCounterMax = 0x0FFF;
  if (unix_ms < 0) unix_ms = 0;
  if (unix_ms > kMaxMs) unix_ms = kMaxMs;

  // Invariant: (last_ms_, counter_) strictly increases across calls, and both
  // sit in the id's leading bits, so ids strictly increase in byte order.
  if (unix_ms > last_ms_) {
    last_ms_ = unix_ms;
    // Seed with 11 random bits: the top bit stays clear, leaving at least
    // 2048 increments before the counter overflows within this millisecond.
    const unsigned hi = random_byte();
    const unsigned lo = random_byte();
    counter_ = static_cast<std::uint16_t>((hi << 8 | lo) & 0x07FF);
  } else if (counter_ < kCounterMax) {
    ++counter_;  // same millisecond or clock stepped back: keep counting
  } else {
    // Counter exhausted: borrow the next millisecond (RFC 9562 6.2 allows
    // running ahead of the clock) and start counting from zero.
    // Past 2^48-1 ms (year 10889) monotonicity can no longer hold.
    if (last_ms_ < kMaxMs) ++last_ms_;
    counter_ = 0;
  }

  Uuid id;
  const auto ms = static_cast<std::uint64_t>(last_ms_);
  for (std::size_t i = 0; i < 6; ++i) id.bytes[i] = static_cast<std::uint8_t>(ms >> (40 - 8 * i));
  id.bytes[6] = static_cast<std::uint8_t>(0x70 | (counter_ >> 8));  // version 7
  id.bytes[7] = static_cast<std::uint8_t>(counter_ & 0xFF);
  for (std::size_t i = 8; i < 16; ++i) id.bytes[i] = random_byte();
  id.bytes[8] = static_cast<std::uint8_t>(0x80 | (id.bytes[8] & 0x3F));  // variant 10
  return id;
}

Uuid next_uuid7(std::int64_t unix_ms) {
  thread_local Uuid7Generator ids;
  return ids.next(unix_ms);
}

}  // namespace brisk::util
