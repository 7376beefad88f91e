#include "api/model_bind.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "api/json_input.hpp"
#include "tasks/task.hpp"
#include "util/time.hpp"
#include "util/uuid.hpp"

namespace brisk::api {
namespace {

using tasks::kTaskModel;
using tasks::Task;

struct Bound {
  Task task;
  FieldMask mask = 0;
  Errors errs;
};

// Parses `json` (which must be a well-formed object) and binds it to a Task.
Bound bind_text(std::string_view json, Mode mode, Task start = {}) {
  Bound b;
  b.task = std::move(start);
  std::string buf;
  buf.reserve(json.size() + simdjson::SIMDJSON_PADDING);
  buf.assign(json);
  JsonInput in;
  simdjson::dom::element doc;
  std::string_view reason;
  if (!in.parse(buf, doc, reason)) {
    ADD_FAILURE() << "JSON did not parse: " << reason << "\n" << json;
    return b;
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj)) {
    ADD_FAILURE() << "not an object: " << json;
    return b;
  }
  b.mask = bind(kTaskModel, obj, mode, b.task, b.errs);
  return b;
}

std::string dump(const Errors& errs) {
  std::string s;
  for (const FieldError& e : errs) {
    s += std::string(e.source) + "/" + e.field + "[" + std::to_string(e.index) + "] " +
         std::string(e.type) + ": " + e.msg + "\n";
  }
  return s;
}

// Expects exactly one error, with this loc and type.
void expect_one(const Bound& b, std::string_view field, std::string_view type, int index = -1) {
  ASSERT_EQ(b.errs.size(), 1u) << dump(b.errs);
  EXPECT_EQ(b.errs[0].source, "body");
  EXPECT_EQ(b.errs[0].field, field);
  EXPECT_EQ(b.errs[0].index, index);
  EXPECT_EQ(b.errs[0].type, type) << dump(b.errs);
  EXPECT_FALSE(b.errs[0].msg.empty());
}

void expect_ok(const Bound& b) {
  EXPECT_TRUE(b.errs.empty()) << dump(b.errs);
}

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// A create body with a title plus `rest` (JSON members, or empty).
std::string with_title(std::string_view rest) {
  std::string s = R"({"title":"t")";
  if (!rest.empty()) {
    s += ",";
    s += rest;
  }
  s += "}";
  return s;
}

// ---------------------------------------------------------------- title

TEST(ModelBindTitle, MissingOnCreate) {
  Bound b = bind_text(R"({"description":"d"})", Mode::kCreate);
  expect_one(b, "title", "missing");
}

TEST(ModelBindTitle, EmptyIsTooShort) {
  expect_one(bind_text(R"({"title":""})", Mode::kCreate), "title", "string_too_short");
}

TEST(ModelBindTitle, LengthCountsCodePointsNotBytes) {
  // 200 code points, 100 + 200 + 150 = 650 bytes... mixed 2-, 3- and 4-byte characters.
  std::string t200 = repeat("é", 100) + repeat("😀", 50) + repeat("日", 50);
  ASSERT_GT(t200.size(), 200u);
  Bound ok = bind_text(R"({"title":")" + t200 + R"("})", Mode::kCreate);
  expect_ok(ok);
  EXPECT_EQ(ok.task.title, t200);
  EXPECT_EQ(ok.mask, FieldMask{1} << tasks::kTitle);

  for (std::string_view extra : {"é", "😀", "日", "a"}) {
    std::string t201 = t200 + std::string(extra);
    expect_one(bind_text(R"({"title":")" + t201 + R"("})", Mode::kCreate), "title",
               "string_too_long");
  }
  // ASCII: 200 fine, 201 too long.
  expect_ok(bind_text(R"({"title":")" + std::string(200, 'x') + R"("})", Mode::kCreate));
  expect_one(bind_text(R"({"title":")" + std::string(201, 'x') + R"("})", Mode::kCreate), "title",
             "string_too_long");
}

TEST(ModelBindTitle, EscapedCharactersCountAsOneCodePoint) {
  // 200 code points written as JSON escapes (6 or 12 bytes of source each).
  std::string t = repeat("\\u00e9", 100) + repeat("\\ud83d\\ude00", 100);
  Bound b = bind_text(R"({"title":")" + t + R"("})", Mode::kCreate);
  expect_ok(b);
  EXPECT_EQ(b.task.title, repeat("é", 100) + repeat("😀", 100));
  expect_one(bind_text(R"({"title":")" + t + R"(x"})", Mode::kCreate), "title", "string_too_long");
}

TEST(ModelBindTitle, WhiteSpaceOnlyIsBlank) {
  for (std::string_view t : {" ", "   ", "\\u3000", "\\u00a0", "\xe3\x80\x80", "\xc2\xa0",
                             " \\u3000\\u00a0\\u2028\\u202f\\u0085 "}) {
    SCOPED_TRACE(std::string(t));
    expect_one(bind_text(R"({"title":")" + std::string(t) + R"("})", Mode::kCreate), "title",
               "string_blank");
  }
}

TEST(ModelBindTitle, NonWhiteSpaceLookalikesAreAccepted) {
  // U+200B ZERO WIDTH SPACE and U+FEFF are not White_Space.
  for (std::string_view t : {"\\u200b", "\\ufeff", " . "}) {
    SCOPED_TRACE(std::string(t));
    expect_ok(bind_text(R"({"title":")" + std::string(t) + R"("})", Mode::kCreate));
  }
}

TEST(ModelBindTitle, KeptAsSentNotTrimmed) {
  Bound b = bind_text(R"({"title":" x "})", Mode::kCreate);
  expect_ok(b);
  EXPECT_EQ(b.task.title, " x ");
  Bound b2 = bind_text(R"({"title":"\u3000x\u00a0"})", Mode::kCreate);
  expect_ok(b2);
  EXPECT_EQ(b2.task.title, "\xe3\x80\x80x\xc2\xa0");
}

// Regression: raw control characters in a title were stored (and could end
// up in logs or in another system's headers: "a\r\nX-Injected: 1").
TEST(ModelBindTitle, ControlCharactersAreAPatternMismatch) {
  for (std::string_view t :
       {"a\\r\\nX-Injected: 1", "tab\\there", "\\u0000", "x\\u001f", "x\\u007f", "\\t\\n\\r"}) {
    SCOPED_TRACE(std::string(t));
    expect_one(bind_text(R"({"title":")" + std::string(t) + R"("})", Mode::kCreate), "title",
               "string_pattern_mismatch");
  }
  // C1 controls (U+0085) and other characters are not C0 controls.
  expect_ok(bind_text(R"({"title":"a\u0085b\u0080"})", Mode::kCreate));
}

TEST(ModelBindTags, ControlCharactersInATagAreRefusedAtItsIndex) {
  expect_one(bind_text(R"({"title":"x","tags":["ok","a\nb"]})", Mode::kCreate), "tags",
             "string_pattern_mismatch", 1);
}

TEST(ModelBindDescription, MayHoldNewlinesAndTabs) {
  Bound b = bind_text(R"({"title":"x","description":"line 1\n\tline 2\r\n"})", Mode::kCreate);
  expect_ok(b);
  EXPECT_EQ(b.task.description, "line 1\n\tline 2\r\n");
}

TEST(ModelBindStored, RowsWrittenUnderEarlierRulesStayReadable) {
  // Titles and tags stored before control characters were refused.
  expect_ok(bind_text(R"({"title":"a\r\nb","tags":["\t"]})", Mode::kStored));
}

TEST(ModelBindTitle, WrongType) {
  for (std::string_view v : {"1", "null", "true", "[]", "{}"}) {
    SCOPED_TRACE(std::string(v));
    expect_one(bind_text(R"({"title":)" + std::string(v) + "}", Mode::kCreate), "title",
               "string_type");
  }
}

// ---------------------------------------------------------------- description

TEST(ModelBindDescription, Bounds) {
  Bound empty = bind_text(with_title(R"("description":"")"), Mode::kCreate);
  expect_ok(empty);
  EXPECT_EQ(empty.task.description, "");

  std::string d2000 = repeat("日", 1000) + std::string(1000, 'a');
  Bound ok = bind_text(with_title(R"("description":")" + d2000 + "\""), Mode::kCreate);
  expect_ok(ok);
  EXPECT_EQ(ok.task.description, d2000);

