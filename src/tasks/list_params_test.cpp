#include "tasks/list_params.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <tuple>
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

// ---------------------------------------------------------------- the query language

using store::SortKey;

TEST(ListRequest, DefaultOrderAndFilters) {
  Parsed p = parse("");
  ASSERT_TRUE(p.ok);
  const store::ListSpec& q = p.req.query;
  EXPECT_EQ(q.sort, SortKey::kCreatedAt);
  EXPECT_TRUE(q.descending);
  EXPECT_EQ(p.req.sort_code, 0);
  EXPECT_FALSE(q.priority_filtered());
  EXPECT_FALSE(q.due_filtered());
  EXPECT_TRUE(q.tags.empty());
  EXPECT_TRUE(q.search.empty());
}

TEST(ListRequest, EverySortKeyBothWays) {
  const std::pair<std::string_view, SortKey> keys[] = {{"created_at", SortKey::kCreatedAt},
                                                       {"updated_at", SortKey::kUpdatedAt},
                                                       {"priority", SortKey::kPriority},
                                                       {"due_at", SortKey::kDueAt},
                                                       {"title", SortKey::kTitle}};
  std::vector<int> codes;
  for (auto [name, key] : keys) {
    for (bool desc : {false, true}) {
      std::string v = (desc ? "-" : "") + std::string(name);
      Parsed p = parse("sort=" + v);
      ASSERT_TRUE(p.ok) << v << dump(p.errs);
      EXPECT_EQ(p.req.query.sort, key) << v;
      EXPECT_EQ(p.req.query.descending, desc) << v;
      EXPECT_EQ(p.req.sort_code, sort_code(key, desc));
      codes.push_back(p.req.sort_code);
    }
  }
  std::sort(codes.begin(), codes.end());
  EXPECT_EQ(std::unique(codes.begin(), codes.end()), codes.end()) << "sort codes must differ";
  EXPECT_EQ(sort_code(SortKey::kCreatedAt, true), 0) << "v1 cursors hold sort code 0";
}

TEST(ListRequest, BadSort) {
  for (std::string_view q :
       {"sort=", "sort=-", "sort=name", "sort=Title", "sort=--title", "sort=+title",
        "sort=title,priority", "sort= title", "sort=relevance", "sort=-relevance", "sort=id"}) {
    SCOPED_TRACE(std::string(q));
    expect_one(parse(q), "sort", "enum");
  }
}

TEST(ListRequest, Priority) {
  Parsed p = parse("priority=3");
  ASSERT_TRUE(p.ok) << dump(p.errs);
  EXPECT_EQ(p.req.query.priority_min, 3);
  EXPECT_EQ(p.req.query.priority_max, 3);
  EXPECT_TRUE(p.req.query.priority_filtered());

  p = parse("priority_gte=2&priority_lte=4");
  ASSERT_TRUE(p.ok) << dump(p.errs);
  EXPECT_EQ(p.req.query.priority_min, 2);
  EXPECT_EQ(p.req.query.priority_max, 4);

  p = parse("priority_gte=1&priority_lte=5");
  ASSERT_TRUE(p.ok);
  EXPECT_FALSE(p.req.query.priority_filtered()) << "the full range filters nothing";

  // Bounds narrow each other; an empty range is allowed and matches nothing.
  p = parse("priority=2&priority_gte=3");
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.req.query.priority_min, 3);
  EXPECT_EQ(p.req.query.priority_max, 2);
  p = parse("priority_gte=5&priority_lte=1");
  ASSERT_TRUE(p.ok);
  EXPECT_GT(p.req.query.priority_min, p.req.query.priority_max);
}

TEST(ListRequest, BadPriority) {
  for (std::string_view name : {"priority", "priority_gte", "priority_lte"}) {
    std::string n(name);
    expect_one(parse(n + "=0"), n, "greater_than_equal");
    expect_one(parse(n + "=-3"), n, "greater_than_equal");
    expect_one(parse(n + "=6"), n, "less_than_equal");
    expect_one(parse(n + "=99999999999999999999"), n, "less_than_equal");
    for (std::string_view v : {"", "x", "2.0", "3a", "+3", " 3", "0x3"}) {
      SCOPED_TRACE(n + "=" + std::string(v));
      expect_one(parse(n + "=" + std::string(v)), n, "int_parsing");
    }
    expect_one(parse(n + "=2&" + n + "=2"), n, "duplicate_parameter");
  }
}

