// The routes of the API with the OpenAPI description of each operation.
// Every resource registers its routes here once: the table fills the
// router that serves them and feeds the generator that documents them, so
// a route cannot be served undocumented, or documented unserved.
#pragma once
#include <vector>

#include "api/operation.hpp"
#include "http/router.hpp"

namespace brisk::api {

struct DocumentedRoute {
  http::Route route;
  const Operation* doc = nullptr;
  // Served but left out of the document: a convenience spelling of a
  // documented route (a redirect), never an operation of its own.
  bool unlisted = false;
};

class RouteTable {
 public:
  void add(const http::Route& route, const Operation& doc) {
    router_.add(route);
    routes_.push_back({route, &doc});
  }
  // For tests of the generator: a route without a description (refused).
  void add_undocumented(const http::Route& route) {
    router_.add(route);
    routes_.push_back({route, nullptr});
  }
  // A redirect to a documented route (say /docs/ -> /docs): served, not
  // listed, since it is no operation of its own and linters rightly refuse
  // a path with a trailing slash or without a 2xx answer.
  void add_unlisted_redirect(const http::Route& route) {
    router_.add(route);
    routes_.push_back({route, nullptr, true});
  }
  const http::Router& router() const { return router_; }
  const std::vector<DocumentedRoute>& routes() const { return routes_; }

 private:
  http::Router router_;
  std::vector<DocumentedRoute> routes_;  // in router_'s order
};

}  // namespace brisk::api