  expect_one(bind_text(with_title(R"("description":")" + d2000 + "日\""), Mode::kCreate),
             "description", "string_too_long");
  expect_one(
      bind_text(with_title(R"("description":")" + std::string(2001, 'a') + "\""), Mode::kCreate),
      "description", "string_too_long");
  // Blank is fine for the description.
  expect_ok(bind_text(with_title(R"("description":"   ")"), Mode::kCreate));
  expect_one(bind_text(with_title(R"("description":5)"), Mode::kCreate), "description",
             "string_type");
}

// ---------------------------------------------------------------- status

TEST(ModelBindStatus, Values) {
  const std::pair<std::string_view, std::int64_t> cases[] = {
      {"pending", 0}, {"in_progress", 1}, {"done", 2}};
  for (auto [name, idx] : cases) {
    Task start;
    start.status = 99;
    Bound b =
        bind_text(with_title(R"("status":")" + std::string(name) + "\""), Mode::kCreate, start);
    expect_ok(b);
    EXPECT_EQ(b.task.status, idx) << name;
  }
  Bound dflt = bind_text(with_title(""), Mode::kCreate);
  expect_ok(dflt);
  EXPECT_EQ(dflt.task.status, 0);
}

TEST(ModelBindStatus, BadValues) {
  for (std::string_view v :
       {R"("Done")", R"("")", R"("finished")", R"(" done")", R"("in-progress")"}) {
    SCOPED_TRACE(std::string(v));
    Bound b = bind_text(with_title(R"("status":)" + std::string(v)), Mode::kCreate);
    expect_one(b, "status", "enum");
    if (!b.errs.empty()) {
      EXPECT_NE(b.errs[0].msg.find("'pending', 'in_progress' or 'done'"), std::string::npos)
          << b.errs[0].msg;
    }
  }
  expect_one(bind_text(with_title(R"("status":2)"), Mode::kCreate), "status", "string_type");
  expect_one(bind_text(with_title(R"("status":null)"), Mode::kCreate), "status", "string_type");
}

