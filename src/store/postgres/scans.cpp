// PgStore's blocking scans and checks, for command-line tools (export,
// brisk user, brisk check): each on a blocking connection of its own,
// beside the readers and the writer. Rows arrive one at a time (libpq's
// single-row mode), so an export of a large database is not held in memory.
#include <stdexcept>

#include "store/postgres/migrate.hpp"
#include "store/postgres/migrations.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/postgres/rows.hpp"

namespace brisk::store::postgres {

namespace {

Conn side_connection(const std::string& url) {
  std::string err;
  Conn c = connect(url, err);
  if (!c) throw std::runtime_error("cannot connect to PostgreSQL: " + err);
  return c;
}

// Runs `sql` and calls `row` with each row's result as it arrives.
void each_row(PGconn* c, const std::string& sql,
              const std::vector<std::optional<std::string>>& params, const char* what,
              const std::function<void(const PGresult*)>& row) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  if (PQsendQueryParams(c, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                        nullptr, nullptr, 0) != 1 ||
      PQsetSingleRowMode(c) != 1) {
    throw std::runtime_error(std::string(what) + ": " + message(c));
  }
  std::string error;
  while (PGresult* raw = PQgetResult(c)) {
    Result r(raw);
    const ExecStatusType st = PQresultStatus(raw);
    if (st == PGRES_SINGLE_TUPLE) {
      if (error.empty()) row(raw);
    } else if (st != PGRES_TUPLES_OK && error.empty()) {
      error = message(raw);
    }
  }
  if (!error.empty()) throw std::runtime_error(std::string(what) + ": " + error);
}

// A count that should be zero, as a line of check_integrity's report.
void expect_none(PGconn* c, const char* sql, const char* what, std::string& problems) {
  Result r = exec(c, sql, what);
  const std::int64_t n = int64_of(r.get(), 0, 0);
  if (n != 0) problems += std::to_string(n) + " " + what + "\n";
}

}  // namespace

void PgStore::scan_users(const std::function<void(const UserRow&)>& fn) {
  Conn c = side_connection(url_);
  each_row(c.get(), select_users() + "ORDER BY owner", {}, "reading users failed",
           [&](const PGresult* r) { fn(user_at(r, 0)); });
}

void PgStore::scan_tasks(std::optional<Owner> owner,
                         const std::function<void(Owner, std::string_view)>& fn) {
  Conn c = side_connection(url_);
  std::vector<std::optional<std::string>> params;
  if (owner) params.emplace_back(std::to_string(*owner));
  each_row(c.get(),
           owner ? "SELECT owner, body FROM tasks WHERE owner = $1::bigint ORDER BY created_at, id"
                 : "SELECT owner, body FROM tasks ORDER BY owner, created_at, id",
           params, "reading tasks failed",
           [&](const PGresult* r) { fn(int64_of(r, 0, 0), text_of(r, 0, 1)); });
}

int PgStore::schema_version() {
  Conn c = side_connection(url_);
  return postgres::schema_version(c.get());
}

// PostgreSQL checks its own pages (data checksums, amcheck); this checks
// what brisk's rows promise each other: every task's owner exists, and the
// served JSON agrees with the row's id and version.
std::string PgStore::check_integrity() {
  Conn c = side_connection(url_);
  std::string problems;
  try {
    expect_none(c.get(),
                "SELECT count(*) FROM tasks WHERE owner <> 0"
                " AND NOT EXISTS (SELECT 1 FROM users u WHERE u.owner = tasks.owner)",
                "task(s) of an owner that has no account", problems);
    expect_none(c.get(),
                "SELECT count(*) FROM tasks WHERE (body::jsonb->>'id')::uuid IS DISTINCT FROM id"
                " OR (body::jsonb->>'version')::bigint IS DISTINCT FROM version",
                "task(s) whose served JSON disagrees with the row's id or version", problems);
  } catch (const std::runtime_error& e) {
    problems += std::string(e.what()) + "\n";
  }
  return problems;
}

}  // namespace brisk::store::postgres
