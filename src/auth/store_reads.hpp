// Store reads made by request handlers (auth's and the tasks'), in the one
// shape that works for every backend: the direct read first (answered at
// once by SQLite and by caches), and when it would block, the async read
// with the request deferred until it answers. `reply` runs on the
// connection's thread with an Exchange either way, so a handler is written
// once for both.
//
// `reply` must be copyable (it may be stored until the read answers).
#pragma once
#include <string>
#include <string_view>
#include <utility>

#include "api/problem.hpp"
#include "http/exchange.hpp"
#include "http/problem.hpp"
#include "store/store.hpp"

namespace brisk::auth {

// 503 with Retry-After: the database cannot be reached for now (a store
// answered kUnavailable); the request may be sent again.
inline void reply_unavailable(http::Exchange& ex) {
  http::ResponseBuilder rb = ex.respond(503);
  rb.header("Retry-After", std::int64_t{1});
  http::write_problem(rb, "the database is unavailable; retry shortly");
}

// A write refused for want of disk space (store::WriteResult::Status::kFull):
// nothing of it was kept, and the condition outlasts a quick retry.
inline constexpr std::int64_t kDiskFullRetryAfterSeconds = 30;
inline void reply_disk_full(http::Exchange& ex) {
  http::ResponseBuilder rb = ex.respond(507);
  rb.header("Retry-After", kDiskFullRetryAfterSeconds);
  http::write_problem(rb, "the server's disk is full; nothing was written. Retry later");
}

// A write the store did not commit: 503 (unavailable), 507 (disk full), or
// a 500 whose detail is `other` (storage failed for another reason).
inline void reply_write_failure(http::Exchange& ex, store::WriteResult::Status status,
                                std::string_view other) {
  if (status == store::WriteResult::Status::kUnavailable) return reply_unavailable(ex);
  if (status == store::WriteResult::Status::kFull) return reply_disk_full(ex);
  api::reply_problem(ex, 500, other);
}

// reply(Exchange&, store::ReadStatus, std::string_view json, std::int64_t version)
template <class Reply>
void read_task(store::Reader& r, http::Exchange& ex, store::Owner owner, const util::Uuid& id,
               Reply reply) {
  std::string_view json;
  std::int64_t version = 0;
  store::ReadStatus st = r.get(owner, id, json, version);
  if (st != store::ReadStatus::kWouldBlock) return reply(ex, st, json, version);
  http::Deferred d = ex.defer();
  r.get_async(owner, id, [d, reply = std::move(reply)](store::TaskRead&& t) mutable {
    d.complete([t = std::move(t), reply = std::move(reply)](http::Exchange& ex2) mutable {
      reply(ex2, t.status, std::string_view(t.json), t.version);
    });
  });
}

// reply(Exchange&, store::ReadStatus, const store::UserRow&)
template <class Reply>
void read_user_by_id(store::Reader& r, http::Exchange& ex, const util::Uuid& id, Reply reply) {
  store::UserRow user;
  store::ReadStatus st = r.user_by_id(id, user);
  if (st != store::ReadStatus::kWouldBlock) return reply(ex, st, user);
  http::Deferred d = ex.defer();
  r.user_by_id_async(id, [d, reply = std::move(reply)](store::UserRead&& u) mutable {
    d.complete([u = std::move(u), reply = std::move(reply)](http::Exchange& ex2) mutable {
      reply(ex2, u.status, u.user);
    });
  });
}

// reply(Exchange&, store::ReadStatus, store::UserRow&&)
template <class Reply>
void read_user_by_name(store::Reader& r, http::Exchange& ex, std::string_view name, Reply reply) {
  store::UserRow user;
  store::ReadStatus st = r.user_by_name(name, user);
  if (st != store::ReadStatus::kWouldBlock) return reply(ex, st, std::move(user));
  http::Deferred d = ex.defer();
  r.user_by_name_async(name, [d, reply = std::move(reply)](store::UserRead&& u) mutable {
    d.complete([u = std::move(u), reply = std::move(reply)](http::Exchange& ex2) mutable {
      reply(ex2, u.status, std::move(u.user));
    });
  });
}

}  // namespace brisk::auth
