// Test support for the store's own tests (any backend): rows made the way
// the task service makes them, without the task rules. A row's body is a
// JSON object of its fields (as a served task is), so a test can compare
// what the indexes hold with what the bodies say. Included by tests only.
#pragma once
#include <future>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/store.hpp"
#include "util/json_writer.hpp"

namespace brisk::store::testing {

using util::uuid_text;

// The body: {"id", "title", "description", "status", "priority", "due_at",
// "tags", "created_at", "updated_at", "version"} of `r` (times as numbers).
inline std::string body_of(const TaskRow& r) {
  std::string out;
  util::JsonWriter w(out);
  w.StartObject();
  w.Key("id");
  w.String(uuid_text(r.id));
  w.Key("title");
  w.String(r.title);
  w.Key("description");
  w.String(r.description);
  w.Key("status");
  w.Int64(r.status);
  w.Key("priority");
  w.Int64(r.priority);
  w.Key("due_at");
  if (r.due_at) {
    w.Int64(*r.due_at);
  } else {
    w.Null();
  }
  w.Key("tags");
  w.StartArray();
  for (const std::string& t : r.tags) w.String(t);
  w.EndArray();
  w.Key("created_at");
  w.Int64(r.created_at);
  w.Key("updated_at");
  w.Int64(r.updated_at);
  w.Key("version");
  w.Int64(r.version);
  w.EndObject();
  return out;
}

// A new task row for `owner` with a fresh UUIDv7, version 1, created now
// (or at `at`), and its body.
inline TaskRow new_row(std::string title, Owner owner = kLocalOwner, std::int64_t at = 0) {
  TaskRow r;
  r.created_at = r.updated_at = at ? at : 1'700'000'000'000;
  r.id = util::next_uuid7(r.created_at);
  r.owner = owner;
  r.priority = 1;
  r.version = 1;
  r.title = std::move(title);
  r.body = body_of(r);
  return r;
}

inline IndexedText text_of(const TaskRow& r) {
  return {r.title, r.description, r.tags};
}

// The update of `before` by `change` (applied to a copy): version + 1,
// compare-and-set on before's version, body rewritten.
template <class Change>
UpdateTask update_of(const TaskRow& before, Change&& change) {
  UpdateTask u{before, before.version, text_of(before)};
  change(u.row);
  u.row.version = before.version + 1;
  u.row.body = body_of(u.row);
  return u;
}

inline DeleteTask delete_of(const TaskRow& before) {
  return {before.owner, before.id, before.created_at, before.version, text_of(before)};
}

// Submits `cmd` and waits for its result.
inline WriteResult run(Store& s, Command cmd) {
  auto p = std::make_shared<std::promise<WriteResult>>();
  auto f = p->get_future();
  s.submit({std::move(cmd), [p](WriteResult&& r) { p->set_value(std::move(r)); }});
  return f.get();
}

// Queues `cmd` (committed at the next flush); the future completes with its result.
inline std::future<WriteResult> enqueue(Store& s, Command cmd) {
  auto p = std::make_shared<std::promise<WriteResult>>();
  auto f = p->get_future();
  s.enqueue({std::move(cmd), [p](WriteResult&& r) { p->set_value(std::move(r)); }});
  return f;
}

// Reads through the *_async form, which every backend answers (SQLite
// inline, PostgreSQL from the reader's loop), and waits for the answer.
inline TaskRead read_task(Reader& r, Owner owner, const util::Uuid& id) {
  std::promise<TaskRead> p;
  auto f = p.get_future();
  r.get_async(owner, id, [&p](TaskRead&& t) { p.set_value(std::move(t)); });
  return f.get();
}

inline ListRead read_list(Reader& r, const ListSpec& q) {
  std::promise<ListRead> p;
  auto f = p.get_future();
  r.list_async(q, [&p](ListRead&& l) { p.set_value(std::move(l)); }, {});
  return f.get();
}

inline UserRead read_user(Reader& r, std::string_view username) {
  std::promise<UserRead> p;
  auto f = p.get_future();
  r.user_by_name_async(username, [&p](UserRead&& u) { p.set_value(std::move(u)); });
  return f.get();
}

}  // namespace brisk::store::testing
