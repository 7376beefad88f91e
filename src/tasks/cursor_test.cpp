#include "tasks/cursor.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <limits>
#include <string>

#include "util/text.hpp"

namespace brisk::tasks {
namespace {

std::string key_of(char fill) {
  return std::string(32, fill);
}

CursorPosition sample() {
  CursorPosition p;
  p.sort = 0;
  p.key = 1795339800123;
  for (std::size_t i = 0; i < 16; ++i) p.id.bytes[i] = static_cast<std::uint8_t>(0xA0 + i);
  return p;
}

constexpr std::string_view kCtx = "owner=0;status=0;sort=-created_at";

TEST(CursorCodec, RoundTrip) {
  CursorCodec codec(key_of('k'));
  CursorPosition p = sample();
  std::string text = codec.encode(p, kCtx);
  auto back = codec.decode(text, kCtx);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->sort, p.sort);
  EXPECT_EQ(back->key, p.key);
  EXPECT_EQ(back->id, p.id);
}

TEST(CursorCodec, RoundTripOfExtremeValues) {
  CursorCodec codec(key_of('k'));
  for (std::int64_t key :
       {std::int64_t{0}, std::int64_t{-1}, std::int64_t{1},
        std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()}) {
    for (std::uint8_t sort : {std::uint8_t{0}, std::uint8_t{7}, std::uint8_t{255}}) {
      CursorPosition p = sample();
      p.key = key;
      p.sort = sort;
      auto back = codec.decode(codec.encode(p, kCtx), kCtx);
      ASSERT_TRUE(back.has_value()) << key << " " << int(sort);
      EXPECT_EQ(back->key, key);
      EXPECT_EQ(back->sort, sort);
      EXPECT_EQ(back->id, p.id);
    }
  }
}

TEST(CursorCodec, TextIsUrlSafe) {
  CursorCodec codec(key_of('k'));
  std::string text = codec.encode(sample(), kCtx);
  EXPECT_FALSE(text.empty());
  EXPECT_LE(text.size(), 128u);
  for (char c : text) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << text;
  }
}

TEST(CursorCodec, DifferentContextIsRefused) {
  CursorCodec codec(key_of('k'));
  std::string text = codec.encode(sample(), kCtx);
  EXPECT_FALSE(codec.decode(text, "owner=1;status=0;sort=-created_at").has_value());
  EXPECT_FALSE(codec.decode(text, "owner=0;status=1;sort=-created_at").has_value());
  EXPECT_FALSE(codec.decode(text, "").has_value());
  EXPECT_TRUE(codec.decode(text, kCtx).has_value());
}

TEST(CursorCodec, DifferentKeyIsRefused) {
  CursorCodec a(key_of('k'));
  CursorCodec b(key_of('K'));
  std::string key = key_of('k');
  key[31] ^= 1;
  CursorCodec c(key);
  std::string text = a.encode(sample(), kCtx);
  EXPECT_FALSE(b.decode(text, kCtx).has_value());
  EXPECT_FALSE(c.decode(text, kCtx).has_value());
  EXPECT_TRUE(CursorCodec(key_of('k')).decode(text, kCtx).has_value());
}

TEST(CursorCodec, EveryBitFlipIsRefused) {
  CursorCodec codec(key_of('k'));
  std::string text = codec.encode(sample(), kCtx);
  std::string raw;
  ASSERT_TRUE(util::base64url_decode(text, raw));
  ASSERT_EQ(raw.size(), 42u);
  for (std::size_t byte = 0; byte < raw.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string tampered = raw;
      tampered[byte] = static_cast<char>(tampered[byte] ^ (1 << bit));
      EXPECT_FALSE(codec.decode(util::base64url_encode(tampered), kCtx).has_value())
          << "byte " << byte << " bit " << bit;
    }
  }
}

TEST(CursorCodec, EveryTruncationIsRefused) {
  CursorCodec codec(key_of('k'));
  std::string text = codec.encode(sample(), kCtx);
  for (std::size_t n = 0; n < text.size(); ++n) {
    EXPECT_FALSE(codec.decode(text.substr(0, n), kCtx).has_value()) << "text length " << n;
    EXPECT_FALSE(codec.decode(text.substr(text.size() - n), kCtx).has_value())
        << "suffix length " << n;
  }
  std::string raw;
  ASSERT_TRUE(util::base64url_decode(text, raw));
  for (std::size_t n = 0; n < raw.size(); ++n) {
    EXPECT_FALSE(codec.decode(util::base64url_encode(raw.substr(0, n)), kCtx).has_value())
        << "byte length " << n;
  }
}

TEST(CursorCodec, ExtendedIsRefused) {
  CursorCodec codec(key_of('k'));
  std::string text = codec.encode(sample(), kCtx);
  std::string raw;
  ASSERT_TRUE(util::base64url_decode(text, raw));
  EXPECT_FALSE(codec.decode(util::base64url_encode(raw + '\0'), kCtx).has_value());
  EXPECT_FALSE(codec.decode(util::base64url_encode(raw + raw), kCtx).has_value());
  EXPECT_FALSE(codec.decode(text + "AAAA", kCtx).has_value());
}

TEST(CursorCodec, NotBase64UrlIsRefused) {
  CursorCodec codec(key_of('k'));
  std::string text = codec.encode(sample(), kCtx);
  EXPECT_FALSE(codec.decode("", kCtx).has_value());
  EXPECT_FALSE(codec.decode("!!!!", kCtx).has_value());
  EXPECT_FALSE(codec.decode("not a cursor", kCtx).has_value());
  // Standard base64 alphabet, padding and spaces are not base64url.
  for (char bad : {'+', '/', '=', ' ', '.', '\0'}) {
    std::string t = text;
    t[10] = bad;
    EXPECT_FALSE(codec.decode(t, kCtx).has_value()) << bad;
    EXPECT_FALSE(codec.decode(text + bad, kCtx).has_value()) << bad;
  }
}

TEST(CursorCodec, OverlyLongIsRefused) {
  CursorCodec codec(key_of('k'));
  EXPECT_FALSE(codec.decode(std::string(129, 'A'), kCtx).has_value());
  EXPECT_FALSE(codec.decode(std::string(100000, 'A'), kCtx).has_value());
}

TEST(CursorCodec, ForgedPayloadWithoutKeyIsRefused) {
  // The right length and layout, but a made-up MAC.
  CursorCodec codec(key_of('k'));
  std::string raw(42, '\0');
  raw[0] = 1;
  EXPECT_FALSE(codec.decode(util::base64url_encode(raw), kCtx).has_value());
}

}  // namespace
}  // namespace brisk::tasks
