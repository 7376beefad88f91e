#include "ops/health.hpp"

#include "api/operation.hpp"
#include "api/problem.hpp"
#include "api/schema.hpp"
#include "http/exchange.hpp"

namespace brisk::ops {

namespace {
class Healthz final : public http::Handler {
 public:
  void handle(http::Exchange& ex) override {
    ex.respond(200).body("application/json", R"({"status":"ok"})");
  }
};

class Readyz final : public http::Handler {
 public:
  Readyz(store::Store& s, const std::atomic<bool>& draining) : store_(s), draining_(draining) {}
  void handle(http::Exchange& ex) override {
    if (draining_.load(std::memory_order_relaxed)) {
      return api::reply_problem(ex, 503, "shutting down");
    }
    // A fault no retry cures (the file deleted or replaced, corruption):
    // reads may still work, but a load balancer should send clients
    // elsewhere, and the operator reads why here and in the log.
    if (std::string fault = store_.fault(); !fault.empty()) {
      return api::reply_problem(ex, 503, fault);
    }
    if (!store_.reader(ex.worker_index()).ping()) {
      return api::reply_problem(ex, 503, "the database does not answer");
    }
    if (store_.disk_full()) {
      return api::reply_problem(ex, 503, "cannot write: the disk is full (reads go on)");
    }
    ex.respond(200).body("application/json", R"({"status":"ready"})");
  }

 private:
  store::Store& store_;
  const std::atomic<bool>& draining_;
};

void write_status_schema(util::JsonWriter& w) {
  api::detail::write_json_text(w, R"({"type": "object", "required": ["status"],
      "properties": {"status": {"type": "string", "enum": ["ok", "ready"]}}})");
}
const api::SchemaDoc kStatusSchema{"Status", &write_status_schema};

constexpr api::ResponseDoc kHealthzResponses[] = {
    {.status = 200,
     .description = "The process runs.",
     .schema = &kStatusSchema,
     .example = R"({"status": "ok"})"},
};
const api::Operation kHealthzOp{
    .operation_id = "getHealth",
    .summary = "Liveness",
    .description = "200 while the process runs. Never rate limited.",
    .tag = "operations",
    .responses = kHealthzResponses,
    .public_route = true,
};

constexpr api::ResponseDoc kReadyzResponses[] = {
    {.status = 200,
     .description = "The database answers and brisk is not shutting down.",
     .schema = &kStatusSchema,
     .example = R"({"status": "ready"})"},
    api::problem(503,
                 "The database does not answer, its disk is full (writes would get 507), its "
                 "file was deleted or replaced or is corrupt (writes get 503 until brisk "
                 "restarts; `detail` says which), or brisk is shutting down.",
                 "shutting down"),
};
const api::Operation kReadyzOp{
    .operation_id = "getReadiness",
    .summary = "Readiness",
    .description =
        "200 when the database answers; 503 otherwise and while draining. Never rate "
        "limited.",
    .tag = "operations",
    .responses = kReadyzResponses,
    .public_route = true,
};

}  // namespace

HealthRoutes::HealthRoutes(store::Store& s) : store_(s) {}
HealthRoutes::~HealthRoutes() = default;

void HealthRoutes::register_on(api::RouteTable& r) {
  handlers_.push_back(std::make_unique<Healthz>());
  r.add({http::Method::kGet, "/healthz", handlers_.back().get(), false}, kHealthzOp);
  handlers_.push_back(std::make_unique<Readyz>(store_, draining_));
  r.add({http::Method::kGet, "/readyz", handlers_.back().get(), false}, kReadyzOp);
}

}  // namespace brisk::ops
