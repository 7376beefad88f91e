// JSON bodies of POST /tasks (create), PUT and PATCH /tasks/{id} (update),
// bound to tasks::kTaskModel as the handlers bind them.
//
// Properties:
// - an accepted body satisfies every rule of API.md's table, checked here
//   independently of the model (lengths in code points, blank titles,
//   control characters, enums, ranges, distinct tags, no read-only field);
// - its fields written out again as JSON bind to the same values and the
//   same set of fields (re-serialize, bind again);
// - the stored form round-trips: a create's served JSON (new_task) and an
//   update's (update_task, on a fixed task) read back (parse_stored) as the
//   task the rules say, and an update changes exactly the fields sent;
// - a rejected body yields a 422 whose JSON lists every error.
#include <cstdint>
#include <string>
#include <string_view>

#include "api/json_input.hpp"
#include "api/model_bind.hpp"
#include "check.hpp"
#include "support.hpp"
#include "tasks/task.hpp"
#include "tasks/task_rules.hpp"
#include "util/text.hpp"
#include "util/uuid.hpp"

namespace {

using namespace brisk;
using tasks::kTaskFields;
using tasks::Task;

constexpr std::int64_t kNow = 1'790'000'000'000;

bool same_field(const api::Field<Task>& f, const Task& a, const Task& b) {
  if (f.str) return a.*f.str == b.*f.str;
  if (f.integer) return a.*f.integer == b.*f.integer;
  if (f.nullable_time) return a.*f.nullable_time == b.*f.nullable_time;
  if (f.list) return a.*f.list == b.*f.list;
  return a.*f.uuid == b.*f.uuid;
}

bool same(const Task& a, const Task& b, api::FieldMask mask = ~api::FieldMask{0}) {
  for (unsigned i = 0; i < std::size(kTaskFields); ++i) {
    if ((mask >> i & 1) && !same_field(kTaskFields[i], a, b)) return false;
  }
  return true;
}

bool blank(std::string_view s) {
  return util::utf8_all_white_space(s);
}

// API.md's rules for the fields present in `mask`, written out again.
void check_rules(const Task& t, api::FieldMask mask, api::Mode mode) {
  auto has = [&](unsigned i) { return (mask >> i & 1) != 0; };
  for (unsigned i : {tasks::kId, tasks::kCreatedAt, tasks::kUpdatedAt, tasks::kVersion}) {
    FUZZ_CHECK(!has(i));  // read-only fields are refused
  }
  if (mode == api::Mode::kCreate) FUZZ_CHECK(has(tasks::kTitle));
  if (mode == api::Mode::kUpdate) FUZZ_CHECK(mask != 0);
  if (has(tasks::kTitle)) {
    const std::size_t n = util::utf8_code_points(t.title);
    FUZZ_CHECK(n >= 1 && n <= 200 && !blank(t.title) && util::no_control_chars(t.title));
  }
  if (has(tasks::kDescription)) FUZZ_CHECK(util::utf8_code_points(t.description) <= 2000);
  if (has(tasks::kStatus)) FUZZ_CHECK(t.status >= 0 && t.status <= 2);
  if (has(tasks::kPriority)) FUZZ_CHECK(t.priority >= 1 && t.priority <= 5);
  if (has(tasks::kTags)) {
    FUZZ_CHECK(t.tags.size() <= 20);
    for (std::size_t i = 0; i < t.tags.size(); ++i) {
      const std::size_t n = util::utf8_code_points(t.tags[i]);
      FUZZ_CHECK(n >= 1 && n <= 50 && util::no_control_chars(t.tags[i]));
      for (std::size_t j = 0; j < i; ++j) FUZZ_CHECK(t.tags[i] != t.tags[j]);
    }
  }
}

// The fields of `mask` as a JSON object.
std::string write_fields(const Task& t, api::FieldMask mask) {
  std::string out;
  util::JsonWriter w(out);
  w.StartObject();
  for (unsigned i = 0; i < std::size(kTaskFields); ++i) {
    if (!(mask >> i & 1)) continue;
    w.Key(kTaskFields[i].name);
    api::detail::write_value(kTaskFields[i], t, w);
  }
  w.EndObject();
  return out;
}

api::FieldMask bind_text(std::string_view text, api::Mode mode, Task& out, api::Errors& errs) {
  std::string body = fuzz::padded(text);
  simdjson::dom::element doc;
  std::string_view reason;
  simdjson::dom::object obj;
  FUZZ_CHECK(api::thread_json_input().parse(body, doc, reason));
  FUZZ_CHECK(!doc.get_object().get(obj));
  return api::bind(tasks::kTaskModel, obj, mode, out, errs);
}

Task stored(std::string_view json) {
  Task t;
  FUZZ_CHECK(tasks::parse_stored(json, t));
  return t;
}

void check_create(const Task& fields, api::FieldMask mask) {
  store::TaskRow row = tasks::new_task(7, Task(fields), kNow);
  Task back = stored(row.body);
  FUZZ_CHECK(back.version == 1 && back.created_at == kNow && back.updated_at == kNow);
  FUZZ_CHECK(back.id == row.id);
  Task expect;  // defaults, then what was sent
  api::copy_writable(tasks::kTaskModel, fields, mask, expect);
  for (unsigned i : {tasks::kTitle, tasks::kDescription, tasks::kStatus, tasks::kPriority,
                     tasks::kDueAt, tasks::kTags}) {
    FUZZ_CHECK(same_field(kTaskFields[i], back, expect));
  }
}

void check_update(const Task& patch, api::FieldMask mask) {
  Task before;
  before.id = util::next_uuid7(kNow - 5000);
  before.title = "Write the report";
  before.description = "by Friday";
  before.status = 1;
  before.priority = 3;
  before.due_at = kNow + 86'400'000;
  before.tags = {"work", "q4"};
  before.created_at = before.updated_at = kNow - 5000;
  before.version = 4;
  store::UpdateTask u = tasks::update_task(7, Task(before), patch, mask, kNow);
  FUZZ_CHECK(u.expected_version == 4);
  Task after = stored(u.row.body);
  FUZZ_CHECK(after.version == 5 && after.updated_at == kNow && after.id == before.id);
  FUZZ_CHECK(after.created_at == before.created_at);
  for (unsigned i : {tasks::kTitle, tasks::kDescription, tasks::kStatus, tasks::kPriority,
                     tasks::kDueAt, tasks::kTags}) {
    const Task& expect = (mask >> i & 1) ? patch : before;
    FUZZ_CHECK(same_field(kTaskFields[i], after, expect));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const api::Mode mode = data[0] & 1 ? api::Mode::kUpdate : api::Mode::kCreate;
  std::string body = fuzz::padded({reinterpret_cast<const char*>(data) + 1, size - 1});
  simdjson::dom::element doc;
  std::string_view reason;
  if (!api::thread_json_input().parse(body, doc, reason)) {
    FUZZ_CHECK(!reason.empty());  // a 400 with its reason
    return 0;
  }
  simdjson::dom::object obj;
  if (doc.get_object().get(obj)) return 0;  // a 400: not an object
  Task t;
  api::Errors errs;
  const api::FieldMask mask = api::bind(tasks::kTaskModel, obj, mode, t, errs);
  if (!errs.empty()) {
    for (const api::FieldError& e : errs) FUZZ_CHECK(e.source == "body");
    fuzz::check_problem_body(errs);
    return 0;
  }
  check_rules(t, mask, mode);
  // Written out and bound again: the same fields with the same values.
  Task again;
  api::Errors errs2;
  const api::FieldMask mask2 = bind_text(write_fields(t, mask), mode, again, errs2);
  FUZZ_CHECK(errs2.empty() && mask2 == mask && same(t, again, mask));
  if (mode == api::Mode::kCreate) {
    check_create(t, mask);
  } else {
    check_update(t, mask);
  }
  return 0;
}