// ---------------------------------------------------------------- priority

TEST(ModelBindPriority, Range) {
  for (int p : {1, 2, 5}) {
    Bound b = bind_text(with_title(R"("priority":)" + std::to_string(p)), Mode::kCreate);
    expect_ok(b);
    EXPECT_EQ(b.task.priority, p);
  }
  expect_one(bind_text(with_title(R"("priority":0)"), Mode::kCreate), "priority",
             "greater_than_equal");
  expect_one(bind_text(with_title(R"("priority":-1)"), Mode::kCreate), "priority",
             "greater_than_equal");
  expect_one(bind_text(with_title(R"("priority":6)"), Mode::kCreate), "priority",
             "less_than_equal");
  expect_one(bind_text(with_title(R"("priority":9223372036854775807)"), Mode::kCreate), "priority",
             "less_than_equal");
}

TEST(ModelBindPriority, NotAnInteger) {
  for (std::string_view v : {R"("3")", "2.5", "1.0", "true", "null", "[1]", "{}"}) {
    SCOPED_TRACE(std::string(v));
    Task start;
    start.priority = 4;
    Bound b = bind_text(with_title(R"("priority":)" + std::string(v)), Mode::kCreate, start);
    expect_one(b, "priority", "int_type");
    EXPECT_EQ(b.task.priority, 4);  // untouched
  }
}

TEST(ModelBindPriority, BeyondInt64IsTooLarge) {
  // 2^63 and 2^64 - 1 are unsigned to simdjson; 2^64 exceeds every integer type.
  for (std::string_view v :
       {"9223372036854775808", "18446744073709551615", "18446744073709551616"}) {
    SCOPED_TRACE(std::string(v));
    expect_one(bind_text(with_title(R"("priority":)" + std::string(v)), Mode::kCreate), "priority",
               "less_than_equal");
  }
}

