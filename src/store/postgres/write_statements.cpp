#include "store/postgres/write_statements.hpp"

#include <vector>

#include "store/postgres/event_sql.hpp"
#include "store/postgres/rows.hpp"
#include "store/postgres/text_index.hpp"

namespace brisk::store::postgres {

namespace {

// The derived columns, after the table's: tags, search and title_key.
constexpr const char* kDerived = ", tags, search, title_key";

std::string derived_placeholders(int n) {
  return "$" + std::to_string(n) + "::bytea[], $" + std::to_string(n + 1) + "::tsvector, $" +
         std::to_string(n + 2) + "::bytea";
}
constexpr int kTaskParams = static_cast<int>(kTaskColumns.size()) + 3;

std::string task_values(int first) {
  return placeholders(kTaskCols, first) + ", " +
         derived_placeholders(first + static_cast<int>(kTaskColumns.size()));
}

std::string set_list() {
  std::string s;
  int n = 1;
  for (const Column<TaskRow>& c : kTaskCols) {
    if (!c.updatable) continue;
    s += std::string(c.name) + " = $" + std::to_string(n++) + "::" + sql_type(c) + ", ";
  }
  s += "tags = $" + std::to_string(n) + "::bytea[], search = $" + std::to_string(n + 1) +
       "::tsvector, title_key = $" + std::to_string(n + 2) + "::bytea";
  return s;
}
int updatable_params() {
  int n = 3;  // tags, search, title_key
  for (const Column<TaskRow>& c : kTaskCols) n += c.updatable ? 1 : 0;
  return n;
}

// A keyed create claims its key first: a live record answers (replay or
// mismatch); a new or expired one is written, and only then the task. A
// record another instance committed after this statement's snapshot makes
// the claim fail (ON CONFLICT ... WHERE false): that request was in flight,
// and this one gets 409.
std::string insert_keyed_sql(const std::string& cols, bool event) {
  const std::string k = std::to_string(kTaskParams + 1);      // key
  const std::string req = std::to_string(kTaskParams + 2);    // request body
  const std::string since = std::to_string(kTaskParams + 3);  // unexpired from
  return "WITH prev AS (SELECT request, response, task_id FROM idempotency"
         " WHERE owner = $2::bigint AND key = $" +
         k + "::text AND created_at >= $" + since +
         "::bigint),"
         " claim AS (INSERT INTO idempotency (owner, key, request, response, task_id, created_at)"
         " SELECT $2::bigint, $" +
         k + "::text, $" + req +
         "::bytea, $10::text, $1::uuid,"
         " $7::bigint WHERE NOT EXISTS (SELECT 1 FROM prev)"
         " ON CONFLICT (owner, key) DO UPDATE SET request = EXCLUDED.request,"
         " response = EXCLUDED.response, task_id = EXCLUDED.task_id,"
         " created_at = EXCLUDED.created_at WHERE idempotency.created_at < $" +
         since +
         "::bigint RETURNING 1),"
         " ins AS (INSERT INTO tasks (" +
         cols + ") SELECT " + task_values(1) + " FROM claim" +
         (event ? " RETURNING owner), " + event_cte("ins", kTaskParams + 4) : ")") +
         " SELECT (SELECT count(*) FROM claim), p.request = $" + req +
         "::bytea, p.response, p.task_id" + (event ? ", (SELECT id FROM e)" : "") +
         " FROM (SELECT 1) AS one LEFT JOIN prev AS p ON true";
}

// Compare-and-set: the row changes only at the expected version. The
// second column (the row's owner in the statement's snapshot) tells a
// missing task from a moved-on version.
std::string update_sql(bool event) {
  const int w = updatable_params() + 1;
  const std::string id = "$" + std::to_string(w) + "::uuid";
  return "WITH u AS (UPDATE tasks SET " + set_list() + " WHERE id = " + id + " AND owner = $" +
         std::to_string(w + 1) + "::bigint AND version = $" + std::to_string(w + 2) +
         "::bigint RETURNING owner)" + (event ? ", " + event_cte("u", w + 3) : "") +
         " SELECT (SELECT count(*) FROM u), (SELECT owner FROM tasks WHERE id = " + id + ")" +
         (event ? ", (SELECT id FROM e)" : "");
}

std::string remove_sql(bool event) {
  std::string sql =
      "WITH d AS (DELETE FROM tasks WHERE id = $1::uuid AND owner = $2::bigint"
      " AND version = $3::bigint RETURNING owner)";
  if (event) sql += ", " + event_cte("d", 4);
  sql += " SELECT (SELECT count(*) FROM d), (SELECT owner FROM tasks WHERE id = $1::uuid)";
  if (event) sql += ", (SELECT id FROM e)";
  return sql;
}

// The variants of the task statements that also log the command's event
// (kind and data as the last two parameters) when the change happens, and
// answer its id as their last column (NULL when it did not happen).
void add_event_statements(std::vector<Prepared>& s, const std::string& cols) {
  const std::string insert = "INSERT INTO tasks (" + cols + ") VALUES (" + task_values(1) + ")";
  s.push_back({"insert_ev", "WITH t AS (" + insert + " RETURNING owner), " +
                                event_cte("t", kTaskParams + 1) + " SELECT (SELECT id FROM e)"});
  s.push_back({"insert_keyed_ev", insert_keyed_sql(cols, true)});
  s.push_back({"update_ev", update_sql(true)});
  s.push_back({"remove_ev", remove_sql(true)});
  s.push_back({"import_task_ev",
               "WITH t AS (" + insert + " ON CONFLICT (id) DO NOTHING RETURNING owner), " +
                   event_cte("t", kTaskParams + 1) + " SELECT 1, (SELECT id FROM e) FROM t"});
  s.push_back({"event_lock", kEventLockSql});
  s.push_back({"event_base", event_base_sql()});
  s.push_back({"events_end", events_end_sql()});
}

std::vector<Prepared> make_statements() {
  const std::string cols = column_names(kTaskCols) + kDerived;
  std::vector<Prepared> s;
  s.push_back({"insert", "INSERT INTO tasks (" + cols + ") VALUES (" + task_values(1) + ")"});
  s.push_back({"insert_keyed", insert_keyed_sql(cols, false)});
  s.push_back({"update", update_sql(false)});
  s.push_back({"remove", remove_sql(false)});
  s.push_back({"create_user", "INSERT INTO users (" + column_names(kUserCols) + ") VALUES (" +
                                  placeholders(kUserCols, 1) +
                                  ") ON CONFLICT (username) DO NOTHING RETURNING owner"});
  s.push_back({"update_user",
               "UPDATE users SET password_hash = coalesce($2::text, password_hash),"
               " disabled = coalesce($3::bigint, disabled) WHERE owner = $1::bigint RETURNING 1"});
  // Only an account without tasks goes (with its idempotency records); the
  // answer is (tasks left, accounts deleted).
  s.push_back({"delete_user",
               "WITH t AS (SELECT count(*) AS n FROM tasks WHERE owner = $1::bigint),"
               " k AS (DELETE FROM idempotency WHERE owner = $1::bigint AND (SELECT n FROM t) = 0),"
               " d AS (DELETE FROM users WHERE owner = $1::bigint AND (SELECT n FROM t) = 0"
               " RETURNING 1) SELECT (SELECT n FROM t), (SELECT count(*) FROM d)"});
  s.push_back({"import_task", "INSERT INTO tasks (" + cols + ") VALUES (" + task_values(1) +
                                  ") ON CONFLICT (id) DO NOTHING RETURNING 1"});
  s.push_back({"purge", "DELETE FROM idempotency WHERE created_at < $1::bigint"});
  s.push_back({"ping", "SELECT 1"});
  add_event_statements(s, cols);
  return s;
}

// A task's parameters (all columns, or the updatable ones), then the
// derived columns': tags, search, title_key.
void bind_task(Params& p, const TaskRow& t, bool updatable_only) {
  bind_columns(p, kTaskCols, t, updatable_only);
  std::string key = t.title;
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  p.text(bytea_array(t.tags)).text(search_vector(t.title, t.description, t.tags)).bytea(key);
}

// A task statement, or its variant that logs `e` (kind 0: no event) with
// e's kind and data as its last parameters.
const char* with_event(const Event& e, Params& p, const char* plain, const char* logged) {
  if (e.kind == 0) return plain;
  p.integer(std::int64_t{e.kind}).text(std::string_view(e.data));
  return logged;
}

const char* bind(const CreateTask& t, Params& p, BatchKeys& keys, WriteResult& res) {
  if (t.idempotency.key.empty()) {
    bind_task(p, t.row, false);
    return with_event(t.event, p, "insert", "insert_ev");
  }
  if (!keys.emplace(t.row.owner, t.idempotency.key).second) {
    res.status = WriteResult::Status::kIdempotencyInFlight;
    return nullptr;
  }
  bind_task(p, t.row, false);
  p.text(t.idempotency.key).bytea(t.idempotency.request_body).integer(t.idempotency.since);
  return with_event(t.event, p, "insert_keyed", "insert_keyed_ev");
}

const char* bind(const UpdateTask& u, Params& p, BatchKeys&, WriteResult&) {
  bind_task(p, u.row, true);
  p.uuid(u.row.id).integer(u.row.owner).integer(u.expected_version);
  return with_event(u.event, p, "update", "update_ev");
}

const char* bind(const DeleteTask& d, Params& p, BatchKeys&, WriteResult&) {
  p.uuid(d.id).integer(d.owner).integer(d.expected_version);
  return with_event(d.event, p, "remove", "remove_ev");
}

const char* bind(const CreateUser& u, Params& p, BatchKeys&, WriteResult&) {
  bind_columns(p, kUserCols, u.row, false);
  return "create_user";
}

const char* bind(const UpdateUser& u, Params& p, BatchKeys&, WriteResult&) {
  p.integer(u.owner);
  if (u.password_hash) {
    p.text(*u.password_hash);
  } else {
    p.null();
  }
  p.integer(u.disabled);
  return "update_user";
}

const char* bind(const DeleteUser& d, Params& p, BatchKeys&, WriteResult&) {
  p.integer(d.owner);
  return "delete_user";
}

const char* bind(const ImportTask& t, Params& p, BatchKeys&, WriteResult&) {
  bind_task(p, t.row, false);
  return with_event(t.event, p, "import_task", "import_task_ev");
}

void read(const CreateTask& t, const PGresult* r, WriteResult& res) {
  res.id = t.row.id;
  if (t.idempotency.key.empty()) {
    res.status = WriteResult::Status::kOk;
    return;
  }
  if (PQntuples(r) != 1) return;  // kError
  if (int64_of(r, 0, 0) == 1) {
    res.status = WriteResult::Status::kOk;
  } else if (PQgetisnull(r, 0, 1)) {
    res.status = WriteResult::Status::kIdempotencyInFlight;
  } else if (text_of(r, 0, 1) != "t") {
    res.status = WriteResult::Status::kIdempotencyMismatch;
  } else {
    res.status = WriteResult::Status::kReplayed;
    res.body.assign(text_of(r, 0, 2));
    uuid_of(r, 0, 3, res.id);
  }
}

// The answer of a compare-and-set (update, remove): (changed, owner now).
void read_cas(const PGresult* r, Owner owner, WriteResult& res) {
  if (PQntuples(r) != 1) return;
  if (int64_of(r, 0, 0) == 1) {
    res.status = WriteResult::Status::kOk;
  } else if (PQgetisnull(r, 0, 1) || int64_of(r, 0, 1) != owner) {
    res.status = WriteResult::Status::kNotFound;
  } else {
    res.status = WriteResult::Status::kVersionChanged;
  }
}

void read(const UpdateTask& u, const PGresult* r, WriteResult& res) {
  res.id = u.row.id;
  read_cas(r, u.row.owner, res);
}

void read(const DeleteTask& d, const PGresult* r, WriteResult& res) {
  res.id = d.id;
  read_cas(r, d.owner, res);
}

void read(const CreateUser& u, const PGresult* r, WriteResult& res) {
  res.id = u.row.id;
  if (PQntuples(r) == 0) {
    res.status = WriteResult::Status::kConflict;
  } else {
    res.status = WriteResult::Status::kOk;
    res.owner = int64_of(r, 0, 0);
  }
}

void read(const UpdateUser&, const PGresult* r, WriteResult& res) {
  res.status = PQntuples(r) == 1 ? WriteResult::Status::kOk : WriteResult::Status::kNotFound;
}

void read(const DeleteUser&, const PGresult* r, WriteResult& res) {
  if (PQntuples(r) != 1) return;
  if (int64_of(r, 0, 0) > 0) {
    res.status = WriteResult::Status::kConflict;
  } else {
    res.status = int64_of(r, 0, 1) == 1 ? WriteResult::Status::kOk : WriteResult::Status::kNotFound;
  }
}

void read(const ImportTask& t, const PGresult* r, WriteResult& res) {
  res.id = t.row.id;
  res.status = PQntuples(r) == 1 ? WriteResult::Status::kOk : WriteResult::Status::kConflict;
}

}  // namespace

std::span<const Prepared> write_statements() {
  static const std::vector<Prepared> s = make_statements();
  return s;
}

const char* bind_command(const Command& cmd, Params& p, BatchKeys& keys, WriteResult& res) {
  return std::visit([&](const auto& c) { return bind(c, p, keys, res); }, cmd);
}

void read_answer(Command& cmd, const PGresult* r, WriteResult& res) {
  std::visit([&](const auto& c) { read(c, r, res); }, cmd);
  Owner owner = 0;
  const Event* e = event_of(cmd, owner);
  // The *_ev statements answer the logged event's id as their last column
  // (NULL when the change did not happen).
  if (!e || e->kind == 0 || res.status != WriteResult::Status::kOk) return;
  const int last = PQnfields(r) - 1;
  if (PQntuples(r) == 1 && last >= 0 && !PQgetisnull(r, 0, last)) {
    res.event_id = int64_of(r, 0, last);
  }
}

Event* event_of(Command& cmd, Owner& owner) {
  Event* e = nullptr;
  if (auto* c = std::get_if<CreateTask>(&cmd)) {
    owner = c->row.owner;
    e = &c->event;
  } else if (auto* u = std::get_if<UpdateTask>(&cmd)) {
    owner = u->row.owner;
    e = &u->event;
  } else if (auto* d = std::get_if<DeleteTask>(&cmd)) {
    owner = d->owner;
    e = &d->event;
  } else if (auto* t = std::get_if<ImportTask>(&cmd)) {
    owner = t->row.owner;
    e = &t->event;
  }
  return e;
}

}  // namespace brisk::store::postgres
