#include "tasks/read_handlers.hpp"

#include <charconv>

#include "api/problem.hpp"
#include "tasks/etag.hpp"
#include "tasks/list_cache.hpp"
#include "tasks/list_params.hpp"

namespace brisk::tasks {

namespace {
using http::Exchange;

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

std::unique_ptr<http::Handler> make_get_handler(Context& ctx) {
  return std::make_unique<GetTask>(ctx);
}
std::unique_ptr<http::Handler> make_list_handler(Context& ctx) {
  return std::make_unique<ListTasks>(ctx);
}

}  // namespace brisk::tasks
