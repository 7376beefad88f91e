#include "api/json_input.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace brisk::api {
namespace {

// Parses `text` from a buffer with the padding JsonInput::parse requires.
bool parse(std::string_view text, std::string_view* reason_out = nullptr) {
  std::string buf;
  buf.reserve(text.size() + simdjson::SIMDJSON_PADDING);
  buf.assign(text);
  JsonInput in;
  simdjson::dom::element doc;
  std::string_view reason;
  bool ok = in.parse(buf, doc, reason);
  if (reason_out) *reason_out = reason;
  return ok;
}

void expect_rejected(std::string_view text) {
  std::string_view reason;
  EXPECT_FALSE(parse(text, &reason)) << text;
  EXPECT_FALSE(reason.empty()) << text;
}

std::string nested_arrays(int levels, std::string_view inner) {
  return std::string(levels, '[') + std::string(inner) + std::string(levels, ']');
}

std::string nested_objects(int levels, std::string_view inner) {
  std::string s;
  for (int i = 0; i < levels; ++i) s += i + 1 < levels ? R"({"a":)" : "{";
  // The innermost object holds `inner` as its only member (or nothing).
  s += inner;
  s += std::string(levels, '}');
  return s;
}

TEST(JsonInput, ParsesAnObject) {
  std::string buf = R"({"title":"x","n":[1,2,{"k":null}]})";
  buf.reserve(buf.size() + simdjson::SIMDJSON_PADDING);
  JsonInput in;
  simdjson::dom::element doc;
  std::string_view reason;
  ASSERT_TRUE(in.parse(buf, doc, reason));
  std::string_view title;
  ASSERT_FALSE(doc["title"].get_string().get(title));
  EXPECT_EQ(title, "x");
}

TEST(JsonInput, DepthSixtyFourParsesWithEmptyInnermost) {
  EXPECT_TRUE(parse(nested_arrays(64, "")));
  EXPECT_TRUE(parse(nested_objects(64, "")));
}

TEST(JsonInput, DepthSixtyFourParsesWithScalarInnermost) {
  // The outermost container is level 1; 64 levels with a scalar inside the
  // innermost one is still 64 levels (scalars add no level).
  EXPECT_TRUE(parse(nested_arrays(64, "1")));
  EXPECT_TRUE(parse(nested_arrays(64, "\"x\",null")));
  EXPECT_TRUE(parse(nested_objects(64, R"("a":1)")));
}

TEST(JsonInput, DepthSixtyFiveFails) {
  for (const std::string& text :
       {nested_arrays(65, ""), nested_arrays(65, "1"), nested_objects(65, ""),
        nested_objects(65, R"("a":1)"), nested_arrays(200, "")}) {
    std::string_view reason;
    EXPECT_FALSE(parse(text, &reason)) << text.size();
    EXPECT_NE(reason.find("64"), std::string_view::npos) << reason;
  }
}

TEST(JsonInput, DepthLimitHoldsForLargeBodies) {
  // A body larger than the initial capacity makes simdjson reallocate; the
  // depth limit must survive that.
  std::string pad(10000, ' ');
  EXPECT_TRUE(parse(nested_arrays(64, "") + pad));
  EXPECT_FALSE(parse(nested_arrays(65, "") + pad));
  std::string big_string = "\"" + std::string(100000, 'x') + "\"";
  EXPECT_TRUE(parse(nested_arrays(64, big_string)));
  EXPECT_FALSE(parse(nested_arrays(65, big_string)));
}

TEST(JsonInput, InvalidUtf8Fails) {
  for (std::string_view text :
       {std::string_view("{\"t\":\"\xff\"}"), std::string_view("{\"t\":\"\xc3\"}"),
        std::string_view("{\"t\":\"\xed\xa0\x80\"}"),      // encoded surrogate
        std::string_view("{\"t\":\"\xc0\xaf\"}"),          // overlong
        std::string_view("{\"t\":\"\xf4\x90\x80\x80\"}"),  // > U+10FFFF
        std::string_view("{\"\xfe\":1}")}) {
    std::string_view reason;
    EXPECT_FALSE(parse(text, &reason));
    EXPECT_NE(reason.find("UTF-8"), std::string_view::npos) << reason;
  }
}

TEST(JsonInput, LoneSurrogateEscapesFail) {
  for (std::string_view text : {R"({"t":"\ud800"})", R"({"t":"\ud83d"})", R"({"t":"\ud800x"})",
                                R"({"t":"\ud800\u0041"})", R"({"t":"\ud800\ud800"})"}) {
    SCOPED_TRACE(std::string(text));
    expect_rejected(text);
  }
}

TEST(JsonInput, LoneLowSurrogateEscapeFails) {
  for (std::string_view text : {R"({"t":"\udc00"})", R"({"t":"\ude00\ud83d"})"}) {
    SCOPED_TRACE(std::string(text));
    expect_rejected(text);
  }
}

TEST(JsonInput, SurrogatePairSucceeds) {
  std::string buf = R"({"t":"\ud83d\ude00"})";
  buf.reserve(buf.size() + simdjson::SIMDJSON_PADDING);
  JsonInput in;
  simdjson::dom::element doc;
  std::string_view reason;
  ASSERT_TRUE(in.parse(buf, doc, reason)) << reason;
  std::string_view t;
  ASSERT_FALSE(doc["t"].get_string().get(t));
  EXPECT_EQ(t, "😀");
}

TEST(JsonInput, IntegersBeyondSixtyFourBitsStillParse) {
  // Well-formed JSON: the field's validation (a 422) decides, not the parser.
  EXPECT_TRUE(parse(R"({"n":18446744073709551616})"));
  EXPECT_TRUE(parse(R"({"n":-9223372036854775809})"));
  EXPECT_TRUE(parse(R"([123456789012345678901234567890, "x"])"));
  // ...but the depth limit and syntax still apply to such bodies.
  EXPECT_FALSE(parse(nested_arrays(65, "18446744073709551616")));
  EXPECT_TRUE(parse(nested_arrays(64, "18446744073709551616")));
  expect_rejected(R"({"n":18446744073709551616,})");
}

TEST(JsonInput, EmptyBodyFails) {
  expect_rejected("");
  expect_rejected("   ");
  expect_rejected("\n");
}

TEST(JsonInput, TrailingGarbageFails) {
  for (std::string_view text : {R"({"a":1}x)", R"({"a":1}{})", R"({"a":1},)", "[1] 2", "{}]"}) {
    SCOPED_TRACE(std::string(text));
    expect_rejected(text);
  }
  // Trailing white space is fine.
  EXPECT_TRUE(parse("{\"a\":1} \r\n\t"));
}

TEST(JsonInput, MalformedFails) {
  for (std::string_view text :
       {"{", R"({"a":})", R"({'a':1})", "{\"a\":\"\x01\"}", R"({"a":"\x"})", "[1,]", "nul"}) {
    SCOPED_TRACE(std::string(text));
    expect_rejected(text);
  }
}

TEST(JsonInput, ParserIsReusableAfterAnError) {
  JsonInput in;
  simdjson::dom::element doc;
  std::string_view reason;
  std::string bad = nested_arrays(65, "");
  bad.reserve(bad.size() + simdjson::SIMDJSON_PADDING);
  EXPECT_FALSE(in.parse(bad, doc, reason));
  std::string good = R"({"ok":true})";
  good.reserve(good.size() + simdjson::SIMDJSON_PADDING);
  EXPECT_TRUE(in.parse(good, doc, reason)) << reason;
}

TEST(JsonInput, ParseCopyNeedsNoPadding) {
  JsonInput in;
  simdjson::dom::element doc;
  std::string text = R"({"a":[1,2]})";
  text.shrink_to_fit();
  EXPECT_TRUE(in.parse_copy(text, doc));
  EXPECT_TRUE(doc.is_object());
  EXPECT_FALSE(in.parse_copy("{", doc));
}

TEST(JsonInput, ThreadInputIsPerThreadSingleton) {
  EXPECT_EQ(&thread_json_input(), &thread_json_input());
}

}  // namespace
}  // namespace brisk::api
