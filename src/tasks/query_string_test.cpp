#include "api/query.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "tasks/list_params.hpp"
#include "util/text.hpp"

namespace brisk::api {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs pairs(const std::vector<QueryParam>& ps) {
  Pairs out;
  for (const QueryParam& p : ps) out.emplace_back(p.name, p.value);
  return out;
}

std::vector<QueryParam> parse(std::string_view q, Errors& errs) {
  return parse_query(q, tasks::list_params(), errs);
}

std::string dump(const Errors& errs) {
  std::string s;
  for (const FieldError& e : errs) {
    s += std::string(e.source) + "/" + e.field + " " + std::string(e.type) + ": " + e.msg + "\n";
  }
  return s;
}

TEST(ParseQuery, DeclaresTheListParameters) {
  std::vector<std::string_view> names;
  for (const QueryParamDecl& d : tasks::list_params()) names.push_back(d.name);
  EXPECT_EQ(names, (std::vector<std::string_view>{"status", "priority", "priority_gte",
                                                  "priority_lte", "tag", "q", "due_before",
                                                  "due_after", "sort", "limit", "cursor"}));
}

TEST(ParseQuery, Empty) {
  Errors errs;
  EXPECT_TRUE(parse("", errs).empty());
  EXPECT_TRUE(errs.empty());
}

TEST(ParseQuery, PlainPairsInOrder) {
  Errors errs;
  auto ps = parse("status=done&limit=10&cursor=abc", errs);
  EXPECT_TRUE(errs.empty()) << dump(errs);
  EXPECT_EQ(pairs(ps), (Pairs{{"status", "done"}, {"limit", "10"}, {"cursor", "abc"}}));
}

TEST(ParseQuery, PercentDecodingAndPlus) {
  Errors errs;
  auto ps = parse("status=in%5Fprogress%2cdone&cursor=a+b%20c%2B%25", errs);
  EXPECT_TRUE(errs.empty()) << dump(errs);
  EXPECT_EQ(pairs(ps), (Pairs{{"status", "in_progress,done"}, {"cursor", "a b c+%"}}));
}

TEST(ParseQuery, NamesArePercentDecodedToo) {
  Errors errs;
  auto ps = parse("st%61tus=done&%6C%69%6D%69%74=5", errs);
  EXPECT_TRUE(errs.empty()) << dump(errs);
  EXPECT_EQ(pairs(ps), (Pairs{{"status", "done"}, {"limit", "5"}}));
}

TEST(ParseQuery, Utf8ValuesDecode) {
  Errors errs;
  auto ps = parse("cursor=%E6%97%A5%C3%A9", errs);
  EXPECT_TRUE(errs.empty()) << dump(errs);
  EXPECT_EQ(pairs(ps), (Pairs{{"cursor", "日é"}}));
}

TEST(ParseQuery, MissingValueAndMissingEquals) {
  Errors errs;
  auto ps = parse("status=&limit", errs);
  EXPECT_TRUE(errs.empty()) << dump(errs);
  EXPECT_EQ(pairs(ps), (Pairs{{"status", ""}, {"limit", ""}}));
}

TEST(ParseQuery, ValueMayContainEquals) {
  Errors errs;
  auto ps = parse("cursor=a=b==", errs);
  EXPECT_TRUE(errs.empty()) << dump(errs);
  EXPECT_EQ(pairs(ps), (Pairs{{"cursor", "a=b=="}}));
}

TEST(ParseQuery, EmptySegmentsAreIgnored) {
  Errors errs;
  auto ps = parse("&&status=done&&&limit=3&", errs);
  EXPECT_TRUE(errs.empty()) << dump(errs);
  EXPECT_EQ(pairs(ps), (Pairs{{"status", "done"}, {"limit", "3"}}));
  Errors errs2;
  EXPECT_TRUE(parse("&", errs2).empty());
  EXPECT_TRUE(parse("&&&", errs2).empty());
  EXPECT_TRUE(errs2.empty());
}

TEST(ParseQuery, UnknownParameterIsExtraForbidden) {
  Errors errs;
  auto ps = parse("status=done&order=title&Limit=5", errs);
  ASSERT_EQ(errs.size(), 2u) << dump(errs);
  EXPECT_EQ(errs[0].source, "query");
  EXPECT_EQ(errs[0].field, "order");
  EXPECT_EQ(errs[0].type, "extra_forbidden");
  EXPECT_EQ(errs[1].field, "Limit");  // names are case-sensitive
  EXPECT_EQ(errs[1].type, "extra_forbidden");
  EXPECT_EQ(pairs(ps), (Pairs{{"status", "done"}}));
}

TEST(ParseQuery, UnknownParameterIsReportedDecoded) {
  Errors errs;
  parse("my+param=1", errs);
  ASSERT_EQ(errs.size(), 1u) << dump(errs);
  EXPECT_EQ(errs[0].field, "my param");
  EXPECT_EQ(errs[0].type, "extra_forbidden");
}

TEST(ParseQuery, RepeatedSingleValueParameter) {
  Errors errs;
  parse("limit=1&status=done&limit=2", errs);
  ASSERT_EQ(errs.size(), 1u) << dump(errs);
  EXPECT_EQ(errs[0].source, "query");
  EXPECT_EQ(errs[0].field, "limit");
  EXPECT_EQ(errs[0].type, "duplicate_parameter");

  // Reported once however many times it repeats; each parameter separately.
  Errors errs2;
  parse("limit=1&limit=2&limit=3&cursor=a&cursor=a", errs2);
  ASSERT_EQ(errs2.size(), 2u) << dump(errs2);
  EXPECT_EQ(errs2[0].field, "limit");
  EXPECT_EQ(errs2[1].field, "cursor");
  EXPECT_EQ(errs2[1].type, "duplicate_parameter");

  // An encoded spelling of the same name is the same parameter.
  Errors errs3;
  parse("status=done&st%61tus=done", errs3);
  ASSERT_EQ(errs3.size(), 1u) << dump(errs3);
  EXPECT_EQ(errs3[0].type, "duplicate_parameter");
}

TEST(ParseQuery, RepeatableParameterMayRepeat) {
  const QueryParamDecl decls[] = {{.name = "tag", .repeatable = true}, {.name = "q"}};
  Errors errs;
  auto ps = parse_query("tag=a&tag=b&q=x&tag=c", decls, errs);
  EXPECT_TRUE(errs.empty()) << dump(errs);
  EXPECT_EQ(pairs(ps), (Pairs{{"tag", "a"}, {"tag", "b"}, {"q", "x"}, {"tag", "c"}}));
  parse_query("q=1&q=2", decls, errs);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].type, "duplicate_parameter");
}

