#include "ops/metrics.hpp"

#include <cstdio>
#include <string>

#include "api/operation.hpp"
#include "http/exchange.hpp"
#include "http/problem.hpp"
#include "tasks/costly_reads.hpp"

namespace brisk::ops {

struct MetricsRoutes::State {
  store::Store& store;
  const tasks::EventHub* events = nullptr;
  const http::Server* server = nullptr;
};

namespace {
void append_number(std::string& out, double v) {
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%.9g", v);
  out.append(buf, static_cast<std::size_t>(n));
}

void append_u64(std::string& out, std::uint64_t v) {
  out += std::to_string(v);
}

class Metrics final : public http::Handler {
 public:
  explicit Metrics(MetricsRoutes* owner, const void* state) : owner_(owner), state_(state) {}
  void handle(http::Exchange& ex) override;

 private:
  MetricsRoutes* owner_;
  const void* state_;
};

// Every worker's counters, summed: per route (index i < n), then the
// unmatched requests by method (n + m).
struct HttpTotals {
  std::vector<std::array<std::uint64_t, http::kStatusSlots.size()>> status;
  std::vector<std::array<std::uint64_t, http::kLatencyBounds.size() + 1>> latency;
  std::vector<std::uint64_t> latency_sum_ns;
  std::uint64_t opened = 0, closed = 0;
};

HttpTotals sum_workers(const http::Server& server, std::size_t n) {
  HttpTotals t;
  t.status.resize(n + 8);
  t.latency.resize(n + 1);
  t.latency_sum_ns.resize(n + 1);
  server.for_each_stats([&](const http::WorkerStats& w) {
    auto add = [&](const http::RouteStats& rs, std::size_t si, std::size_t li) {
      for (std::size_t k = 0; k < rs.by_status.size(); ++k)
        t.status[si][k] += rs.by_status[k].get();
      for (std::size_t k = 0; k < rs.latency.size(); ++k) t.latency[li][k] += rs.latency[k].get();
      t.latency_sum_ns[li] += rs.latency_sum_ns.get();
    };
    for (std::size_t i = 0; i < n; ++i) add(w.routes[i], i, i);
    for (std::size_t m = 0; m < 8; ++m) add(w.unmatched[m], n + m, n);
    t.opened += w.connections_opened.get();
    t.closed += w.connections_closed.get();
  });
  return t;
}

void render_requests(const std::vector<http::Route>& routes, const HttpTotals& t,
                     std::string& out) {
  const std::size_t n = routes.size();
  out += "# HELP brisk_http_requests_total HTTP requests answered, by method, route and status.\n";
  out += "# TYPE brisk_http_requests_total counter\n";
  for (std::size_t i = 0; i < n + 8; ++i) {
    std::string_view method = i < n ? http::method_name(routes[i].method)
                                    : http::method_name(static_cast<http::Method>(i - n));
    std::string_view route = i < n ? routes[i].pattern : std::string_view("unmatched");
    for (std::size_t k = 0; k < http::kStatusSlots.size(); ++k) {
      if (!t.status[i][k]) continue;
      out += "brisk_http_requests_total{method=\"";
      out += method;
      out += "\",route=\"";
      out += route;
      out += "\",status=\"";
      out += http::kStatusSlots[k] ? std::to_string(http::kStatusSlots[k]) : std::string("other");
      out += "\"} ";
      append_u64(out, t.status[i][k]);
      out += '\n';
    }
  }
}

// One route's latency histogram (buckets made cumulative here).
void render_histogram(std::string_view route,
                      const std::array<std::uint64_t, http::kLatencyBounds.size() + 1>& b,
                      std::uint64_t sum_ns, std::string& out) {
  std::uint64_t cumulative = 0;
  for (std::size_t k = 0; k < b.size(); ++k) {
    cumulative += b[k];
    out.append("brisk_http_request_duration_seconds_bucket{route=\"")
        .append(route)
        .append("\",le=\"");
    if (k < http::kLatencyBounds.size()) {
      append_number(out, http::kLatencyBounds[k]);
    } else {
      out += "+Inf";
    }
    out += "\"} ";
    append_u64(out, cumulative);
    out += '\n';
  }
  out.append("brisk_http_request_duration_seconds_sum{route=\"").append(route).append("\"} ");
  append_number(out, static_cast<double>(sum_ns) / 1e9);
  out.append("\nbrisk_http_request_duration_seconds_count{route=\"").append(route).append("\"} ");
  append_u64(out, cumulative);
  out += '\n';
}

void render_durations(const std::vector<http::Route>& routes, const HttpTotals& t,
                      std::string& out) {
  const std::size_t n = routes.size();
  out +=
      "# HELP brisk_http_request_duration_seconds Time from complete request to answer, by "
      "route.\n";
  out += "# TYPE brisk_http_request_duration_seconds histogram\n";
  for (std::size_t i = 0; i <= n; ++i) {
    // The same pattern appears once per method; labels by route only, as
    // documented, so methods sharing a pattern merge into the first one.
    bool first = true;
    for (std::size_t j = 0; j < i && i < n; ++j)
      first = first && routes[j].pattern != routes[i].pattern;
    if (!first) continue;
    std::array<std::uint64_t, http::kLatencyBounds.size() + 1> b = t.latency[i];
    std::uint64_t sum_ns = t.latency_sum_ns[i];
    for (std::size_t j = i + 1; j < n && i < n; ++j) {
      if (routes[j].pattern != routes[i].pattern) continue;
      for (std::size_t k = 0; k < b.size(); ++k) b[k] += t.latency[j][k];
      sum_ns += t.latency_sum_ns[j];
    }
    render_histogram(i < n ? routes[i].pattern : std::string_view("unmatched"), b, sum_ns, out);
  }
  out += "# HELP brisk_http_connections_open Client connections open now.\n";
  out += "# TYPE brisk_http_connections_open gauge\nbrisk_http_connections_open ";
  append_u64(out, t.opened >= t.closed ? t.opened - t.closed : 0);
  out += '\n';
}

void render_db(store::Store& store, std::string& out) {
  store::CommitStats cs = store.commit_stats();
  out += "# HELP brisk_db_commits_total Write transactions committed.\n";
  out += "# TYPE brisk_db_commits_total counter\nbrisk_db_commits_total ";
  append_u64(out, cs.commits);
  out += "\n# HELP brisk_db_commit_batch_size Write requests per committed transaction.\n";
  out += "# TYPE brisk_db_commit_batch_size histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t k = 0; k < cs.batch_buckets.size(); ++k) {
    cumulative += cs.batch_buckets[k];
    out += "brisk_db_commit_batch_size_bucket{le=\"";
    out += k < store::kBatchBounds.size() ? std::to_string(store::kBatchBounds[k]) : "+Inf";
    out += "\"} ";
    append_u64(out, cumulative);
    out += '\n';
  }
  out += "brisk_db_commit_batch_size_sum ";
  append_u64(out, cs.batch_sum);
  out += "\nbrisk_db_commit_batch_size_count ";
  append_u64(out, cs.commits);
  out += '\n';
  const tasks::CostlyReadCounters& cr = tasks::costly_read_counters();
  out +=
      "# HELP brisk_db_query_timeouts_total Reads stopped at the time budget (--query-timeout).\n";
  out += "# TYPE brisk_db_query_timeouts_total counter\nbrisk_db_query_timeouts_total ";
  append_u64(out, cr.timeouts.load(std::memory_order_relaxed));
  out +=
      "\n# HELP brisk_db_costly_reads_refused_total Expensive reads refused with 503: every "
      "reader busy and the queue full, or the client's share taken.\n";
  out += "# TYPE brisk_db_costly_reads_refused_total counter\nbrisk_db_costly_reads_refused_total ";
  append_u64(out, cr.refused.load(std::memory_order_relaxed));
  out += '\n';
}

void render_sse(const tasks::EventHub& events, std::string& out) {
  out += "# HELP brisk_sse_streams_open GET /tasks/events streams open now.\n";
  out += "# TYPE brisk_sse_streams_open gauge\nbrisk_sse_streams_open ";
  append_u64(out, events.open_streams());
  out += "\n# HELP brisk_sse_events_sent_total Task events queued to streams (one per stream).\n";
  out += "# TYPE brisk_sse_events_sent_total counter\nbrisk_sse_events_sent_total ";
  append_u64(out, events.events_sent());
  out += "\n# HELP brisk_sse_overflows_total Streams reset and closed for falling 1 MiB behind.\n";
  out += "# TYPE brisk_sse_overflows_total counter\nbrisk_sse_overflows_total ";
  append_u64(out, events.overflows());
  out += '\n';
}

void render(const MetricsRoutes::State& st, std::string& out) {
  const auto& routes = st.server->router().routes();
  const HttpTotals totals = sum_workers(*st.server, routes.size());
  render_requests(routes, totals, out);
  render_durations(routes, totals, out);
  render_db(st.store, out);
  if (st.events) render_sse(*st.events, out);
}

const api::ResponseDoc kMetricsResponses[] = {
    {.status = 200,
     .description = "Prometheus text exposition format 0.0.4.",
     .media_type = "text/plain",
     .example = R"("brisk_db_commits_total 42")"},
    api::problem(503, "The server is not attached yet.", "metrics are not available yet"),
};
const api::Operation kMetricsOp{
    .operation_id = "getMetrics",
    .summary = "Prometheus metrics",
    .description =
        "brisk_http_requests_total{method,route,status}, "
        "brisk_http_request_duration_seconds (histogram by route), "
        "brisk_http_connections_open, brisk_db_commits_total, "
        "brisk_db_commit_batch_size (histogram), brisk_db_query_timeouts_total, "
        "brisk_db_costly_reads_refused_total, brisk_sse_streams_open, "
        "brisk_sse_events_sent_total and brisk_sse_overflows_total. Never rate limited.",
    .tag = "operations",
    .responses = kMetricsResponses,
    .public_route = true,
};

void Metrics::handle(http::Exchange& ex) {
  auto* st = static_cast<const MetricsRoutes::State*>(state_);
  (void)owner_;
  if (!st->server) {
    http::ResponseBuilder rb = ex.respond(503);
    http::write_problem(rb, "metrics are not available yet");
    return;
  }
  http::ResponseBuilder rb = ex.respond(200);
  std::string& out = rb.begin_body("text/plain; version=0.0.4; charset=utf-8");
  render(*st, out);
  rb.end_body();
}
}  // namespace

MetricsRoutes::MetricsRoutes(store::Store& s, const tasks::EventHub* events)
    : state_(new State{s, events}) {}
MetricsRoutes::~MetricsRoutes() = default;

void MetricsRoutes::attach(const http::Server& server) {
  state_->server = &server;
}

void MetricsRoutes::register_on(api::RouteTable& r) {
  handlers_.push_back(std::make_unique<Metrics>(this, state_.get()));
  r.add({http::Method::kGet, "/metrics", handlers_.back().get(), false}, kMetricsOp);
}

}  // namespace brisk::ops
