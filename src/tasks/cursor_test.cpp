#include "tasks/cursor.hpp"

#include <gtest/gtest.h>

#include <sodium.h>

#include <bit>
#include <cctype>
#include <cstdint>
#include <cstring>
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

// ---------------------------------------------------------------- v2: typed keys

using Kind = CursorPosition::Kind;

CursorPosition typed(Kind kind) {
  CursorPosition p = sample();
  p.kind = kind;
  p.sort = 9;
  p.key = 0;
  if (kind == Kind::kText) p.text = "write the report: caf\xc3\xa9 \xe5\xa0\xb1\xe5\x91\x8a";
  if (kind == Kind::kReal || kind == Kind::kWindow) p.real = -3.25e-7;
  if (kind == Kind::kWindow) {
    p.tier = 1;
    p.low = 123'456'789'012;
    p.high = std::numeric_limits<std::int64_t>::max();
  }
  return p;
}

TEST(CursorCodecV2, TypedKeysRoundTrip) {
  CursorCodec codec(key_of('k'));
  for (Kind kind : {Kind::kNull, Kind::kText, Kind::kReal, Kind::kWindow}) {
    CursorPosition p = typed(kind);
    auto back = codec.decode(codec.encode(p, kCtx), kCtx);
    ASSERT_TRUE(back.has_value()) << int(kind);
    EXPECT_EQ(back->kind, kind);
    EXPECT_EQ(back->sort, p.sort);
    EXPECT_EQ(back->text, p.text);
    EXPECT_EQ(back->real, p.real);
    EXPECT_EQ(back->tier, p.tier);
    EXPECT_EQ(back->low, p.low);
    EXPECT_EQ(back->high, p.high);
    EXPECT_EQ(back->id, p.id);
  }
}

TEST(CursorCodecV2, IntegerKeysKeepTheV1Layout) {
  // Cursors issued before v2 existed must still decode: v1 is still what an
  // integer key encodes to.
  CursorCodec codec(key_of('k'));
  std::string raw;
  ASSERT_TRUE(util::base64url_decode(codec.encode(sample(), kCtx), raw));
  ASSERT_EQ(raw.size(), 42u);
  EXPECT_EQ(raw[0], 1);
  ASSERT_TRUE(util::base64url_decode(codec.encode(typed(Kind::kNull), kCtx), raw));
  EXPECT_EQ(raw.size(), 35u);
  EXPECT_EQ(raw[0], 2);
}

TEST(CursorCodecV2, RealKeysAreExact) {
  CursorCodec codec(key_of('k'));
  for (double v : {0.0, -0.0, 1e-300, -1.5, -12.345678901234567, 1e300}) {
    CursorPosition p = typed(Kind::kReal);
    p.real = v;
    auto back = codec.decode(codec.encode(p, kCtx), kCtx);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(std::bit_cast<std::uint64_t>(back->real), std::bit_cast<std::uint64_t>(v))
        << v;  // bit for bit
  }
}

TEST(CursorCodecV2, TextKeysOfEveryLengthRoundTrip) {
  CursorCodec codec(key_of('k'));
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{255}, std::size_t{256},
                        std::size_t{800}, kMaxCursorText}) {
    CursorPosition p = typed(Kind::kText);
    p.text = std::string(n, 'a');
    std::string text = codec.encode(p, kCtx);
    auto back = codec.decode(text, kCtx);
    ASSERT_TRUE(back.has_value()) << n;
    EXPECT_EQ(back->text, p.text);
  }
}

TEST(CursorCodecV2, EveryBitFlipIsRefused) {
  CursorCodec codec(key_of('k'));
  for (Kind kind : {Kind::kNull, Kind::kText, Kind::kReal, Kind::kWindow}) {
    std::string raw;
    ASSERT_TRUE(util::base64url_decode(codec.encode(typed(kind), kCtx), raw));
    for (std::size_t byte = 0; byte < raw.size(); ++byte) {
      for (int bit = 0; bit < 8; ++bit) {
        std::string tampered = raw;
        tampered[byte] = static_cast<char>(tampered[byte] ^ (1 << bit));
        EXPECT_FALSE(codec.decode(util::base64url_encode(tampered), kCtx).has_value())
            << "kind " << int(kind) << " byte " << byte << " bit " << bit;
      }
    }
  }
}

