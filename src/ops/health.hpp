// /healthz (the process runs) and /readyz (the database answers and the
// server is not draining).
#pragma once
#include <atomic>
#include <memory>
#include <vector>

#include "api/route_table.hpp"
#include "http/router.hpp"
#include "store/store.hpp"

namespace brisk::ops {

class HealthRoutes {
 public:
  explicit HealthRoutes(store::Store& s);
  ~HealthRoutes();
  void register_on(api::RouteTable& r);
  void set_draining() { draining_.store(true, std::memory_order_relaxed); }

 private:
  store::Store& store_;
  std::atomic<bool> draining_{false};
  std::vector<std::unique_ptr<http::Handler>> handlers_;
};

}  // namespace brisk::ops
