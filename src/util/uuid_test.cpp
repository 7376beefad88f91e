#include "util/uuid.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace brisk::util {
namespace {

std::string to_string(const Uuid& id) {
  char buf[36];
  format_uuid(id, buf);
  return std::string(buf, sizeof buf);
}

std::int64_t timestamp_of(const Uuid& id) {
  std::int64_t ms = 0;
  for (int i = 0; i < 6; ++i) ms = ms << 8 | id.bytes[i];
  return ms;
}

unsigned counter_of(const Uuid& id) {
  return (id.bytes[6] & 0x0Fu) << 8 | id.bytes[7];
}

TEST(Uuid, FormatIsCanonicalLowercase) {
  Uuid id;
  for (std::size_t i = 0; i < 16; ++i) id.bytes[i] = static_cast<std::uint8_t>(i * 17);
  EXPECT_EQ(to_string(id), "00112233-4455-6677-8899-aabbccddeeff");
  EXPECT_EQ(to_string(Uuid{}), "00000000-0000-0000-0000-000000000000");
}

TEST(Uuid, RoundTrip) {
  const std::string text = "0190f3a4-7b2c-7def-8123-456789abcdef";
  Uuid id;
  ASSERT_TRUE(parse_uuid(text, id));
  EXPECT_EQ(to_string(id), text);
  EXPECT_EQ(id.bytes[0], 0x01);
  EXPECT_EQ(id.bytes[15], 0xef);
}

TEST(Uuid, GeneratedIdsRoundTrip) {
  Uuid7Generator gen;
  for (int i = 0; i < 1000; ++i) {
    const Uuid id = gen.next(1'700'000'000'000 + i / 10);
    Uuid back;
    ASSERT_TRUE(parse_uuid(to_string(id), back));
    EXPECT_EQ(back, id);
  }
}

TEST(Uuid, AcceptsUppercase) {
  Uuid lower, upper;
  ASSERT_TRUE(parse_uuid("0190f3a4-7b2c-7def-8123-456789abcdef", lower));
  ASSERT_TRUE(parse_uuid("0190F3A4-7B2C-7DEF-8123-456789ABCDEF", upper));
  EXPECT_EQ(lower, upper);
  ASSERT_TRUE(parse_uuid("0190f3A4-7b2C-7DeF-8123-456789AbCdEf", upper));
  EXPECT_EQ(lower, upper);
}

TEST(Uuid, RejectsBadLength) {
  Uuid id;
  EXPECT_FALSE(parse_uuid("", id));
  EXPECT_FALSE(parse_uuid("0190f3a4-7b2c-7def-8123-456789abcde", id));    // 35
  EXPECT_FALSE(parse_uuid("0190f3a4-7b2c-7def-8123-456789abcdef0", id));  // 37
  EXPECT_FALSE(parse_uuid("0190f3a47b2c7def8123456789abcdef", id));       // no dashes
  EXPECT_FALSE(parse_uuid("{0190f3a4-7b2c-7def-8123-456789abcdef}", id));
}

TEST(Uuid, RejectsMisplacedDashes) {
  Uuid id;
  EXPECT_FALSE(parse_uuid("0190f3a47-b2c-7def-8123-456789abcdef", id));
  EXPECT_FALSE(parse_uuid("0190f3a4-7b2c-7def-81234-56789abcdef", id));
  EXPECT_FALSE(parse_uuid("0190f3a4-7b2c-7def-8123-456789abcde-", id));
  EXPECT_FALSE(parse_uuid("-190f3a4-7b2c-7def-8123-456789abcdef", id));
  EXPECT_FALSE(parse_uuid("0190f3a4_7b2c-7def-8123-456789abcdef", id));
}

// Every position, every byte value: only hex digits where digits go and '-'
// where dashes go parse, and a failed parse leaves `out` untouched.
TEST(Uuid, ChecksEveryCharacter) {
  const std::string good = "0190f3a4-7b2c-7def-8123-456789abcdef";
  Uuid want;
  ASSERT_TRUE(parse_uuid(good, want));
  for (std::size_t pos = 0; pos < good.size(); ++pos) {
    const bool dash = pos == 8 || pos == 13 || pos == 18 || pos == 23;
    for (int c = 0; c < 256; ++c) {
      std::string text = good;
      text[pos] = static_cast<char>(c);
      const bool hex = std::isxdigit(c) != 0;
      Uuid id = want;
      const bool ok = parse_uuid(text, id);
      EXPECT_EQ(ok, dash ? c == '-' : hex) << "position " << pos << " byte " << c;
      if (!ok) {
        EXPECT_EQ(id, want);
      }
    }
  }
}

TEST(Uuid, RejectsNonHex) {
  Uuid id;
  EXPECT_FALSE(parse_uuid("0190f3a4-7b2c-7def-8123-456789abcdeg", id));
  EXPECT_FALSE(parse_uuid("g190f3a4-7b2c-7def-8123-456789abcdef", id));
  EXPECT_FALSE(parse_uuid("0190f3a4-7b2c-7def-8123-45678 abcdef", id));
  EXPECT_FALSE(parse_uuid("0190f3a4-7b2c-7def-8123-4567-9abcdef", id));
  EXPECT_FALSE(parse_uuid(std::string_view("0190f3a4-7b2c-7def-8123-456789abcd\0f", 36), id));
}

TEST(Uuid, FailedParseLeavesOutputUntouched) {
  Uuid id;
  id.bytes[0] = 0x42;
  EXPECT_FALSE(parse_uuid("0190f3a4-7b2c-7def-8123-456789abcdeg", id));
  EXPECT_EQ(id.bytes[0], 0x42);
}

TEST(Uuid, OrderingIsByteOrder) {
  Uuid a, b;
  ASSERT_TRUE(parse_uuid("00000000-0000-0000-0000-0000000000ff", a));
  ASSERT_TRUE(parse_uuid("00000000-0000-0000-0000-000000000100", b));
  EXPECT_LT(a, b);
}

TEST(Uuid7, VersionAndVariantBits) {
  Uuid7Generator gen;
  for (int i = 0; i < 10'000; ++i) {
    const Uuid id = gen.next(1'784'712'600'000 + i);
    ASSERT_EQ(id.bytes[6] >> 4, 7);
    ASSERT_EQ(id.bytes[8] >> 6, 0b10);
    const std::string text = to_string(id);
    ASSERT_EQ(text[14], '7');
    ASSERT_TRUE(text[19] == '8' || text[19] == '9' || text[19] == 'a' || text[19] == 'b');
  }
}

TEST(Uuid7, TimestampPrefixEqualsMs) {
  Uuid7Generator gen;
  const std::int64_t ms = 1'784'712'600'123;  // 0x019F_8929_1A3B
  const Uuid id = gen.next(ms);
  EXPECT_EQ(timestamp_of(id), ms);
  EXPECT_EQ(to_string(id).substr(0, 13), "019f8929-1a3b");
  EXPECT_EQ(timestamp_of(gen.next(ms + 5)), ms + 5);
  EXPECT_EQ(timestamp_of(gen.next(0)), ms + 5);  // stays on the last ms when the clock steps back
  EXPECT_EQ(timestamp_of(Uuid7Generator{}.next(0)), 0);
  EXPECT_EQ(timestamp_of(Uuid7Generator{}.next((std::int64_t{1} << 48) - 1)),
            (std::int64_t{1} << 48) - 1);
}

TEST(Uuid7, StrictlyIncreasingWithinOneMillisecond) {
  Uuid7Generator gen;
  const std::int64_t ms = 1'784'712'600'000;
  Uuid prev = gen.next(ms);
  EXPECT_LT(counter_of(prev), 0x800u);  // seeded with headroom
  for (int i = 0; i < 100'000; ++i) {
    const Uuid id = gen.next(ms);
    ASSERT_LT(prev, id) << "at " << i;
    prev = id;
  }
  // 100k ids cannot fit the 12-bit counter; the generator ran ahead of the
  // clock, by at most one ms per 4096 ids.
  EXPECT_GT(timestamp_of(prev), ms);
  EXPECT_LE(timestamp_of(prev), ms + 100'000 / 4096 + 1);
}

TEST(Uuid7, StrictlyIncreasingWhenClockGoesBackwards) {
  Uuid7Generator gen;
  const std::int64_t ms = 1'784'712'600'000;
  Uuid prev = gen.next(ms);
  for (int i = 0; i < 100'000; ++i) {
    const Uuid id = gen.next(ms - 1 - i % 5000);  // clock far behind and wandering
    ASSERT_LT(prev, id) << "at " << i;
    prev = id;
  }
  // Once the clock catches up, ids follow it again.
  const std::int64_t later = ms + 1'000'000;
  const Uuid id = gen.next(later);
  EXPECT_LT(prev, id);
  EXPECT_EQ(timestamp_of(id), later);
}

TEST(Uuid7, NewMillisecondReseedsCounter) {
  // Each new ms seeds the counter with 11 random bits: always below 0x800,
  // and 64 seeds that are all equal would mean no reseeding happened.
  Uuid7Generator gen;
  for (int i = 0; i < 5000; ++i) gen.next(1000);  // push the counter to overflow first
  unsigned first = counter_of(gen.next(2000));
  bool varied = false;
  for (int i = 1; i < 64; ++i) {
    const unsigned c = counter_of(gen.next(2000 + i));
    EXPECT_LT(c, 0x800u);
    varied |= c != first;
  }
  EXPECT_LT(first, 0x800u);
  EXPECT_TRUE(varied);
}

TEST(Uuid7, RandomPartDiffers) {
  Uuid7Generator a, b;
  const Uuid x = a.next(1000);
  const Uuid y = b.next(1000);
  EXPECT_NE(x, y);  // 73 random bits: a collision means the randomness is broken
}

}  // namespace
}  // namespace brisk::util