TEST(CursorCodecV2, EveryTruncationAndExtensionIsRefused) {
  CursorCodec codec(key_of('k'));
  for (Kind kind : {Kind::kNull, Kind::kText, Kind::kReal, Kind::kWindow}) {
    std::string raw;
    ASSERT_TRUE(util::base64url_decode(codec.encode(typed(kind), kCtx), raw));
    for (std::size_t n = 0; n < raw.size(); ++n) {
      EXPECT_FALSE(codec.decode(util::base64url_encode(raw.substr(0, n)), kCtx).has_value())
          << "kind " << int(kind) << " length " << n;
    }
    EXPECT_FALSE(codec.decode(util::base64url_encode(raw + '\0'), kCtx).has_value());
  }
}

// Payloads that are well-signed but malformed (as a leaked key would allow):
// each position has exactly one encoding, and nothing else decodes.
class SignedPayloads : public ::testing::Test {
 protected:
  std::string sign(std::string payload) const {
    unsigned char mac[16];
    crypto_generichash_state st;
    crypto_generichash_init(&st, reinterpret_cast<const unsigned char*>(key_.data()), key_.size(),
                            16);
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(payload.data()),
                              payload.size());
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(kCtx.data()),
                              kCtx.size());
    crypto_generichash_final(&st, mac, 16);
    return util::base64url_encode(payload + std::string(reinterpret_cast<char*>(mac), 16));
  }
  std::string key_ = key_of('k');
  CursorCodec codec_{key_of('k')};
  std::string id_ = std::string(16, '\x11');
};

TEST_F(SignedPayloads, WellFormedOnesDecode) {
  // The helper signs like the codec: these are the valid layouts.
  EXPECT_TRUE(codec_.decode(sign(std::string("\x01\x00", 2) + std::string(8, '\0') + id_), kCtx));
  EXPECT_TRUE(codec_.decode(sign(std::string("\x02\x06\x01", 3) + id_), kCtx));
  EXPECT_TRUE(codec_.decode(sign(std::string("\x02\x09\x02\x00\x01", 5) + "a" + id_), kCtx));
  EXPECT_TRUE(
      codec_.decode(sign(std::string("\x02\x0a\x03", 3) + std::string(8, '\0') + id_), kCtx));
}

TEST_F(SignedPayloads, MalformedOnesAreRefused) {
  const std::string bad[] = {
      std::string("\x03\x00", 2) + std::string(8, '\0') + id_,      // version 3
      std::string("\x00\x00", 2) + std::string(8, '\0') + id_,      // version 0
      std::string("\x02\x00\x00", 3) + std::string(8, '\0') + id_,  // v2 int: not an encoding
      std::string("\x02\x00\x04", 3) + id_,                         // unknown kind
      std::string("\x02\x06\x01", 3) + "x" + id_,                   // null with a key
      std::string("\x02\x09\x02\x00\x02", 5) + "a" + id_,           // text shorter than said
      std::string("\x02\x09\x02\x00\x01", 5) + "ab" + id_,          // text longer than said
      std::string("\x02\x09\x02\x04\x01", 5) + std::string(1025, 'a') + id_,  // text too long
      std::string("\x02\x09\x02\x00\x01", 5) + "\xff" + id_,                  // text not UTF-8
      std::string("\x02\x0a\x03", 3) + std::string(7, '\0') + id_,            // real of 7 bytes
      std::string("\x01\x00", 2) + std::string(8, '\0') + id_ + "x",          // v1 too long
  };
  for (const std::string& p : bad) {
    EXPECT_FALSE(codec_.decode(sign(p), kCtx).has_value()) << util::base64url_encode(p);
  }
}

}  // namespace
}  // namespace brisk::tasks
