// Maps (method, path) to a handler. Resources register their routes through
// api::RouteTable, which documents each one as it adds it here.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"

namespace brisk::http {

class Exchange;

// A handler is a small class; one instance serves every thread, so handle()
// must only touch per-thread state through the Exchange.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual void handle(Exchange& ex) = 0;
};

struct Route {
  Method method;
  std::string_view pattern;  // "/tasks" or "/tasks/{id}": at most one {param} segment
  Handler* handler;
  bool rate_limited = true;  // false for health and metrics probes
};

struct RouteMatch {
  const Route* route = nullptr;  // null: no route for this method
  std::string_view param;        // the {param} segment's text
  bool path_known = false;       // some method serves this path (405 vs 404)
  std::string allow;             // methods allowed on the path, for 405
};

class Router {
 public:
  void add(const Route& r) { routes_.push_back(r); }
  const std::vector<Route>& routes() const { return routes_; }
  // HEAD is served by the GET route. Fills `allow` only when no route
  // matched the method but the path is known.
  RouteMatch match(Method m, std::string_view path) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace brisk::http
