#include "util/text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace brisk::util {
namespace {

using namespace std::string_literals;

TEST(Utf8CodePoints, CountsCodePointsNotBytes) {
  EXPECT_EQ(utf8_code_points(""), 0u);
  EXPECT_EQ(utf8_code_points("abc"), 3u);
  EXPECT_EQ(utf8_code_points("\xC3\xA9"), 1u);                  // é, 2 bytes
  EXPECT_EQ(utf8_code_points("caf\xC3\xA9"), 4u);               // café
  EXPECT_EQ(utf8_code_points("\xE6\x97\xA5\xE6\x9C\xAC"), 2u);  // 日本, 3 bytes each
  EXPECT_EQ(utf8_code_points("\xF0\x9F\x98\x80"), 1u);          // 😀, 4 bytes
  EXPECT_EQ(utf8_code_points("a\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80z"), 5u);
  EXPECT_EQ(utf8_code_points("\0\0"s), 2u);  // NUL is a code point
}

TEST(Utf8Valid, AcceptsWellFormed) {
  EXPECT_TRUE(utf8_valid(""));
  EXPECT_TRUE(utf8_valid("hello"));
  EXPECT_TRUE(utf8_valid("\0"s));
  EXPECT_TRUE(utf8_valid("\x7F"));
  EXPECT_TRUE(utf8_valid("\xC2\x80"));          // U+0080, smallest 2-byte
  EXPECT_TRUE(utf8_valid("\xDF\xBF"));          // U+07FF
  EXPECT_TRUE(utf8_valid("\xE0\xA0\x80"));      // U+0800, smallest 3-byte
  EXPECT_TRUE(utf8_valid("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  EXPECT_TRUE(utf8_valid("\xEE\x80\x80"));      // U+E000, just above
  EXPECT_TRUE(utf8_valid("\xEF\xBF\xBF"));      // U+FFFF
  EXPECT_TRUE(utf8_valid("\xF0\x90\x80\x80"));  // U+10000, smallest 4-byte
  EXPECT_TRUE(utf8_valid("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
  EXPECT_TRUE(utf8_valid("\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80"));
}

TEST(Utf8Valid, RejectsOverlongs) {
  EXPECT_FALSE(utf8_valid("\xC0\x80"));  // NUL
  EXPECT_FALSE(utf8_valid("\xC1\xBF"));
  EXPECT_FALSE(utf8_valid("\xE0\x80\x80"));
  EXPECT_FALSE(utf8_valid("\xE0\x9F\xBF"));
  EXPECT_FALSE(utf8_valid("\xF0\x80\x80\x80"));
  EXPECT_FALSE(utf8_valid("\xF0\x8F\xBF\xBF"));
}

TEST(Utf8Valid, RejectsSurrogates) {
  EXPECT_FALSE(utf8_valid("\xED\xA0\x80"));              // U+D800
  EXPECT_FALSE(utf8_valid("\xED\xBF\xBF"));              // U+DFFF
  EXPECT_FALSE(utf8_valid("\xED\xA0\xBD\xED\xB8\x80"));  // CESU-8 style pair
}

TEST(Utf8Valid, RejectsAboveMaxCodePoint) {
  EXPECT_FALSE(utf8_valid("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(utf8_valid("\xF5\x80\x80\x80"));
  EXPECT_FALSE(utf8_valid("\xF7\xBF\xBF\xBF"));
  EXPECT_FALSE(utf8_valid("\xF8\x88\x80\x80\x80"));
  EXPECT_FALSE(utf8_valid("\xFF"));
  EXPECT_FALSE(utf8_valid("\xFE"));
}

TEST(Utf8Valid, RejectsTruncatedAndStraySequences) {
  EXPECT_FALSE(utf8_valid("\xC3"));
  EXPECT_FALSE(utf8_valid("\xE6\x97"));
  EXPECT_FALSE(utf8_valid("\xF0\x9F\x98"));
  EXPECT_FALSE(utf8_valid("abc\xF0\x9F\x98"));
  EXPECT_FALSE(utf8_valid("\xC3z"));  // continuation expected
  EXPECT_FALSE(utf8_valid("\xE6\x97z"));
  EXPECT_FALSE(utf8_valid("\xF0\x9F\x98z"));
  EXPECT_FALSE(utf8_valid("\x80"));  // lone continuation byte
  EXPECT_FALSE(
      utf8_valid("a\xBF"
                 "b"));
  EXPECT_FALSE(utf8_valid("\xC3\xA9\xA9"));  // one continuation too many
}

TEST(Utf8AllWhiteSpace, EmptyIsTrue) {
  EXPECT_TRUE(utf8_all_white_space(""));
}

TEST(Utf8AllWhiteSpace, AsciiWhiteSpace) {
  EXPECT_TRUE(utf8_all_white_space(" "));
  EXPECT_TRUE(utf8_all_white_space("\t\n\v\f\r "));
  EXPECT_FALSE(utf8_all_white_space("\x08"));  // backspace
  EXPECT_FALSE(utf8_all_white_space("\x0E"));
  EXPECT_FALSE(utf8_all_white_space("\x1F"));
  EXPECT_FALSE(utf8_all_white_space("\0"s));
  EXPECT_FALSE(utf8_all_white_space("  a  "));
  EXPECT_FALSE(utf8_all_white_space("_"));
}

TEST(Utf8AllWhiteSpace, EveryListedNonAsciiCodePoint) {
  const char* const white[] = {
      "\xC2\x85",      // U+0085 NEXT LINE
      "\xC2\xA0",      // U+00A0 NO-BREAK SPACE
      "\xE1\x9A\x80",  // U+1680 OGHAM SPACE MARK
      "\xE2\x80\x80",  // U+2000 EN QUAD
      "\xE2\x80\x85",  // U+2005
      "\xE2\x80\x8A",  // U+200A HAIR SPACE
      "\xE2\x80\xA8",  // U+2028 LINE SEPARATOR
      "\xE2\x80\xA9",  // U+2029 PARAGRAPH SEPARATOR
      "\xE2\x80\xAF",  // U+202F NARROW NO-BREAK SPACE
      "\xE2\x81\x9F",  // U+205F MEDIUM MATHEMATICAL SPACE
      "\xE3\x80\x80",  // U+3000 IDEOGRAPHIC SPACE
  };
  std::string all;
  for (const char* w : white) {
    EXPECT_TRUE(utf8_all_white_space(w)) << w;
    all += w;
  }
  EXPECT_TRUE(utf8_all_white_space(all + " \t"));
}

TEST(Utf8AllWhiteSpace, LookalikesAreNotWhiteSpace) {
  EXPECT_FALSE(utf8_all_white_space("\xE2\x80\x8B"));  // U+200B ZERO WIDTH SPACE
  EXPECT_FALSE(utf8_all_white_space("\xE2\x80\x8C"));  // U+200C ZWNJ
  EXPECT_FALSE(utf8_all_white_space("\xE2\x80\x8D"));  // U+200D ZWJ
  EXPECT_FALSE(utf8_all_white_space("\xE2\x81\xA0"));  // U+2060 WORD JOINER
  EXPECT_FALSE(utf8_all_white_space("\xEF\xBB\xBF"));  // U+FEFF BOM
  EXPECT_FALSE(utf8_all_white_space("\xE1\xA0\x8E"));  // U+180E, White_Space until Unicode 6.3
  EXPECT_FALSE(utf8_all_white_space("\xC2\x84"));      // U+0084, neighbour of U+0085
  EXPECT_FALSE(utf8_all_white_space("\xE2\x80\xAA"));  // U+202A, neighbour of U+2029
  EXPECT_FALSE(utf8_all_white_space("\xE3\x80\x81"));  // U+3001 IDEOGRAPHIC COMMA
  EXPECT_FALSE(utf8_all_white_space(" \xE2\x80\x8B "));
}

TEST(Base64Url, KnownVectors) {
  // RFC 4648 section 10 test vectors, unpadded.
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  // The URL-safe alphabet: '-' and '_' where standard base64 has '+' and '/'.
  EXPECT_EQ(base64url_encode("\xFB\xFF\xBF"), "-_-_");
  EXPECT_EQ(base64url_encode("\0\0\0"s), "AAAA");
}

TEST(Base64Url, RoundTripLengthsZeroToTwenty) {
  std::string bytes;
  for (int len = 0; len <= 20; ++len) {
    const std::string enc = base64url_encode(bytes);
    EXPECT_EQ(enc.size(), (bytes.size() * 4 + 2) / 3) << len;
    EXPECT_NE(enc.size() % 4, 1u);
    std::string dec = "junk";
    ASSERT_TRUE(base64url_decode(enc, dec)) << len << " " << enc;
    EXPECT_EQ(dec, bytes);
    bytes += static_cast<char>(len * 53 + 0xA7);  // every byte value class, incl. high bit
  }
}

TEST(Base64Url, RoundTripAllByteValues) {
  std::string bytes;
  for (int b = 0; b < 256; ++b) bytes += static_cast<char>(b);
  std::string dec;
  ASSERT_TRUE(base64url_decode(base64url_encode(bytes), dec));
  EXPECT_EQ(dec, bytes);
}

TEST(Base64Url, RejectsForeignCharacters) {
  std::string out;
  EXPECT_FALSE(base64url_decode("ab+d", out));
  EXPECT_FALSE(base64url_decode("ab/d", out));
  EXPECT_FALSE(base64url_decode("Zg==", out));  // padding
  EXPECT_FALSE(base64url_decode("Zm8=", out));
  EXPECT_FALSE(base64url_decode("Zm 9v", out));
  EXPECT_FALSE(base64url_decode("Zm9v\n", out));
  EXPECT_FALSE(base64url_decode("Zm9\xC3\xA9", out));
  EXPECT_FALSE(base64url_decode("Zm9\0"s, out));
}

TEST(Base64Url, RejectsImpossibleLength) {
  std::string out;
  EXPECT_FALSE(base64url_decode("A", out));
  EXPECT_FALSE(base64url_decode("AAAAA", out));
  EXPECT_FALSE(base64url_decode("Zm9vY", out));
  EXPECT_TRUE(base64url_decode("", out));
  EXPECT_TRUE(out.empty());
}

TEST(Base64Url, RejectsNonZeroTrailingBits) {
  std::string out;
  // "Zg" encodes 'f' with 4 zero pad bits; "Zh".."Zv" set some of them.
  EXPECT_TRUE(base64url_decode("Zg", out));
  EXPECT_EQ(out, "f");
  EXPECT_FALSE(base64url_decode("Zh", out));
  EXPECT_FALSE(base64url_decode("Zv", out));
  // "Zm8" encodes "fo" with 2 zero pad bits; "Zm9" sets one.
  EXPECT_TRUE(base64url_decode("Zm8", out));
  EXPECT_EQ(out, "fo");
  EXPECT_FALSE(base64url_decode("Zm9", out));
  EXPECT_FALSE(base64url_decode("AB", out));
  EXPECT_FALSE(base64url_decode("AAB", out));
}

TEST(PercentDecode, PlusAndEscapes) {
  std::string out;
  ASSERT_TRUE(percent_decode("a+b%20c", out));
  EXPECT_EQ(out, "a b c");
  ASSERT_TRUE(percent_decode("%E2%82%AC", out));
  EXPECT_EQ(out, "\xE2\x82\xAC");  // €
  ASSERT_TRUE(percent_decode("%e2%82%ac", out));
  EXPECT_EQ(out, "\xE2\x82\xAC");
  ASSERT_TRUE(percent_decode("%2B%25", out));  // escaped '+' and '%' stay literal
  EXPECT_EQ(out, "+%");
  ASSERT_TRUE(percent_decode("", out));
  EXPECT_EQ(out, "");
  ASSERT_TRUE(percent_decode("plain-text_.~", out));
  EXPECT_EQ(out, "plain-text_.~");
  ASSERT_TRUE(percent_decode("caf\xC3\xA9", out));  // raw UTF-8 passes through
  EXPECT_EQ(out, "caf\xC3\xA9");
  ASSERT_TRUE(percent_decode("%00", out));
  EXPECT_EQ(out, "\0"s);
}

TEST(PercentDecode, ClearsOutputFirst) {
  std::string out = "stale";
  ASSERT_TRUE(percent_decode("x", out));
  EXPECT_EQ(out, "x");
}

TEST(PercentDecode, RejectsMalformedEscapes) {
  std::string out;
  EXPECT_FALSE(percent_decode("%", out));
  EXPECT_FALSE(percent_decode("%4", out));
  EXPECT_FALSE(percent_decode("%zz", out));
  EXPECT_FALSE(percent_decode("%4g", out));
  EXPECT_FALSE(percent_decode("%g4", out));
  EXPECT_FALSE(percent_decode("abc%", out));
  EXPECT_FALSE(percent_decode("abc%2", out));
  EXPECT_FALSE(percent_decode("% 20", out));
}

TEST(PercentDecode, RejectsInvalidUtf8Result) {
  std::string out;
  EXPECT_FALSE(percent_decode("%C0%80", out));     // overlong NUL
  EXPECT_FALSE(percent_decode("%ED%A0%80", out));  // surrogate
  EXPECT_FALSE(percent_decode("%E2%82", out));     // truncated €
  EXPECT_FALSE(percent_decode("%FF", out));
  EXPECT_FALSE(percent_decode("\xC3", out));  // raw invalid byte
  EXPECT_FALSE(percent_decode("%C3", out));
  ASSERT_TRUE(percent_decode("%C3%A9", out));
  EXPECT_EQ(out, "\xC3\xA9");
}

TEST(Iequals, AsciiCaseInsensitive) {
  EXPECT_TRUE(iequals("", ""));
  EXPECT_TRUE(iequals("application/json", "Application/JSON"));
  EXPECT_TRUE(iequals("BEARER", "bearer"));
  EXPECT_FALSE(iequals("bearer", "bearer "));
  EXPECT_FALSE(iequals("abc", "abd"));
  EXPECT_FALSE(iequals("a", ""));
  // Only A-Z fold: '@' (0x40) and '`' (0x60), '[' (0x5B) and '{' (0x7B) differ by 32 too.
  EXPECT_FALSE(iequals("@", "`"));
  EXPECT_FALSE(iequals("[", "{"));
  // No Unicode folding: É (C3 89) vs é (C3 A9).
  EXPECT_FALSE(iequals("\xC3\x89", "\xC3\xA9"));
}

}  // namespace
}  // namespace brisk::util
