// PgReader's reads of tasks and users: each one prepared statement sent on
// the loop's pipeline (reader.cpp), answered through the callback.
#include <algorithm>
#include <string>

#include "store/postgres/list_sql.hpp"
#include "store/postgres/reader.hpp"
#include "store/postgres/rows.hpp"

namespace brisk::store::postgres {

namespace {

constexpr const char* kGetSql = "SELECT owner, version, body FROM tasks WHERE id = $1::uuid";

UserRead user_of(const PGresult* r, ReadStatus st) {
  UserRead u;
  u.status = st;
  if (st != ReadStatus::kOk) return u;
  if (PQntuples(r) == 0) {
    u.status = ReadStatus::kNotFound;
    return u;
  }
  u.user = user_at(r, 0);
  return u;
}

}  // namespace

void PgReader::get_async(Owner owner, const util::Uuid& id, ReadDone<TaskRead> done) {
  run([this, owner, id, done = std::move(done)]() mutable {
    Link* l = detached_ ? nullptr : pick();
    if (!l) return done(TaskRead{ReadStatus::kUnavailable, {}, 0});
    Params p;
    p.uuid(id);
    static const Statement get{"get", kGetSql};
    send(*l, get, p, [owner, done = std::move(done)](const PGresult* r, ReadStatus st) {
      TaskRead t;
      t.status = st;
      if (st == ReadStatus::kOk) {
        // Another owner's task is reported exactly like a missing one.
        if (PQntuples(r) == 0 || int64_of(r, 0, 0) != owner) {
          t.status = ReadStatus::kNotFound;
        } else {
          t.version = int64_of(r, 0, 1);
          t.json.assign(text_of(r, 0, 2));
        }
      }
      done(std::move(t));
    });
  });
}

// `waiter` is not needed: the reads wait on the database server, not on a
// pool of this process (statement_timeout bounds them).
// NOLINTNEXTLINE(performance-unnecessary-value-param)
void PgReader::list_async(const ListSpec& q, ReadDone<ListRead> done, ReadWaiter /*waiter*/) {
  run([this, q, done = std::move(done)]() mutable {
    Link* l = detached_ ? nullptr : pick();
    ListRead out;
    if (!l) {
      out.status = ReadStatus::kUnavailable;
      return done(std::move(out));
    }
    if (q.limit < 1) {
      out.status = ReadStatus::kOk;
      return done(std::move(out));
    }
    ListQuery lq = list_query(q);
    const Statement& s = list_statement(std::move(lq.sql));
    send(
        *l, s, lq.params,
        [limit = q.limit, sort = q.sort, done = std::move(done)](const PGresult* r, ReadStatus st) {
          ListRead out;
          out.status = st;
          if (st == ReadStatus::kOk) {
            const int n = PQntuples(r);
            for (int i = 0; i < n && i < limit; ++i) {
              if (i) out.rows.push_back(',');
              out.rows.append(text_of(r, i, 0));
            }
            out.count = std::min(n, limit);
            if (n > limit) {
              out.page.more = true;
              position_of(r, limit - 1, sort, out.page.last);
            }
          }
          done(std::move(out));
        });
  });
}

void PgReader::user_by_name_async(std::string_view username, ReadDone<UserRead> done) {
  run([this, name = std::string(username), done = std::move(done)]() mutable {
    Link* l = detached_ ? nullptr : pick();
    if (!l) return done(user_of(nullptr, ReadStatus::kUnavailable));
    Params p;
    p.text(name);
    static const Statement by_name{"user_by_name", select_users() + "WHERE username = $1::text"};
    send(*l, by_name, p,
         [done = std::move(done)](const PGresult* r, ReadStatus st) { done(user_of(r, st)); });
  });
}

void PgReader::user_by_id_async(const util::Uuid& id, ReadDone<UserRead> done) {
  run([this, id, done = std::move(done)]() mutable {
    Link* l = detached_ ? nullptr : pick();
    if (!l) return done(user_of(nullptr, ReadStatus::kUnavailable));
    Params p;
    p.uuid(id);
    static const Statement by_id{"user_by_id", select_users() + "WHERE id = $1::uuid"};
    send(*l, by_id, p,
         [done = std::move(done)](const PGresult* r, ReadStatus st) { done(user_of(r, st)); });
  });
}

}  // namespace brisk::store::postgres
