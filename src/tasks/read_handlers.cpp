#include "tasks/read_handlers.hpp"

#include <charconv>
#include <optional>

#include "api/problem.hpp"
#include "auth/store_reads.hpp"
#include "tasks/costly_reads.hpp"
#include "tasks/etag.hpp"
#include "tasks/list_cache.hpp"
#include "tasks/list_params.hpp"

namespace brisk::tasks {

namespace {
using http::Exchange;

// 200 with the task (304 when If-None-Match lists its ETag).
void reply_task(Exchange& ex, store::ReadStatus st, std::string_view json, std::int64_t version) {
  switch (st) {
    case store::ReadStatus::kOk:
      break;
    case store::ReadStatus::kNotFound:
      return reply_not_found(ex, ex.param());
    case store::ReadStatus::kUnavailable:
    case store::ReadStatus::kTimeout:  // PostgreSQL's statement_timeout: a point read waited
      return auth::reply_unavailable(ex);
    default:
      return api::reply_problem(ex, 500, "the task could not be read");
  }
  char buf[24];
  std::string_view etag = format_etag(version, buf);
  std::string_view if_none_match = ex.request().header("if-none-match");
  if (!if_none_match.empty() && if_none_match_hits(if_none_match, version)) {
    ex.respond(304).header("ETag", etag).no_body();
    return;
  }
  http::ResponseBuilder rb = ex.respond(200);
  rb.header("ETag", etag);
  rb.body(kJson, json);
}

class GetTask final : public http::Handler {
 public:
  explicit GetTask(Context& c) : ctx_(c) {}
  void handle(Exchange& ex) override {
    store::Owner owner;
    util::Uuid id;
    if (!ctx_.auth.authenticate(ex, owner) || !parse_task_id(ex, id)) return;
    auth::read_task(ctx_.store.reader(ex.worker_index()), ex, owner, id, &reply_task);
  }

 private:
  Context& ctx_;
};

// The end of a page body after its `count` tasks: count and next_cursor.
void append_page_end(std::string& out, int count, const store::ListPage& page,
                     const ListRequest& lr, const CursorCodec& cursors) {
  char num[16];
  auto r = std::to_chars(num, num + sizeof num, count);
  out.append(R"(],"count":)").append(num, r.ptr).append(R"(,"next_cursor":)");
  if (page.more) {
    // base64url needs no JSON escaping.
    out.append("\"").append(next_cursor(lr, page.last, cursors)).append("\"}");
  } else {
    out.append("null}");
  }
}

class ListTasks final : public http::Handler {
 public:
  explicit ListTasks(Context& c) : ctx_(c) {}
  void handle(Exchange& ex) override {
    store::Owner owner;
    if (!ctx_.auth.authenticate(ex, owner)) return;
    // A repeated list with no write since is answered from this thread's
    // cache (only valid bodies are cached, so a hit skips validation too).
    // The generation is read before the store is, so that a write
    // committed meanwhile leaves the answer uncached.
    std::optional<std::uint64_t> generation = ctx_.store.task_generation();
    std::string_view query = ex.request().query;
    if (generation) {
      if (const std::string* body = ListCache::for_this_thread().find(owner, query, *generation)) {
        ex.respond(200).body(kJson, *body);
        return;
      }
    }
    ListRequest lr;
    api::Errors errs;
    if (!parse_list_request(query, owner, ctx_.cursors, lr, errs)) {
      return api::reply_invalid(ex, errs);
    }
    // The page is written straight into the response, from the rows'
    // stored JSON: the response starts with the first row (or the end).
    std::optional<http::ResponseBuilder> rb;
    std::string* out = nullptr;
    std::size_t body_start = 0;
    int n = 0;
    auto start = [&] {
      rb.emplace(ex.respond(200));
      out = &rb->begin_body(kJson);
      body_start = out->size();
      out->append(R"({"tasks":[)");
    };
    auto append = [&](std::string_view json) {
      if (!out) start();
      if (n++ > 0) out->push_back(',');
      out->append(json);  // the stored serialization: no per-task JSON work
    };
    store::ListPage page;
    store::Reader& reader = ctx_.store.reader(ex.worker_index());
    store::ReadStatus st = reader.list(lr.query, append, page);
    if (st == store::ReadStatus::kWouldBlock) {
      // Too costly for this thread (or a networked backend): the rows it
      // gave before stopping go, the store answers later.
      if (rb) rb->abandon();
      return list_later(ex, reader, std::move(lr), generation);
    }
    if (st != store::ReadStatus::kOk) {
      if (rb) rb->abandon();
      if (st == store::ReadStatus::kUnavailable) return auth::reply_unavailable(ex);
      return api::reply_problem(ex, 500, "the tasks could not be read");
    }
    if (!out) start();
    append_page_end(*out, n, page, lr, ctx_.cursors);
    if (generation) {
      ListCache::for_this_thread().put(owner, query, *generation,
                                       std::string_view(*out).substr(body_start));
    }
    rb->end_body();
  }

 private:
  // The read would block: the request waits for the store's answer.
  void list_later(Exchange& ex, store::Reader& reader, ListRequest&& lr,
                  std::optional<std::uint64_t> generation) {
    http::Deferred d = ex.defer();
    const store::ListSpec spec = lr.query;  // a copy: lr moves into the callback
    Context& ctx = ctx_;
    store::ReadWaiter waiter = waiter_for(ex, spec.owner);
    auto done = [d, &ctx, lr = std::move(lr), generation](store::ListRead&& r) mutable {
      d.complete([&ctx, r = std::move(r), lr = std::move(lr), generation](Exchange& ex2) {
        if (r.status == store::ReadStatus::kUnavailable) return auth::reply_unavailable(ex2);
        if (r.status == store::ReadStatus::kBusy || r.status == store::ReadStatus::kTimeout ||
            r.status == store::ReadStatus::kCancelled) {
          return reply_costly_refused(ex2, r.status, lr.query);
        }
        if (r.status != store::ReadStatus::kOk) {
          return api::reply_problem(ex2, 500, "the tasks could not be read");
        }
        http::ResponseBuilder rb = ex2.respond(200);
        std::string& out = rb.begin_body(kJson);
        const std::size_t body_start = out.size();
        out.append(R"({"tasks":[)").append(r.rows);
        append_page_end(out, r.count, r.page, lr, ctx.cursors);
        if (generation) {
          ListCache::for_this_thread().put(lr.query.owner, ex2.request().query, *generation,
                                           std::string_view(out).substr(body_start));
        }
        rb.end_body();
      });
    };
    reader.list_async(spec, std::move(done), std::move(waiter));
  }

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
