// Every route table of brisk on one router. `brisk serve`, `brisk openapi`
// and the tests all build the table here, so the OpenAPI document always
// describes exactly the routes that are served.
#pragma once
#include <string>

#include "api/openapi.hpp"
#include "auth/authenticator.hpp"
#include "auth/routes.hpp"
#include "auth/throttle.hpp"
#include "auth/token.hpp"
#include "http/router.hpp"
#include "ops/docs.hpp"
#include "ops/health.hpp"
#include "ops/metrics.hpp"
#include "ops/web_ui.hpp"
#include "store/store.hpp"
#include "tasks/routes.hpp"
#include "util/work_pool.hpp"

namespace brisk::ops {

struct AppOptions {
  bool auth_required = true;
  unsigned hash_threads = 1;         // Argon2id work pool
  tasks::EventStreamOptions events;  // GET /tasks/events
};

class AppRoutes {
 public:
  // Registers every route on `table` (which outlives this). With auth off
  // there are no account routes and no security schemes: the document
  // describes what the running server serves.
  // Committed events are published to the event streams from here on; the
  // store must be stopped before this is destroyed.
  AppRoutes(store::Store& s, AppOptions opts, api::RouteTable& table);
  ~AppRoutes();
  AppRoutes(const AppRoutes&) = delete;
  AppRoutes& operator=(const AppRoutes&) = delete;
  const http::Router& router() const { return table_.router(); }
  const api::RouteTable& routes() const { return table_; }
  HealthRoutes& health() { return health_; }
  MetricsRoutes& metrics() { return metrics_; }
  // Generates the document served at /openapi.json (with `servers`).
  // Throws std::logic_error if a route's description is inconsistent.
  void prepare_document();

 private:
  // Declaration order is construction order: the auth pieces before the
  // routes that use them.
  store::Store& store_;
  auth::TokenCodec tokens_;
  auth::Authenticator authenticator_;
  auth::LoginThrottle throttle_;
  util::WorkPool hashing_;
  api::RouteTable& table_;
  bool auth_required_;
  tasks::TaskRoutes tasks_;
  auth::AuthRoutes auth_;
  HealthRoutes health_;
  MetricsRoutes metrics_;
  DocsRoutes docs_;
  WebUiRoutes web_ui_;
};

// Title, version, description, tags and (with auth required) security
// schemes; no servers.
api::DocumentInfo document_info(bool auth_required = true);

// The document `brisk openapi` prints: the one a server with these options
// serves, with another `servers` (the default listen address instead of the
// serving origin).
std::string openapi_document(bool auth_required = true);

}  // namespace brisk::ops
