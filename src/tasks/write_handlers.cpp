// Writes follow one path: the handler validates the request, reads the
// task where the change depends on it, applies the task rules
// (task_rules.hpp) and hands the store a command with the finished row.
// The answer goes out only after the store's COMMIT.
//
// Updates and deletes are compare-and-set on the version read: when another
// write got there first (kVersionChanged), the handler reads again and
// re-applies the request, so no change is lost and If-Match is checked
// against the version actually replaced.
#include "tasks/write_handlers.hpp"

#include <chrono>
#include <cstring>

#include "api/body.hpp"
#include "api/model_bind.hpp"
#include "api/problem.hpp"
#include "auth/store_reads.hpp"
#include "tasks/etag.hpp"
#include "tasks/idempotency_key.hpp"
#include "tasks/task_rules.hpp"
#include "util/time.hpp"

namespace brisk::tasks {

namespace {
using http::Exchange;
using store::WriteResult;

// Reads and re-applies after kVersionChanged for at most this long; only a
// task rewritten continuously by other clients gets the 503. A bound in
// time, not in attempts: each round of a burst lets exactly one of the
// changes racing for a task land, so N clients on one task need up to N
// attempts (8 attempts failed under ASan with 8 clients), while one round
// takes a batch commit (milliseconds) and progress never stops.
constexpr std::chrono::seconds kRetryBudget{5};

// "/tasks/<id>" in `buf`, for the Location of a 201 (no allocation).
std::string_view location_of(const util::Uuid& id, char (&buf)[43]) {
  std::memcpy(buf, "/tasks/", 7);
  util::format_uuid(id, buf + 7);
  return {buf, sizeof buf};
}

void reply_storage_failure(Exchange& ex, const WriteResult& r) {
  auth::reply_write_failure(ex, r.status, "the change could not be stored; nothing was written");
}

void reply_created(Exchange& ex, const WriteResult& r) {
  http::ResponseBuilder rb = ex.respond(201);
  char location[43];
  rb.header("Location", location_of(r.id, location)).header("ETag", "\"1\"");
  if (r.status == WriteResult::Status::kReplayed) rb.header("Idempotent-Replayed", "true");
  rb.body(kJson, r.body);
}

class CreateTask final : public http::Handler {
 public:
  explicit CreateTask(Context& c) : ctx_(c) {}
  void handle(Exchange& ex) override {
    const http::Request& req = ex.request();
    store::Owner owner;
    if (!ctx_.auth.authenticate(ex, owner) || !api::require_json(ex, api::JsonMedia::kJson)) return;
    simdjson::dom::object obj;
    if (!api::parse_object(ex, obj)) return;
    const http::HeaderField* key = req.find_header("idempotency-key");
    if (key && key->repeated) {
      return api::reply_problem(ex, 400, "a header that takes one value was sent twice");
    }
    api::Errors errs;
    if (key && !valid_idempotency_key(key->value)) {
      errs.push_back({"header", "idempotency-key", -1, "idempotency_key_invalid",
                      "Idempotency-Key must be 1..255 visible ASCII characters"});
    }
    Task fields;
    api::bind(kTaskModel, obj, api::Mode::kCreate, fields, errs);
    if (!errs.empty()) return api::reply_invalid(ex, errs);
    const std::int64_t now = util::now_unix_ms();
    store::CreateTask cmd = create_task(new_task(owner, std::move(fields), now));
    if (key) {
      cmd.idempotency = {std::string(key->value), std::string(req.body), now - kIdempotencyTtlMs};
    }
    submit(ctx_.store, ex, std::move(cmd), [](Exchange& ex2, const WriteResult& r) {
      switch (r.status) {
        case WriteResult::Status::kOk:
        case WriteResult::Status::kReplayed:
          return reply_created(ex2, r);
        case WriteResult::Status::kIdempotencyInFlight:
          return api::reply_problem(ex2, 409,
                                    "a request with this Idempotency-Key is still being processed");
        case WriteResult::Status::kIdempotencyMismatch:
          return api::reply_invalid(
              ex2, {{"header", "idempotency-key", -1, "idempotency_key_reused",
                     "This Idempotency-Key was used with a different request body"}});
        default:
          return reply_storage_failure(ex2, r);
      }
    });
  }