TEST(ModelBindPriority, BelowInt64IsTooSmall) {
  for (std::string_view v :
       {"-9223372036854775809", "-18446744073709551616", "-99999999999999999999999999999"}) {
    SCOPED_TRACE(std::string(v));
    expect_one(bind_text(with_title(R"("priority":)" + std::string(v)), Mode::kCreate), "priority",
               "greater_than_equal");
  }
}

TEST(ModelBindPriority, HugeIntegersLeaveStringsAndOtherFieldsIntact) {
  // Digits inside strings (including after an escaped quote) are text, not numbers.
  Bound b = bind_text(R"({"title":"a\"123456789012345678901234","priority":18446744073709551616,)"
                      R"("tags":["99999999999999999999"],"description":"-99999999999999999999"})",
                      Mode::kCreate);
  expect_one(b, "priority", "less_than_equal");
  EXPECT_EQ(b.task.title, "a\"123456789012345678901234");
  EXPECT_EQ(b.task.tags, (std::vector<std::string>{"99999999999999999999"}));
  EXPECT_EQ(b.task.description, "-99999999999999999999");

  // A huge integer where a string is expected is a type error on that field.
  Bound t =
      bind_text(with_title(R"("tags":["a",123456789012345678901234],"priority":2)"), Mode::kCreate);
  expect_one(t, "tags", "string_type", 1);
  EXPECT_EQ(t.task.priority, 2);
}

// ---------------------------------------------------------------- due_at

TEST(ModelBindDueAt, NullAndDefault) {
  Task start;
  start.due_at = 5;
  Bound b = bind_text(with_title(R"("due_at":null)"), Mode::kCreate, start);
  expect_ok(b);
  EXPECT_FALSE(b.task.due_at.has_value());
  EXPECT_TRUE(b.mask & (FieldMask{1} << tasks::kDueAt));

  Bound none = bind_text(with_title(""), Mode::kCreate);
  EXPECT_FALSE(none.task.due_at.has_value());
  EXPECT_FALSE(none.mask & (FieldMask{1} << tasks::kDueAt));
}

TEST(ModelBindDueAt, OffsetsConvertToUtcMilliseconds) {
  constexpr std::int64_t kExpected = 1795339800123;  // 2026-11-22T09:30:00.123Z
  for (std::string_view v : {"2026-11-22T09:30:00.123Z", "2026-11-22T10:30:00.123+01:00",
                             "2026-11-22T04:00:00.123-05:30", "2026-11-22t09:30:00.123z",
                             "2026-11-22T09:30:00.123999Z"}) {
    SCOPED_TRACE(std::string(v));
    Bound b = bind_text(with_title(R"("due_at":")" + std::string(v) + "\""), Mode::kCreate);
    expect_ok(b);
    ASSERT_TRUE(b.task.due_at.has_value());
    EXPECT_EQ(*b.task.due_at, kExpected);
  }
  Bound b = bind_text(with_title(R"("due_at":"2026-11-23T00:30:00+15:00")"), Mode::kCreate);
  expect_ok(b);
  std::string json = tasks::serialize(b.task);
  EXPECT_NE(json.find(R"("due_at":"2026-11-22T09:30:00.000Z")"), std::string::npos) << json;
}

TEST(ModelBindDueAt, BadText) {
  for (std::string_view v :
       {"tomorrow", "", "2026-11-22", "2026-02-30T00:00:00Z", "2026-11-22T24:00:00Z",
        "2026-11-22T09:30:00", "2026-11-22T09:30:00Zx", "2026-11-22 09:30:00Z"}) {
    SCOPED_TRACE(std::string(v));
    expect_one(bind_text(with_title(R"("due_at":")" + std::string(v) + "\""), Mode::kCreate),
               "due_at", "datetime_parsing");
  }
}