TEST(ListRequest, TagsAreASet) {
  Parsed p = parse("tag=work&tag=home&tag=work&tag=%C3%A9t%C3%A9");
  ASSERT_TRUE(p.ok) << dump(p.errs);
  EXPECT_EQ(p.req.query.tags, (std::vector<std::string>{"home", "work", "été"}));
  Parsed q = parse("tag=%C3%A9t%C3%A9&tag=home&tag=work");
  ASSERT_TRUE(q.ok);
  EXPECT_EQ(q.req.context, p.req.context) << "tag order must not change what a cursor fits";
  Parsed cs = parse("tag=Work");
  ASSERT_TRUE(cs.ok);
  EXPECT_EQ(cs.req.query.tags, (std::vector<std::string>{"Work"})) << "tags are case-sensitive";
  Parsed odd = parse("tag=a%2Cb&tag=%20&tag=x%3By");  // commas, spaces, ';' are tag text
  ASSERT_TRUE(odd.ok) << dump(odd.errs);
  EXPECT_EQ(odd.req.query.tags.size(), 3u);
}

TEST(ListRequest, BadTags) {
  expect_one(parse("tag="), "tag", "string_too_short");
  expect_one(parse("tag=" + std::string(51, 'x')), "tag", "string_too_long");
  Parsed fifty = parse("tag=" + std::string(50, 'x'));
  EXPECT_TRUE(fifty.ok) << dump(fifty.errs);
  std::string twenty, twenty_one;
  for (int i = 0; i < 21; ++i) {
    std::string t = "&tag=t" + std::to_string(i);
    if (i < 20) twenty += t;
    twenty_one += t;
  }
  EXPECT_TRUE(parse(twenty.substr(1)).ok);
  expect_one(parse(twenty_one.substr(1)), "tag", "too_long");
  EXPECT_TRUE(parse(twenty.substr(1) + "&tag=t0&tag=t1").ok) << "repeats are not extra tags";
}

TEST(ListRequest, DueBounds) {
  Parsed p = parse("due_before=2026-12-01T10:00:00Z&due_after=2026-11-01T09:30:00.250%2B01:00");
  ASSERT_TRUE(p.ok) << dump(p.errs);
  EXPECT_EQ(p.req.query.due_before, 1796119200000);
  EXPECT_EQ(p.req.query.due_after, 1793521800250);
  // An unencoded '+' arrives as a space: read it as '+'.
  Parsed sp = parse("due_after=2026-11-01T09:30:00.250+01:00");
  ASSERT_TRUE(sp.ok) << dump(sp.errs);
  EXPECT_EQ(sp.req.query.due_after, p.req.query.due_after);
  EXPECT_TRUE(sp.req.query.due_filtered());
}

TEST(ListRequest, BadDueBounds) {
  for (std::string_view name : {"due_before", "due_after"}) {
    std::string n(name);
    for (std::string_view v : {"", "tomorrow", "2026-02-30T00:00:00Z", "2026-11-01",
                               "2026-11-01T25:00:00Z", "1796119200000", "2026-11-01 10:00:00Z"}) {
      SCOPED_TRACE(n + "=" + std::string(v));
      expect_one(parse(n + "=" + std::string(v)), n, "datetime_parsing");
    }
    expect_one(parse(n + "=2026-11-01T00:00:00Z&" + n + "=2026-11-01T00:00:00Z"), n,
               "duplicate_parameter");
  }
}

TEST(ListRequest, SearchIsRelevanceOrderedUnlessSorted) {
  Parsed p = parse("q=Report");
  ASSERT_TRUE(p.ok) << dump(p.errs);
  EXPECT_FALSE(p.req.query.search.empty());
  EXPECT_EQ(p.req.query.sort, SortKey::kRelevance);
  EXPECT_EQ(p.req.sort_code, 10);
  Parsed sorted = parse("q=Report&sort=-due_at");
  ASSERT_TRUE(sorted.ok);
  EXPECT_EQ(sorted.req.query.sort, SortKey::kDueAt);
  EXPECT_TRUE(sorted.req.query.descending);
  EXPECT_EQ(sorted.req.query.search, p.req.query.search);
}

TEST(ListRequest, SearchTextIsNeverQuerySyntax) {
  // Whatever the text, the expression is quoted phrases joined by AND.
  for (std::string_view q : {"q=%22x", "q=a%22b", "q=NEAR(a+b)", "q=title:x", "q=-x", "q=x*",
                             "q=a+OR+b", "q=(x", "q=%7Bx%7D", "q=%5Ex", "q=a+AND"}) {
    Parsed p = parse(q);
    ASSERT_TRUE(p.ok) << q << dump(p.errs);
    const std::string e = store::search_text(p.req.query.search);
    EXPECT_EQ(e.front(), '"') << e;
    EXPECT_TRUE(e.ends_with("\"*")) << e;
  }
}