 private:
  Context& ctx_;
};

// One PUT, PATCH or DELETE, carried from attempt to attempt.
struct Change {
  store::Owner owner = 0;
  util::Uuid id;
  IfMatch if_match;
  bool remove = false;
  Task patch;  // update: the fields selected by `mask`
  api::FieldMask mask = 0;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

void attempt(Context& ctx, Exchange& ex, Change&& ch);

// Checks If-Match against the task read, and submits the change on it.
void change_read(Context& ctx, Exchange& ex, Change&& ch, store::ReadStatus st,
                 std::string_view json, std::int64_t version) {
  switch (st) {
    case store::ReadStatus::kOk:
      break;
    case store::ReadStatus::kNotFound:
      return reply_not_found(ex, id_text(ch.id));
    case store::ReadStatus::kUnavailable:
      return auth::reply_unavailable(ex);
    default:
      return api::reply_problem(ex, 500, "the task could not be read");
  }
  if (ch.if_match.present && !ch.if_match.matches(version)) {
    return api::reply_problem(ex, 412,
                              "If-Match does not match the task's current ETag; nothing changed");
  }
  Task before;
  if (!parse_stored(json, before) || before.version != version) {
    return api::reply_problem(ex, 500, "the stored task could not be read");
  }
  store::Command cmd = ch.remove ? store::Command(delete_task(ch.owner, std::move(before)))
                                 : store::Command(update_task(ch.owner, std::move(before), ch.patch,
                                                              ch.mask, util::now_unix_ms()));
  const std::int64_t new_version = version + 1;
  submit(ctx.store, ex, std::move(cmd),
         [&ctx, ch = std::move(ch), new_version](Exchange& ex2, const WriteResult& r) mutable {
           switch (r.status) {
             case WriteResult::Status::kOk: {
               if (ch.remove) return ex2.respond(204).no_body();
               char buf[24];
               http::ResponseBuilder rb = ex2.respond(200);
               rb.header("ETag", format_etag(new_version, buf));
               return rb.body(kJson, r.body);
             }
             case WriteResult::Status::kNotFound:
               return reply_not_found(ex2, id_text(ch.id));
             case WriteResult::Status::kVersionChanged:
               if (std::chrono::steady_clock::now() - ch.started < kRetryBudget) {
                 return attempt(ctx, ex2, std::move(ch));
               }
               return api::reply_problem(ex2, 503,
                                         "the task is being changed by others continuously; retry");
             default:
               return reply_storage_failure(ex2, r);
           }
         });
}

// Reads the task (at once, or deferred until the store answers), then
// change_read() goes on with what was read.
void attempt(Context& ctx, Exchange& ex, Change&& ch) {
  const store::Owner owner = ch.owner;
  const util::Uuid id = ch.id;
  auth::read_task(ctx.store.reader(ex.worker_index()), ex, owner, id,
                  [&ctx, ch = std::move(ch)](Exchange& ex2, store::ReadStatus st,
                                             std::string_view json, std::int64_t version) mutable {
                    change_read(ctx, ex2, std::move(ch), st, json, version);
                  });
}

class UpdateTask final : public http::Handler {
 public:
  UpdateTask(Context& c, UpdateStyle style)
      : ctx_(c),
        media_(style == UpdateStyle::kPatch ? api::JsonMedia::kJsonMergePatch
                                            : api::JsonMedia::kJson) {}
  void handle(Exchange& ex) override {
    Change ch;
    if (!ctx_.auth.authenticate(ex, ch.owner) || !parse_task_id(ex, ch.id)) return;
    if (!api::require_json(ex, media_)) return;
    simdjson::dom::object obj;
    if (!api::parse_object(ex, obj)) return;
    api::Errors errs;
    ch.mask = api::bind(kTaskModel, obj, api::Mode::kUpdate, ch.patch, errs);
    if (!errs.empty()) return api::reply_invalid(ex, errs);
    const std::string_view if_match = ex.request().header("if-match");
    ch.if_match = parse_if_match(if_match, !if_match.empty());
    attempt(ctx_, ex, std::move(ch));
  }

 private:
  Context& ctx_;
  api::JsonMedia media_;
};

class DeleteTask final : public http::Handler {
 public:
  explicit DeleteTask(Context& c) : ctx_(c) {}
  void handle(Exchange& ex) override {
    Change ch;
    if (!ctx_.auth.authenticate(ex, ch.owner) || !parse_task_id(ex, ch.id)) return;
    const std::string_view if_match = ex.request().header("if-match");
    ch.if_match = parse_if_match(if_match, !if_match.empty());
    ch.remove = true;
    attempt(ctx_, ex, std::move(ch));
  }

 private:
  Context& ctx_;
};

}  // namespace

std::unique_ptr<http::Handler> make_create_handler(Context& ctx) {
  return std::make_unique<CreateTask>(ctx);
}
std::unique_ptr<http::Handler> make_update_handler(Context& ctx, UpdateStyle style) {
  return std::make_unique<UpdateTask>(ctx, style);
}
std::unique_ptr<http::Handler> make_delete_handler(Context& ctx) {
  return std::make_unique<DeleteTask>(ctx);
}

}  // namespace brisk::tasks