TEST(ModelBindDueAt, WrongType) {
  for (std::string_view v : {"1795339800123", "true", "[]", "{}"}) {
    SCOPED_TRACE(std::string(v));
    expect_one(bind_text(with_title(R"("due_at":)" + std::string(v)), Mode::kCreate), "due_at",
               "datetime_type");
  }
}

// ---------------------------------------------------------------- tags

std::string tag_list(int n, std::string_view prefix = "t") {
  std::string s = "[";
  for (int i = 0; i < n; ++i) {
    if (i) s += ",";
    s += "\"" + std::string(prefix) + std::to_string(i) + "\"";
  }
  return s + "]";
}

TEST(ModelBindTags, NotAList) {
  for (std::string_view v : {R"("work")", "null", "1", R"({"a":"b"})"}) {
    SCOPED_TRACE(std::string(v));
    expect_one(bind_text(with_title(R"("tags":)" + std::string(v)), Mode::kCreate), "tags",
               "list_type");
  }
}

TEST(ModelBindTags, Count) {
  Bound zero = bind_text(with_title(R"("tags":[])"), Mode::kCreate);
  expect_ok(zero);
  EXPECT_TRUE(zero.task.tags.empty());

  Bound twenty = bind_text(with_title(R"("tags":)" + tag_list(20)), Mode::kCreate);
  expect_ok(twenty);
  ASSERT_EQ(twenty.task.tags.size(), 20u);
  EXPECT_EQ(twenty.task.tags[0], "t0");
  EXPECT_EQ(twenty.task.tags[19], "t19");

  expect_one(bind_text(with_title(R"("tags":)" + tag_list(21)), Mode::kCreate), "tags", "too_long");
}

TEST(ModelBindTags, ItemLength) {
  std::string t50 = repeat("😀", 25) + repeat("é", 25);
  Bound ok = bind_text(with_title(R"("tags":[")" + t50 + "\"]"), Mode::kCreate);
  expect_ok(ok);
  ASSERT_EQ(ok.task.tags.size(), 1u);
  EXPECT_EQ(ok.task.tags[0], t50);

  expect_one(bind_text(with_title(R"("tags":["a",")" + t50 + "日\"]"), Mode::kCreate), "tags",
             "string_too_long", 1);
  expect_one(bind_text(with_title(R"("tags":["a","b",""])"), Mode::kCreate), "tags",
             "string_too_short", 2);
}

TEST(ModelBindTags, NonStringItem) {
  Bound b = bind_text(with_title(R"("tags":["a",1,null,"b"])"), Mode::kCreate);
  ASSERT_EQ(b.errs.size(), 2u) << dump(b.errs);
  EXPECT_EQ(b.errs[0].field, "tags");
  EXPECT_EQ(b.errs[0].index, 1);
  EXPECT_EQ(b.errs[0].type, "string_type");
  EXPECT_EQ(b.errs[1].field, "tags");
  EXPECT_EQ(b.errs[1].index, 2);
  EXPECT_EQ(b.errs[1].type, "string_type");
}

TEST(ModelBindTags, DuplicatesReportedAtTheLaterIndex) {
  expect_one(bind_text(with_title(R"("tags":["a","b","a"])"), Mode::kCreate), "tags", "list_unique",
             2);
  expect_one(bind_text(with_title(R"("tags":["x","y","z","y"])"), Mode::kCreate), "tags",
             "list_unique", 3);
  // Escaped and raw forms of the same text are the same string.
  expect_one(bind_text(with_title(R"("tags":["é","\u00e9"])"), Mode::kCreate), "tags",
             "list_unique", 1);
}

TEST(ModelBindTags, ComparisonIsCaseSensitiveAndOrderIsKept) {
  Bound b = bind_text(with_title(R"("tags":["b","a","A","B"])"), Mode::kCreate);
  expect_ok(b);
  EXPECT_EQ(b.task.tags, (std::vector<std::string>{"b", "a", "A", "B"}));
}

// ---------------------------------------------------------------- object level

TEST(ModelBindObject, UnknownFieldIsForbidden) {
  Bound b = bind_text(R"({"title":"x","titel":"y"})", Mode::kCreate);
  expect_one(b, "titel", "extra_forbidden");
  Bound u = bind_text(R"({"Status":"done"})", Mode::kUpdate);
  expect_one(u, "Status", "extra_forbidden");
}