TEST(ListRequest, SearchWithoutWordsIsRejected) {
  for (std::string_view q :
       {"q=", "q=+++", "q=%22%22", "q=!!!", "q=*", "q=-+-", "q=%E3%80%80", "q=%28%29%3A%2A"}) {
    SCOPED_TRACE(std::string(q));
    expect_one(parse(q), "q", "search_no_words");
  }
}

TEST(ListRequest, SearchLimits) {
  std::string ok500(500, 'a');
  EXPECT_TRUE(parse("q=" + ok500).ok);
  expect_one(parse("q=" + std::string(501, 'a')), "q", "string_too_long");
  std::string words;
  for (int i = 0; i < 33; ++i) words += "w" + std::to_string(i) + "+";
  expect_one(parse("q=" + words), "q", "too_long");
  expect_one(parse("q=a&q=b"), "q", "duplicate_parameter");
}

TEST(ListRequest, EquivalentSearchesShareTheirCursors) {
  Parsed a = parse("q=Caf%C3%A9++Report");
  Parsed b = parse("q=cafe+report");
  ASSERT_TRUE(a.ok && b.ok);
  EXPECT_EQ(a.req.query.search, b.req.query.search);
  EXPECT_EQ(a.req.context, b.req.context);
  Parsed c = parse("q=report+cafe");
  ASSERT_TRUE(c.ok);
  EXPECT_NE(c.req.context, a.req.context) << "word order is part of the query";
}

// A cursor as the list handler makes one after a page ending at `last`.
std::string cursor_after(std::string_view raw, const store::ListPosition& last) {
  Parsed p = parse(raw);
  EXPECT_TRUE(p.ok) << dump(p.errs);
  return next_cursor(p.req, last, codec());
}

store::ListPosition position() {
  store::ListPosition pos;
  pos.num = 1795339800123;
  pos.text = "write the report";
  pos.rank = -4.5;
  pos.tier = 1;  // relevance: tier 1, the window of seq [10, 1010)
  pos.window_low = 10;
  pos.window_high = 1010;
  pos.id.bytes[6] = 0x70;
  pos.id.bytes[15] = 0x42;
  return pos;
}

TEST(ListRequest, CursorsRoundTripForEveryOrder) {
  for (std::string_view q :
       {"sort=created_at", "sort=-updated_at", "sort=priority&priority_gte=2", "sort=due_at",
        "sort=-due_at&due_after=2026-01-01T00:00:00Z", "sort=title&tag=work", "sort=-title",
        "q=report", "q=report&sort=priority&status=done"}) {
    SCOPED_TRACE(std::string(q));
    store::ListPosition last = position();
    std::string c = cursor_after(q, last);
    Parsed p = parse(std::string(q) + "&limit=7&cursor=" + c);
    ASSERT_TRUE(p.ok) << dump(p.errs);
    const store::ListSpec& got = p.req.query;
    ASSERT_TRUE(got.has_after);
    EXPECT_EQ(got.after.id, last.id);
    EXPECT_FALSE(got.after.null_key);
    switch (got.sort) {
      case SortKey::kTitle:
        EXPECT_EQ(got.after.text, last.text);
        break;
      case SortKey::kRelevance:
        EXPECT_EQ(got.after.rank, last.rank);
        EXPECT_EQ(got.after.tier, last.tier);
        EXPECT_EQ(got.after.window_low, last.window_low);
        EXPECT_EQ(got.after.window_high, last.window_high);
        break;
      default:
        EXPECT_EQ(got.after.num, last.num);
        break;
    }
  }
}

// A relevance cursor names a window that cannot be empty or inverted, and
// one of the two tiers: a well-signed cursor otherwise is refused.
TEST(ListRequest, RelevanceCursorsNeedAWindow) {
  for (auto [tier, low, high] : {std::tuple{2, 10, 1010}, std::tuple{0, 10, 10},
                                 std::tuple{0, 20, 10}, std::tuple{0, -1, 10}}) {
    store::ListPosition last = position();
    last.tier = tier;
    last.window_low = low;
    last.window_high = high;
    expect_one(parse("q=report&cursor=" + cursor_after("q=report", last)), "cursor",
               "cursor_invalid");
  }
}

