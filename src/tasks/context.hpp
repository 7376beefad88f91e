// What the task handlers share: the store, the cursor codec and the
// authenticator, plus the small replies every handler gives.
#pragma once
#include <string>
#include <string_view>

#include "auth/authenticator.hpp"
#include "http/exchange.hpp"
#include "store/store.hpp"
#include "tasks/cursor.hpp"
#include "util/uuid.hpp"

namespace brisk::tasks {

struct Context {
  store::Store& store;
  CursorCodec cursors;
  const auth::Authenticator& auth;
};

inline constexpr std::string_view kJson = "application/json";

// 404 for a task that does not exist, is not a well-formed id, or belongs to
// someone else: the three are indistinguishable to the client.
void reply_not_found(http::Exchange& ex, std::string_view id_text);

// Parses the {id} path segment; otherwise answers 404 and returns false.
bool parse_task_id(http::Exchange& ex, util::Uuid& id);

std::string id_text(const util::Uuid& id);

// Posts one store flush to the end of this event-loop round (once per
// round, however many writes it enqueued).
void flush_at_round_end(store::Store& st, http::Exchange& ex);

// Hands a write to the store and calls `reply(exchange, result)` on this
// connection's thread once the transaction is durable (or failed). The
// writes of one event-loop round are flushed to the writer together, at
// the round's end.
template <class Reply>
void submit(store::Store& st, http::Exchange& ex, store::Command cmd, Reply reply) {
  http::Deferred d = ex.defer();
  store::WriteRequest w{
      std::move(cmd), [d, reply = std::move(reply)](store::WriteResult&& r) mutable {
        d.complete([r = std::move(r), reply = std::move(reply)](http::Exchange& ex2) mutable {
          reply(ex2, r);
        });
      }};
  st.enqueue(std::move(w));
  flush_at_round_end(st, ex);
}

}  // namespace brisk::tasks