TEST(ModelBindObject, ReadOnlyFieldsRejectedInCreateAndUpdate) {
  const std::string_view members[] = {
      R"("id":"01936f4e-8a3c-7b2e-9c1d-5f0a2b3c4d5e")",
      R"("created_at":"2026-11-22T09:30:00.123Z")",
      R"("updated_at":"2026-11-22T09:30:00.123Z")",
      R"("version":1)",
  };
  const std::string_view names[] = {"id", "created_at", "updated_at", "version"};
  for (Mode mode : {Mode::kCreate, Mode::kUpdate}) {
    for (std::size_t i = 0; i < std::size(members); ++i) {
      SCOPED_TRACE(std::string(names[i]));
      Bound b = bind_text(with_title(members[i]), mode);
      expect_one(b, names[i], "read_only");
      EXPECT_EQ(b.task.id, util::Uuid{});
      EXPECT_EQ(b.task.version, 0);
      EXPECT_EQ(b.task.created_at, 0);
    }
    // Even a wrongly typed read-only field is reported as read-only.
    expect_one(bind_text(with_title(R"("version":"x")"), mode), "version", "read_only");
  }
}

TEST(ModelBindObject, ReadOnlyFieldsAcceptedWhenStored) {
  Bound b = bind_text(
      R"({"id":"01936f4e-8a3c-7b2e-9c1d-5f0a2b3c4d5e","title":"x","created_at":"2026-11-22T09:30:00.123Z",)"
      R"("updated_at":"2026-11-22T09:30:01.000Z","version":7})",
      Mode::kStored);
  expect_ok(b);
  util::Uuid id;
  ASSERT_TRUE(util::parse_uuid("01936f4e-8a3c-7b2e-9c1d-5f0a2b3c4d5e", id));
  EXPECT_EQ(b.task.id, id);
  EXPECT_EQ(b.task.created_at, 1795339800123);
  EXPECT_EQ(b.task.updated_at, 1795339801000);
  EXPECT_EQ(b.task.version, 7);
}

TEST(ModelBindObject, DuplicateKey) {
  Bound b = bind_text(R"({"title":"a","title":"b"})", Mode::kCreate);
  expect_one(b, "title", "duplicate_key");
  Bound u = bind_text(R"({"priority":2,"status":"done","priority":2})", Mode::kUpdate);
  expect_one(u, "priority", "duplicate_key");
}

TEST(ModelBindObject, UpdateWithNoFields) {
  Bound b = bind_text("{}", Mode::kUpdate);
  ASSERT_EQ(b.errs.size(), 1u) << dump(b.errs);
  EXPECT_EQ(b.errs[0].source, "body");
  EXPECT_EQ(b.errs[0].field, "");
  EXPECT_EQ(b.errs[0].index, -1);
  EXPECT_EQ(b.errs[0].type, "no_fields");
  EXPECT_EQ(b.mask, 0u);
}

TEST(ModelBindObject, UpdateTakesAnySubsetWithoutRequiredFields) {
  Task start;
  start.title = "keep";
  Bound b = bind_text(R"({"status":"done","tags":["x"]})", Mode::kUpdate, start);
  expect_ok(b);
  EXPECT_EQ(b.mask, (FieldMask{1} << tasks::kStatus) | (FieldMask{1} << tasks::kTags));
  EXPECT_EQ(b.task.title, "keep");
  EXPECT_EQ(b.task.status, 2);
}

TEST(ModelBindObject, CreateWithOnlyUnknownField) {
  // {} on create: the title is missing; an unknown field plus the missing title: both reported.
  expect_one(bind_text("{}", Mode::kCreate), "title", "missing");
  Bound b = bind_text(R"({"name":"x"})", Mode::kCreate);
  ASSERT_EQ(b.errs.size(), 2u) << dump(b.errs);
}