TEST(ParseQuery, MalformedEscapesInValues) {
  for (std::string_view q : {"cursor=%", "cursor=%4", "cursor=%zz", "cursor=a%g1", "cursor=%%41",
                             "cursor=%FF", "cursor=%C3", "cursor=%ED%A0%80"}) {
    SCOPED_TRACE(std::string(q));
    Errors errs;
    auto ps = parse(q, errs);
    ASSERT_EQ(errs.size(), 1u) << dump(errs);
    EXPECT_EQ(errs[0].source, "query");
    EXPECT_EQ(errs[0].field, "cursor");
    EXPECT_EQ(errs[0].type, "query_parsing");
    EXPECT_TRUE(ps.empty());
  }
}

TEST(ParseQuery, MalformedEscapesInNames) {
  Errors errs;
  auto ps = parse("sta%ztus=done", errs);
  ASSERT_EQ(errs.size(), 1u) << dump(errs);
  EXPECT_EQ(errs[0].source, "query");
  EXPECT_EQ(errs[0].type, "query_parsing");
  EXPECT_TRUE(ps.empty());
}

// Found by fuzz/list_query.cpp (fuzz/regressions/list_query/): a name that
// did not decode went into the 422's loc as raw bytes, so "\n\xd6" (a
// target may carry bytes from 0x80 up) made an answer that was not UTF-8,
// hence not JSON. Such bytes are now shown percent-encoded.
TEST(ParseQuery, UndecodableNamesAreShownAsValidUtf8) {
  for (std::string_view q : {std::string_view("\n\xd6"), std::string_view("\xff%zz=1"),
                             std::string_view("caf\xc3\xa9%=1")}) {
    SCOPED_TRACE(std::string(q));
    Errors errs;
    parse(q, errs);
    ASSERT_EQ(errs.size(), 1u) << dump(errs);
    EXPECT_EQ(errs[0].type, "query_parsing");
    EXPECT_TRUE(util::utf8_valid(errs[0].field)) << errs[0].field;
  }
  Errors errs;
  parse("\n\xd6", errs);
  EXPECT_EQ(errs[0].field, "\n%D6");
  Errors kept;
  parse("caf\xc3\xa9%=1", kept);  // valid UTF-8 is shown as sent
  EXPECT_EQ(kept[0].field, "caf\xc3\xa9%");
}

TEST(ParseQuery, AllProblemsCollected) {
  Errors errs;
  auto ps = parse("foo=1&limit=%&status=done&status=x&bar=%zz&limit=5", errs);
  // foo unknown, limit malformed, status repeated, bar malformed
  ASSERT_EQ(errs.size(), 4u) << dump(errs);
  EXPECT_EQ(errs[0].type, "extra_forbidden");
  EXPECT_EQ(errs[1].type, "query_parsing");
  EXPECT_EQ(errs[2].type, "duplicate_parameter");
  EXPECT_EQ(errs[3].type, "query_parsing");
  EXPECT_EQ(pairs(ps), (Pairs{{"status", "done"}, {"status", "x"}, {"limit", "5"}}));
}

}  // namespace
}  // namespace brisk::api
