#include "tasks/list_query.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace brisk::tasks {
namespace {

const CursorCodec& codec() {
  static const CursorCodec c(std::string(32, 'c'));
  return c;
}

struct Parsed {
  bool ok = false;
  ListRequest req;
  api::Errors errs;
};

Parsed parse(std::string_view raw, store::Owner owner = store::kLocalOwner) {
  Parsed p;
  p.ok = parse_list_request(raw, owner, codec(), p.req, p.errs);
  return p;
}

std::string dump(const api::Errors& errs) {
  std::string s;
  for (const api::FieldError& e : errs) {
    s += std::string(e.source) + "/" + e.field + " " + std::string(e.type) + ": " + e.msg + "\n";
  }
  return s;
}

void expect_one(const Parsed& p, std::string_view field, std::string_view type) {
  EXPECT_FALSE(p.ok);
  ASSERT_EQ(p.errs.size(), 1u) << dump(p.errs);
  EXPECT_EQ(p.errs[0].source, "query");
  EXPECT_EQ(p.errs[0].field, field);
  EXPECT_EQ(p.errs[0].type, type) << dump(p.errs);
  EXPECT_FALSE(p.errs[0].msg.empty());
}

// A cursor as the list handler would make one for the request `raw` by `owner`.
std::string cursor_for(std::string_view raw, store::Owner owner, std::int64_t created,
                       std::uint8_t last_id_byte) {
  Parsed p = parse(raw, owner);
  EXPECT_TRUE(p.ok) << dump(p.errs);
  CursorPosition pos;
  pos.key = created;
  pos.id.bytes[15] = last_id_byte;
  pos.id.bytes[6] = 0x70;
  return codec().encode(pos, p.req.context);
}

constexpr unsigned kPending = 1u << 0, kInProgress = 1u << 1, kDone = 1u << 2;

TEST(ListRequest, Defaults) {
  Parsed p = parse("", 42);
  ASSERT_TRUE(p.ok) << dump(p.errs);
  EXPECT_EQ(p.req.query.owner, 42);
  EXPECT_EQ(p.req.query.limit, 100);
  EXPECT_EQ(p.req.query.status_mask, 0u);
  EXPECT_FALSE(p.req.query.has_after);
  EXPECT_FALSE(p.req.context.empty());
}

TEST(ListRequest, SingleStatus) {
  const std::pair<std::string_view, unsigned> cases[] = {
      {"status=pending", kPending}, {"status=in_progress", kInProgress}, {"status=done", kDone}};
  for (auto [q, mask] : cases) {
    Parsed p = parse(q);
    ASSERT_TRUE(p.ok) << q << dump(p.errs);
    EXPECT_EQ(p.req.query.status_mask, mask) << q;
  }
}

TEST(ListRequest, StatusListsBecomeAMask) {
  Parsed p = parse("status=pending,done");
  ASSERT_TRUE(p.ok) << dump(p.errs);
  EXPECT_EQ(p.req.query.status_mask, kPending | kDone);

  Parsed all = parse("status=done%2Cin_progress,pending");
  ASSERT_TRUE(all.ok) << dump(all.errs);
  EXPECT_EQ(all.req.query.status_mask, kPending | kInProgress | kDone);

  Parsed twice = parse("status=done,done");
  ASSERT_TRUE(twice.ok) << dump(twice.errs);
  EXPECT_EQ(twice.req.query.status_mask, kDone);
}

TEST(ListRequest, BadStatus) {
  for (std::string_view q :
       {"status=finished", "status=", "status=Done", "status=done,", "status=,done",
        "status=done,,pending", "status=done+", "status=pending;done"}) {
    SCOPED_TRACE(std::string(q));
    expect_one(parse(q), "status", "enum");
  }
}

TEST(ListRequest, Limit) {
  for (int v : {1, 2, 100, 999, 1000}) {
    Parsed p = parse("limit=" + std::to_string(v));
    ASSERT_TRUE(p.ok) << v << dump(p.errs);
    EXPECT_EQ(p.req.query.limit, v);
  }
  expect_one(parse("limit=0"), "limit", "greater_than_equal");
  expect_one(parse("limit=-1"), "limit", "greater_than_equal");
  expect_one(parse("limit=1001"), "limit", "less_than_equal");
  expect_one(parse("limit=99999999999"), "limit", "less_than_equal");
  for (std::string_view q : {"limit=abc", "limit=", "limit=10x", "limit=1.5", "limit=+5",
                             "limit=%2B5", "limit= 5", "limit=0x10"}) {
    SCOPED_TRACE(std::string(q));
    expect_one(parse(q), "limit", "int_parsing");
  }
}

TEST(ListRequest, HugeNegativeLimitIsTooSmall) {
  // Out of range below: the value is under the minimum of 1, not above 1000.
  expect_one(parse("limit=-99999999999"), "limit", "greater_than_equal");
}

TEST(ListRequest, ValidCursorSetsThePosition) {
  std::string c = cursor_for("status=done&limit=5", 7, 1795339800123, 0x42);
  Parsed p = parse("status=done&limit=5&cursor=" + c, 7);
  ASSERT_TRUE(p.ok) << dump(p.errs);
  EXPECT_TRUE(p.req.query.has_after);
  EXPECT_EQ(p.req.query.after.num, 1795339800123);
  EXPECT_EQ(p.req.query.after.id.bytes[15], 0x42);
  EXPECT_EQ(p.req.query.after.id.bytes[6], 0x70);
  EXPECT_EQ(p.req.query.status_mask, kDone);
  EXPECT_EQ(p.req.query.limit, 5);
}

TEST(ListRequest, CursorSurvivesAChangedLimitAndStatusOrder) {
  std::string c = cursor_for("status=pending,done&limit=5", 0, 10, 1);
  Parsed p = parse("limit=50&status=done,pending&cursor=" + c);
  ASSERT_TRUE(p.ok) << dump(p.errs);
  EXPECT_TRUE(p.req.query.has_after);
  EXPECT_EQ(p.req.query.limit, 50);
}

TEST(ListRequest, CursorForAnotherStatusFilterIsInvalid) {
  std::string c = cursor_for("status=done", 0, 10, 1);
  expect_one(parse("status=pending&cursor=" + c), "cursor", "cursor_invalid");
  expect_one(parse("cursor=" + c), "cursor", "cursor_invalid");
  std::string unfiltered = cursor_for("", 0, 10, 1);
  expect_one(parse("status=done&cursor=" + unfiltered), "cursor", "cursor_invalid");
  Parsed ok = parse("cursor=" + unfiltered);
  EXPECT_TRUE(ok.ok) << dump(ok.errs);
}

TEST(ListRequest, CursorOfAnotherOwnerIsInvalid) {
  std::string c = cursor_for("", 1, 10, 1);
  expect_one(parse("cursor=" + c, 2), "cursor", "cursor_invalid");
  expect_one(parse("cursor=" + c, 0), "cursor", "cursor_invalid");
  Parsed ok = parse("cursor=" + c, 1);
  EXPECT_TRUE(ok.ok) << dump(ok.errs);
}

TEST(ListRequest, CursorSignedWithAnotherKeyIsInvalid) {
  Parsed base = parse("");
  CursorCodec other(std::string(32, 'x'));
  CursorPosition pos;
  pos.key = 5;
  std::string c = other.encode(pos, base.req.context);
  expect_one(parse("cursor=" + c), "cursor", "cursor_invalid");
}

TEST(ListRequest, CursorForAnotherSortOrderIsInvalid) {
  Parsed base = parse("");
  CursorPosition pos;
  pos.sort = 3;
  pos.key = 5;
  std::string c = codec().encode(pos, base.req.context);
  expect_one(parse("cursor=" + c), "cursor", "cursor_invalid");
}

TEST(ListRequest, GarbageCursorIsInvalid) {
  for (std::string_view c :
       {"", "abc", "!!", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}) {
    SCOPED_TRACE(std::string(c));
    expect_one(parse("cursor=" + std::string(c)), "cursor", "cursor_invalid");
  }
}

TEST(ListRequest, SeveralProblemsReportedTogether) {
  Parsed p = parse("status=bogus&limit=0&order=title&limit=5");
  EXPECT_FALSE(p.ok);
  ASSERT_EQ(p.errs.size(), 4u) << dump(p.errs);
  std::vector<std::pair<std::string, std::string>> got;
  for (const api::FieldError& e : p.errs) {
    EXPECT_EQ(e.source, "query");
    got.emplace_back(e.field, std::string(e.type));
  }
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::pair<std::string, std::string>>{
                     {"limit", "duplicate_parameter"},
                     {"limit", "greater_than_equal"},
                     {"order", "extra_forbidden"},
                     {"status", "enum"},
                 }));
}

TEST(ListRequest, ErrorsAppendToExistingOnes) {
  Parsed p;
  p.errs.push_back({"header", "x", -1, "something", "earlier"});
  EXPECT_TRUE(parse_list_request("limit=5", 0, codec(), p.req, p.errs));
  EXPECT_EQ(p.errs.size(), 1u);
  EXPECT_FALSE(parse_list_request("limit=0", 0, codec(), p.req, p.errs));
  EXPECT_EQ(p.errs.size(), 2u);
}

}  // namespace
}  // namespace brisk::tasks