TEST(ModelBindObject, EveryErrorIsCollected) {
  Bound b =
      bind_text(R"({"title":"","status":"nope","priority":9,"due_at":"soon","tags":["a","a"]})",
                Mode::kCreate);
  ASSERT_EQ(b.errs.size(), 5u) << dump(b.errs);
  const std::pair<std::string_view, std::string_view> expected[] = {
      {"title", "string_too_short"},  {"status", "enum"},      {"priority", "less_than_equal"},
      {"due_at", "datetime_parsing"}, {"tags", "list_unique"},
  };
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(b.errs[i].source, "body");
    EXPECT_EQ(b.errs[i].field, expected[i].first);
    EXPECT_EQ(b.errs[i].type, expected[i].second);
  }
  EXPECT_EQ(b.errs[4].index, 1);

  Bound c =
      bind_text(R"({"extra":1,"id":"x","priority":"1","description":7,"tags":"t"})", Mode::kCreate);
  // extra_forbidden, read_only, int_type, string_type, list_type, and the missing title.
  EXPECT_EQ(c.errs.size(), 6u) << dump(c.errs);
}

// ---------------------------------------------------------------- serialize / round trip

Task full_task() {
  Task t;
  EXPECT_TRUE(util::parse_uuid("01936f4e-8a3c-7b2e-9c1d-5f0a2b3c4d5e", t.id));
  t.title = "q\"uote\\back/slash é 😀 日 \xe2\x80\xa8 end";
  t.description = std::string("line1\nline2 \"quoted\" \\ \x7f \x01\x1f\n\t\r\b\f ") +
                  std::string(1, '\0') + " end";
  t.status = 1;
  t.priority = 4;
  t.due_at = 1795339800123;
  t.tags = {"work", "\"q\"", "a\\b", "😀", "\xe2\x80\xa8"};
  t.created_at = 946684800000;
  t.updated_at = 946684800001;
  t.version = 12;
  return t;
}

void expect_same(const Task& a, const Task& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.title, b.title);
  EXPECT_EQ(a.description, b.description);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.priority, b.priority);
  EXPECT_EQ(a.due_at, b.due_at);
  EXPECT_EQ(a.tags, b.tags);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.updated_at, b.updated_at);
  EXPECT_EQ(a.version, b.version);
}

TEST(ModelSerialize, RoundTripThroughStoredMode) {
  Task t = full_task();
  std::string json = tasks::serialize(t);
  Bound back = bind_text(json, Mode::kStored);
  expect_ok(back);
  EXPECT_EQ(back.mask, (FieldMask{1} << 10) - 1);
  expect_same(back.task, t);
  // And serializing again gives the same bytes.
  EXPECT_EQ(tasks::serialize(back.task), json);
}

TEST(ModelSerialize, RoundTripOfAValidatedCreateBody) {
  Bound created = bind_text(
      R"({"title":"Write \"the\" report\\ \u3000é😀","description":"d\n\u0001","status":"done",)"
      R"("priority":5,"due_at":"2026-11-22T10:30:00.123+01:00","tags":["work","日本"]})",
      Mode::kCreate);
  expect_ok(created);
  Task t = created.task;
  t.created_at = t.updated_at = 1795339800123;
  t.version = 1;
  std::string json = tasks::serialize(t);
  Bound back = bind_text(json, Mode::kStored);
  expect_ok(back);
  expect_same(back.task, t);
  EXPECT_EQ(back.task.title,
            "Write \"the\" report\\ \xe3\x80\x80"
            "é😀");
  EXPECT_EQ(back.task.description, "d\n\x01");
}