TEST(ListRequest, DueCursorCanBeInTheGroupWithoutDueDate) {
  store::ListPosition last = position();
  last.null_key = true;
  std::string c = cursor_after("sort=due_at", last);
  Parsed p = parse("sort=due_at&cursor=" + c);
  ASSERT_TRUE(p.ok) << dump(p.errs);
  EXPECT_TRUE(p.req.query.after.null_key);
  EXPECT_EQ(p.req.query.after.id, last.id);
  // A cursor among tasks without due_at cannot belong to a due-filtered query.
  Parsed enc = parse("sort=due_at&due_before=2030-01-01T00:00:00Z");
  ASSERT_TRUE(enc.ok);
  CursorPosition forged;
  forged.sort = enc.req.sort_code;
  forged.kind = CursorPosition::Kind::kNull;
  std::string f = codec().encode(forged, enc.req.context);
  expect_one(parse("sort=due_at&due_before=2030-01-01T00:00:00Z&cursor=" + f), "cursor",
             "cursor_invalid");
}

TEST(ListRequest, CursorOfAnotherQueryIsInvalid) {
  const std::pair<std::string_view, std::string_view> pairs[] = {
      {"sort=title", "sort=-title"},
      {"sort=title", ""},
      {"sort=priority", "sort=-priority"},
      {"sort=due_at", "sort=created_at"},
      {"sort=updated_at", "sort=created_at"},
      {"q=report", "q=repor"},
      {"q=report", "q=report&sort=-created_at"},
      {"q=report", ""},
      {"tag=work", "tag=Work"},
      {"tag=work", "tag=work&tag=home"},
      {"tag=work", ""},
      {"priority=3", "priority=4"},
      {"priority=3", "priority_gte=3"},
      {"due_before=2026-01-01T00:00:00Z", "due_before=2026-01-01T00:00:00.001Z"},
      {"due_before=2026-01-01T00:00:00Z", "due_after=2026-01-01T00:00:00Z"},
      {"status=done&sort=title", "sort=title"},
  };
  for (auto [made, used] : pairs) {
    SCOPED_TRACE(std::string(made) + " -> " + std::string(used));
    std::string c = cursor_after(made, position());
    std::string q = std::string(used) + (used.empty() ? "" : "&") + "cursor=" + c;
    expect_one(parse(q), "cursor", "cursor_invalid");
    EXPECT_TRUE(parse(std::string(made) + "&cursor=" + c).ok);
  }
}

TEST(ListRequest, CursorWithAnotherKindOfKeyIsInvalid) {
  // Correctly signed for the query, but holding the wrong kind of key.
  using Kind = CursorPosition::Kind;
  const std::pair<std::string_view, Kind> cases[] = {
      {"sort=title", Kind::kInt},       {"sort=title", Kind::kReal},    {"sort=title", Kind::kNull},
      {"sort=created_at", Kind::kText}, {"sort=priority", Kind::kNull}, {"q=report", Kind::kInt},
      {"q=report", Kind::kText},        {"sort=due_at", Kind::kReal}};
  for (auto [q, kind] : cases) {
    SCOPED_TRACE(std::string(q) + " kind " + std::to_string(int(kind)));
    Parsed p = parse(q);
    ASSERT_TRUE(p.ok);
    CursorPosition pos;
    pos.sort = p.req.sort_code;
    pos.kind = kind;
    expect_one(parse(std::string(q) + "&cursor=" + codec().encode(pos, p.req.context)), "cursor",
               "cursor_invalid");
  }
}

TEST(ListRequest, CursorsFromBeforeTheQueryLanguageStillWork) {
  // The first cursors (v1) were signed over exactly this context.
  CursorPosition pos;
  pos.key = 1795339800123;
  pos.id.bytes[15] = 9;
  std::string c = codec().encode(pos, "owner=0;status=4;sort=-created_at");
  Parsed p = parse("status=done&cursor=" + c);
  ASSERT_TRUE(p.ok) << dump(p.errs);
  EXPECT_EQ(p.req.query.after.num, 1795339800123);
  EXPECT_EQ(p.req.query.after.id.bytes[15], 9);
}

TEST(ListRequest, EveryProblemOfEveryParameterIsListed) {
  Parsed p = parse(
      "status=x&priority=9&priority_gte=a&priority_lte=0&tag=&q=%21&due_before=x&due_after=y&"
      "sort=z&limit=0&cursor=abc&nope=1");
  EXPECT_FALSE(p.ok);
  std::vector<std::string> fields;
  for (const api::FieldError& e : p.errs) {
    EXPECT_EQ(e.source, "query");
    EXPECT_FALSE(e.msg.empty());
    fields.push_back(e.field);
  }
  std::sort(fields.begin(), fields.end());
  // The cursor is checked only once everything else is valid.
  EXPECT_EQ(fields, (std::vector<std::string>{"due_after", "due_before", "limit", "nope",
                                              "priority", "priority_gte", "priority_lte", "q",
                                              "sort", "status", "tag"}))
      << dump(p.errs);
}

}  // namespace
}  // namespace brisk::tasks
