#include "tasks/routes.hpp"

#include <charconv>
#include <cstring>

#include "api/body.hpp"
#include "api/model_bind.hpp"
#include "api/problem.hpp"
#include "tasks/etag.hpp"
#include "tasks/list_cache.hpp"
#include "tasks/list_query.hpp"
#include "tasks/operations.hpp"
#include "tasks/task.hpp"
#include "util/text.hpp"

namespace brisk::tasks {

namespace {
using http::Exchange;
using store::WriteResult;

constexpr std::string_view kJson = "application/json";
using api::parse_object;
using api::require_json;

// 404 for a task that does not exist, is not a well-formed id, or belongs to
// someone else: the three are indistinguishable to the client.
void reply_not_found(Exchange& ex, std::string_view id_text) {
  if (id_text.size() > 64 || !util::utf8_valid(id_text)) id_text = "with this id";
  api::reply_problem(ex, 404, "task " + std::string(id_text) + " not found");
}

// Parses the {id} path segment; otherwise answers 404 and returns false.
bool parse_task_id(Exchange& ex, util::Uuid& id) {
  if (util::parse_uuid(ex.param(), id)) return true;
  reply_not_found(ex, ex.param());
  return false;
}

std::string id_text(const util::Uuid& id) {
  char buf[36];
  util::format_uuid(id, buf);
  return std::string(buf, 36);
}

// "/tasks/<id>" in `buf`, for the Location of a 201 (no allocation).
std::string_view location_of(const util::Uuid& id, char (&buf)[43]) {
  std::memcpy(buf, "/tasks/", 7);
  util::format_uuid(id, buf + 7);
  return {buf, sizeof buf};
}

// Answers a write that failed for a reason shared by every write.
void reply_write_failure(Exchange& ex, const WriteResult& r, std::string_view id_text) {
  switch (r.status) {
    case WriteResult::Status::kNotFound:
      reply_not_found(ex, id_text);
      return;
    case WriteResult::Status::kPreconditionFailed:
      api::reply_problem(ex, 412,
                         "If-Match does not match the task's current ETag; nothing changed");
      return;
    default:
      api::reply_problem(ex, 500, "the change could not be stored; nothing was written");
      return;
  }
}

// Hands a write to the store and answers from its completion, on this
// connection's thread, once the transaction is durable. The writes of one
// event-loop round are flushed to the writer together, at the round's end.
template <class Reply>
void submit(store::Store& st, Exchange& ex, store::WriteRequest w, Reply reply) {
  http::Deferred d = ex.defer();
  w.done = [d, reply](WriteResult&& r) mutable {
    d.complete([r = std::move(r), reply](Exchange& ex2) { reply(ex2, r); });
  };
  st.enqueue(std::move(w));
  // Each event loop is one thread: the flag says this round's flush is posted.
  thread_local bool flush_posted = false;
  if (!flush_posted) {
    flush_posted = true;
    ex.at_round_end([&st] {
      flush_posted = false;
      st.flush();
    });
  }
}

bool valid_idempotency_key(std::string_view k) {
  if (k.empty() || k.size() > 255) return false;
  for (unsigned char c : k) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

class CreateTask final : public http::Handler {
 public:
  explicit CreateTask(Context& c) : ctx_(c) {}
  void handle(Exchange& ex) override {
    const http::Request& req = ex.request();
    store::Owner owner;
    if (!ctx_.auth.authenticate(ex, owner) || !require_json(ex, false)) return;
    simdjson::dom::object obj;
    if (!parse_object(ex, obj)) return;
    store::WriteRequest w;
    api::Errors errs;
    if (req.has_idempotency_key && !valid_idempotency_key(req.idempotency_key)) {
      errs.push_back({"header", "idempotency-key", -1, "idempotency_key_invalid",
                      "Idempotency-Key must be 1..255 visible ASCII characters"});
    }
    w.mask = api::bind(kTaskModel, obj, api::Mode::kCreate, w.fields, errs);
    if (!errs.empty()) return api::reply_invalid(ex, errs);
    w.kind = store::WriteRequest::Kind::kCreate;
    w.owner = owner;
    if (req.has_idempotency_key) {
      w.idempotency_key.assign(req.idempotency_key);
      w.request_body.assign(req.body);
    }
    submit(ctx_.store, ex, std::move(w), [](Exchange& ex2, const WriteResult& r) {
      switch (r.status) {
        case WriteResult::Status::kOk:
        case WriteResult::Status::kReplayed: {
          http::ResponseBuilder rb = ex2.respond(201);
          char location[43];
          rb.header("Location", location_of(r.id, location)).header("ETag", "\"1\"");
          if (r.status == WriteResult::Status::kReplayed) rb.header("Idempotent-Replayed", "true");
          rb.body(kJson, r.json);
          return;
        }
        case WriteResult::Status::kIdempotencyInFlight:
          api::reply_problem(ex2, 409,
                             "a request with this Idempotency-Key is still being processed");
          return;
        case WriteResult::Status::kIdempotencyMismatch:
          api::reply_invalid(ex2,
                             {{"header", "idempotency-key", -1, "idempotency_key_reused",
                               "This Idempotency-Key was used with a different request body"}});
          return;
        default:
          reply_write_failure(ex2, r, "");
          return;
      }
    });
  }

 private:
  Context& ctx_;
};

class GetTask final : public http::Handler {
 public:
  explicit GetTask(Context& c) : ctx_(c) {}
  void handle(Exchange& ex) override {
    store::Owner owner;
    util::Uuid id;
    if (!ctx_.auth.authenticate(ex, owner) || !parse_task_id(ex, id)) return;
    std::string_view json;
    std::int64_t version = 0;
    switch (ctx_.store.reader(ex.worker_index()).get(owner, id, json, version)) {
      case store::ReadStatus::kNotFound:
        return reply_not_found(ex, ex.param());
      case store::ReadStatus::kError:
        return api::reply_problem(ex, 500, "the task could not be read");
      case store::ReadStatus::kOk:
        break;
    }
    char buf[24];
    std::string_view etag = format_etag(version, buf);
    const http::Request& req = ex.request();
    if (!req.if_none_match.empty() && if_none_match_hits(req.if_none_match, version)) {
      ex.respond(304).header("ETag", etag).no_body();
      return;
    }
    http::ResponseBuilder rb = ex.respond(200);
    rb.header("ETag", etag);
    rb.body(kJson, json);
  }

 private:
  Context& ctx_;
};

class UpdateTask final : public http::Handler {
 public:
  UpdateTask(Context& c, bool merge_patch) : ctx_(c), merge_patch_(merge_patch) {}
  void handle(Exchange& ex) override {
    store::Owner owner;
    util::Uuid id;
    if (!ctx_.auth.authenticate(ex, owner) || !parse_task_id(ex, id)) return;
    if (!require_json(ex, merge_patch_)) return;
    simdjson::dom::object obj;
    if (!parse_object(ex, obj)) return;
    store::WriteRequest w;
    api::Errors errs;
    w.mask = api::bind(kTaskModel, obj, api::Mode::kUpdate, w.fields, errs);
    if (!errs.empty()) return api::reply_invalid(ex, errs);
    w.kind = store::WriteRequest::Kind::kUpdate;
    w.owner = owner;
    w.id = id;
    w.if_match = parse_if_match(ex.request().if_match, !ex.request().if_match.empty());
    submit(ctx_.store, ex, std::move(w), [id](Exchange& ex2, const WriteResult& r) {
      if (r.status != WriteResult::Status::kOk) return reply_write_failure(ex2, r, id_text(id));
      char buf[24];
      http::ResponseBuilder rb = ex2.respond(200);
      rb.header("ETag", format_etag(r.version, buf));
      rb.body(kJson, r.json);
    });
  }

 private:
  Context& ctx_;
  bool merge_patch_;
};

class DeleteTask final : public http::Handler {
 public:
  explicit DeleteTask(Context& c) : ctx_(c) {}
  void handle(Exchange& ex) override {
    store::Owner owner;
    util::Uuid id;
    if (!ctx_.auth.authenticate(ex, owner) || !parse_task_id(ex, id)) return;
    store::WriteRequest w;
    w.kind = store::WriteRequest::Kind::kDelete;
    w.owner = owner;
    w.id = id;
    w.if_match = parse_if_match(ex.request().if_match, !ex.request().if_match.empty());
    submit(ctx_.store, ex, std::move(w), [id](Exchange& ex2, const WriteResult& r) {
      if (r.status != WriteResult::Status::kOk) return reply_write_failure(ex2, r, id_text(id));
      ex2.respond(204).no_body();
    });
  }

 private:
  Context& ctx_;
};

class ListTasks final : public http::Handler {
 public:
  explicit ListTasks(Context& c) : ctx_(c) {}
  void handle(Exchange& ex) override {
    store::Owner owner;
    if (!ctx_.auth.authenticate(ex, owner)) return;
    // A repeated list with no write since is answered from this thread's
    // cache (only valid bodies are cached, so a hit skips validation too).
    std::optional<std::uint64_t> generation = ctx_.store.task_generation();
    std::string_view query = ex.request().query;
    ListCache& cache = ListCache::for_this_thread();
    if (generation) {
      if (const std::string* body = cache.find(owner, query, *generation)) {
        ex.respond(200).body(kJson, *body);
        return;
      }
    }
    ListRequest lr;
    api::Errors errs;
    if (!parse_list_request(query, owner, ctx_.cursors, lr, errs)) {
      return api::reply_invalid(ex, errs);
    }
    http::ResponseBuilder rb = ex.respond(200);
    std::string& out = rb.begin_body(kJson);
    const std::size_t body_start = out.size();
    out.append(R"({"tasks":[)");
    int n = 0;
    store::ListPage page;
    auto append = [&out, &n](std::string_view json) {
      if (n++ > 0) out.push_back(',');
      out.append(json);  // the cached serialization: no per-task JSON work
    };
    store::ReadStatus st = ctx_.store.reader(ex.worker_index()).list(lr.query, append, page);
    if (st != store::ReadStatus::kOk) {
      rb.abandon();
      return api::reply_problem(ex, 500, "the tasks could not be read");
    }
    char num[16];
    auto r = std::to_chars(num, num + sizeof num, n);
    out.append(R"(],"count":)").append(num, r.ptr).append(R"(,"next_cursor":)");
    if (page.more) {
      // base64url needs no JSON escaping.
      out.append("\"").append(next_cursor(lr, page.last, ctx_.cursors)).append("\"}");
    } else {
      out.append("null}");
    }
    if (generation) {
      cache.put(owner, query, *generation, std::string_view(out).substr(body_start));
    }
    rb.end_body();
  }

 private:
  Context& ctx_;
};
}  // namespace

TaskRoutes::TaskRoutes(Context ctx) : ctx_(std::move(ctx)) {}
TaskRoutes::~TaskRoutes() = default;

void TaskRoutes::register_on(http::Router& r) {
  auto add = [&](http::Method m, std::string_view pattern, const api::Operation& doc,
                 std::unique_ptr<http::Handler> h) {
    r.add({m, pattern, h.get(), &doc});
    handlers_.push_back(std::move(h));
  };
  add(http::Method::kGet, "/tasks", kListTasksOp, std::make_unique<ListTasks>(ctx_));
  add(http::Method::kPost, "/tasks", kCreateTaskOp, std::make_unique<CreateTask>(ctx_));
  add(http::Method::kGet, "/tasks/{id}", kGetTaskOp, std::make_unique<GetTask>(ctx_));
  add(http::Method::kPut, "/tasks/{id}", kUpdateTaskOp, std::make_unique<UpdateTask>(ctx_, false));
  add(http::Method::kPatch, "/tasks/{id}", kPatchTaskOp, std::make_unique<UpdateTask>(ctx_, true));
  add(http::Method::kDelete, "/tasks/{id}", kDeleteTaskOp, std::make_unique<DeleteTask>(ctx_));
}

}  // namespace brisk::tasks