TEST(ModelSerialize, KeyOrderAndShapes) {
  Task t = full_task();
  std::string json = tasks::serialize(t);
  std::string buf;
  buf.reserve(json.size() + simdjson::SIMDJSON_PADDING);
  buf = json;
  JsonInput in;
  simdjson::dom::element doc;
  std::string_view reason;
  ASSERT_TRUE(in.parse(buf, doc, reason)) << reason;
  simdjson::dom::object obj;
  ASSERT_FALSE(doc.get_object().get(obj));
  std::vector<std::string> keys;
  for (auto [k, v] : obj) keys.emplace_back(k);
  EXPECT_EQ(keys,
            (std::vector<std::string>{"id", "title", "description", "status", "priority", "due_at",
                                      "tags", "created_at", "updated_at", "version"}));
  EXPECT_EQ(json.rfind(R"({"id":"01936f4e-8a3c-7b2e-9c1d-5f0a2b3c4d5e",)", 0), 0u) << json;
  EXPECT_NE(
      json.find(R"("status":"in_progress","priority":4,"due_at":"2026-11-22T09:30:00.123Z",)"),
      std::string::npos)
      << json;
  EXPECT_NE(
      json.find(
          R"("created_at":"2000-01-01T00:00:00.000Z","updated_at":"2000-01-01T00:00:00.001Z","version":12})"),
      std::string::npos)
      << json;

  Task empty;
  empty.title = "x";
  std::string e = tasks::serialize(empty);
  EXPECT_NE(e.find(R"("due_at":null,"tags":[],)"), std::string::npos) << e;
}

TEST(ModelSerialize, ControlCharactersAreEscaped) {
  Task t;
  t.title = std::string("a\x01\n\"\\") + std::string(1, '\0');
  std::string json = tasks::serialize(t);
  for (char c : json) {
    EXPECT_GE(static_cast<unsigned char>(c), 0x20u) << "raw control byte in " << json;
  }
}

// ---------------------------------------------------------------- copy_writable

TEST(ModelCopyWritable, CopiesOnlyMaskedFields) {
  Task src = full_task();
  Task dst;
  dst.title = "old";
  dst.description = "old d";
  dst.status = 0;
  dst.priority = 1;
  dst.tags = {"old"};
  FieldMask mask = (FieldMask{1} << tasks::kTitle) | (FieldMask{1} << tasks::kTags);
  copy_writable(kTaskModel, src, mask, dst);
  EXPECT_EQ(dst.title, src.title);
  EXPECT_EQ(dst.tags, src.tags);
  EXPECT_EQ(dst.description, "old d");
  EXPECT_EQ(dst.status, 0);
  EXPECT_EQ(dst.priority, 1);
  EXPECT_FALSE(dst.due_at.has_value());

  copy_writable(kTaskModel, src, FieldMask{1} << tasks::kDueAt, dst);
  EXPECT_EQ(dst.due_at, src.due_at);
  // A null due_at in the patch clears it.
  Task clear;
  copy_writable(kTaskModel, clear, FieldMask{1} << tasks::kDueAt, dst);
  EXPECT_FALSE(dst.due_at.has_value());
}

TEST(ModelCopyWritable, NeverCopiesReadOnlyFields) {
  Task src = full_task();
  Task dst;
  ASSERT_TRUE(util::parse_uuid("00000000-0000-7000-8000-000000000001", dst.id));
  dst.created_at = 1;
  dst.updated_at = 2;
  dst.version = 3;
  const util::Uuid dst_id = dst.id;
  copy_writable(kTaskModel, src, ~FieldMask{0}, dst);
  EXPECT_EQ(dst.id, dst_id);
  EXPECT_EQ(dst.created_at, 1);
  EXPECT_EQ(dst.updated_at, 2);
  EXPECT_EQ(dst.version, 3);
  // Everything writable was copied.
  EXPECT_EQ(dst.title, src.title);
  EXPECT_EQ(dst.description, src.description);
  EXPECT_EQ(dst.status, src.status);
  EXPECT_EQ(dst.priority, src.priority);
  EXPECT_EQ(dst.due_at, src.due_at);
  EXPECT_EQ(dst.tags, src.tags);
}

TEST(ModelCopyWritable, ApplyPatchIsCopyWritable) {
  Task src = full_task();
  Task dst;
  tasks::apply_patch(dst, src, FieldMask{1} << tasks::kPriority | FieldMask{1} << tasks::kVersion);
  EXPECT_EQ(dst.priority, 4);
  EXPECT_EQ(dst.version, 0);
  EXPECT_EQ(dst.title, "");
}

}  // namespace
}  // namespace brisk::api
