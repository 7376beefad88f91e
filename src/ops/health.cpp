#include "ops/health.hpp"

#include "api/problem.hpp"
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
    if (!store_.reader(ex.worker_index()).ping()) {
      return api::reply_problem(ex, 503, "the database does not answer");
    }
    ex.respond(200).body("application/json", R"({"status":"ready"})");
  }

 private:
  store::Store& store_;
  const std::atomic<bool>& draining_;
};
}  // namespace

HealthRoutes::HealthRoutes(store::Store& s) : store_(s) {}
HealthRoutes::~HealthRoutes() = default;

void HealthRoutes::register_on(http::Router& r) {
  handlers_.push_back(std::make_unique<Healthz>());
  r.add({http::Method::kGet, "/healthz", handlers_.back().get(), nullptr, false});
  handlers_.push_back(std::make_unique<Readyz>(store_, draining_));
  r.add({http::Method::kGet, "/readyz", handlers_.back().get(), nullptr, false});
}

}  // namespace brisk::ops
