#include "tasks/task_rules.hpp"

#include <algorithm>
#include <utility>

#include "api/json_input.hpp"
#include "api/model_bind.hpp"
#include "tasks/task_events.hpp"
#include "util/uuid.hpp"

namespace brisk::tasks {

namespace {

store::IndexedText indexed_text(Task&& t) {
  return {std::move(t.title), std::move(t.description), std::move(t.tags)};
}

}  // namespace

store::TaskRow to_row(store::Owner owner, Task&& t, std::string&& body) {
  store::TaskRow r;
  r.id = t.id;
  r.owner = owner;
  r.status = t.status;
  r.priority = t.priority;
  r.due_at = t.due_at;
  r.title = std::move(t.title);
  r.created_at = t.created_at;
  r.updated_at = t.updated_at;
  r.version = t.version;
  r.body = std::move(body);
  r.description = std::move(t.description);
  r.tags = std::move(t.tags);
  return r;
}

store::CreateTask create_task(store::TaskRow&& row) {
  store::CreateTask c;
  c.row = std::move(row);
  c.event = created_event(c.row);
  return c;
}

store::ImportTask import_task(store::TaskRow&& row) {
  store::ImportTask t;
  t.row = std::move(row);
  t.event = created_event(t.row);
  return t;
}

store::TaskRow new_task(store::Owner owner, Task&& fields, std::int64_t now) {
  fields.id = util::next_uuid7(now);
  fields.created_at = fields.updated_at = now;
  fields.version = 1;
  std::string body = serialize(fields);
  return to_row(owner, std::move(fields), std::move(body));
}

bool parse_stored(std::string_view json, Task& out) {
  simdjson::dom::element doc;
  simdjson::dom::object obj;
  if (!api::thread_json_input().parse_copy(json, doc) || doc.get_object().get(obj)) return false;
  api::Errors errs;
  api::bind(kTaskModel, obj, api::Mode::kStored, out, errs);
  return errs.empty();
}

store::UpdateTask update_task(store::Owner owner, Task&& before, const Task& patch,
                              api::FieldMask mask, std::int64_t now) {
  Task after = before;
  apply_patch(after, patch, mask);
  after.version = before.version + 1;
  after.updated_at = std::max(now, before.updated_at);
  std::string body = serialize(after);
  store::UpdateTask u;
  u.expected_version = before.version;
  u.row = to_row(owner, std::move(after), std::move(body));
  u.before = indexed_text(std::move(before));
  u.event = updated_event(u.row);
  return u;
}

store::DeleteTask delete_task(store::Owner owner, Task&& before) {
  store::DeleteTask d;
  d.owner = owner;
  d.id = before.id;
  d.created_at = before.created_at;
  d.expected_version = before.version;
  d.before = indexed_text(std::move(before));
  d.event = deleted_event(d.id);
  return d;
}

}  // namespace brisk::tasks
