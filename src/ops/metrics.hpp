// GET /metrics: Prometheus text format, summed over workers at scrape time.
#pragma once
#include <memory>
#include <vector>

#include "api/route_table.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "store/store.hpp"
#include "tasks/event_hub.hpp"

namespace brisk::ops {

class MetricsRoutes {
 public:
  // `events` (may be null): the event streams counted.
  explicit MetricsRoutes(store::Store& s, const tasks::EventHub* events = nullptr);
  ~MetricsRoutes();
  void register_on(api::RouteTable& r);
  // The server whose workers are counted; set before it runs.
  void attach(const http::Server& server);

  struct State;  // the store and the attached server

 private:
  std::unique_ptr<State> state_;
  std::vector<std::unique_ptr<http::Handler>> handlers_;
};

}  // namespace brisk::ops
