// Every route table of brisk on one router. `brisk serve`, `brisk openapi`
// and the tests all build the table here, so the OpenAPI document always
// describes exactly the routes that are served.
#pragma once
#include <string>

#include "api/openapi.hpp"
#include "http/router.hpp"
#include "ops/docs.hpp"
#include "ops/health.hpp"
#include "store/store.hpp"
#include "tasks/routes.hpp"

namespace brisk::ops {

class AppRoutes {
 public:
  explicit AppRoutes(store::Store& s);
  const http::Router& router() const { return router_; }
  HealthRoutes& health() { return health_; }
  // Generates the document served at /openapi.json (with `servers`).
  // Throws std::logic_error if a route's description is inconsistent.
  void prepare_document();

 private:
  http::Router router_;
  tasks::TaskRoutes tasks_;
  HealthRoutes health_;
  DocsRoutes docs_;
};

// Title, version, description and tags; no servers, no security schemes
// (register them here once authentication exists).
api::DocumentInfo document_info();

// The document `brisk openapi` prints: the served one with another
// `servers` (the default listen address instead of the serving origin).
std::string openapi_document();

}  // namespace brisk::ops
