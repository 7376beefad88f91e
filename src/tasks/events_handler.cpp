#include "tasks/events_handler.hpp"

#include <charconv>
#include <chrono>
#include <ctime>
#include <optional>

#include "api/problem.hpp"
#include "tasks/event_stream.hpp"

namespace brisk::tasks {

namespace {

constexpr api::QueryParamDecl kParams[] = {
    {.name = "access_token",
     .min = 1,
     .max = 4096,
     .description =
         "The bearer token, for clients that cannot send an Authorization header (a browser's "
         "EventSource). Used only when there is no Authorization header; accepted on this "
         "operation only."},
};

constexpr http::HeaderField kStreamHeaders[] = {
    {"Cache-Control", "no-store"},
    {"X-Accel-Buffering", "no"},  // nginx: pass each event on at once
};

// Last-Event-ID: an id this stream gave (a decimal integer >= 0). Absent or
// empty (a client that has seen no event yet): nullopt with ok set.
std::optional<std::int64_t> parse_last_event_id(std::string_view v, bool& ok) {
  ok = true;
  if (v.empty()) return std::nullopt;
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), id);
  ok = ec == std::errc() && end == v.data() + v.size() && id >= 0 && v[0] != '+';
  return id;
}

class StreamEvents final : public http::Handler {
 public:
  StreamEvents(Context& c, EventHub& hub) : ctx_(c), hub_(hub) {}
  void handle(http::Exchange& ex) override {
    const http::Request& req = ex.request();
    api::Errors errs;
    std::vector<api::QueryParam> params = api::parse_query(req.query, kParams, errs);
    if (!errs.empty()) return api::reply_invalid(ex, errs);
    const http::HeaderField* last = req.find_header("last-event-id");
    bool ok = true;
    std::optional<std::int64_t> after;
    if (last) after = parse_last_event_id(last->value, ok);
    if (!ok || (last && last->repeated)) {
      return api::reply_problem(ex, 400,
                                "Last-Event-ID must be one event id from this stream (an integer)");
    }
    store::Owner owner;
    std::int64_t expires_at = 0;
    const std::string_view token = params.empty() ? std::string_view{} : params[0].value;
    if (!ctx_.auth.authenticate_until(ex, token, owner, expires_at)) return;

    const EventStreamOptions& eo = hub_.options();
    http::StreamOptions so;
    so.max_queued = eo.max_queued;
    so.heartbeat = hub_.heartbeat();
    so.heartbeat_every = eo.heartbeat_every;
    if (expires_at > 0) {
      // The stream ends when its token does: a client reconnects with a new one.
      const auto left = std::chrono::seconds(expires_at - std::time(nullptr));
      so.end_at = http::StreamOptions::Clock::now() + left;
    }
    http::Stream* s = ex.open_stream(200, "text/event-stream", kStreamHeaders, so);
    if (!s) return;  // HEAD, or draining (answered 503)
    auto stream = std::make_shared<EventStream>(*s, hub_.state(),
                                                hub_.slot(ex.worker_index(), ex.loop()), owner, eo);
    s->set_observer(stream);
    stream->start(ctx_.store.reader(ex.worker_index()), after);
  }

 private:
  Context& ctx_;
  EventHub& hub_;
};

}  // namespace

std::span<const api::QueryParamDecl> events_params() {
  return kParams;
}

std::unique_ptr<http::Handler> make_events_handler(Context& ctx, EventHub& hub) {
  return std::make_unique<StreamEvents>(ctx, hub);
}

}  // namespace brisk::tasks
