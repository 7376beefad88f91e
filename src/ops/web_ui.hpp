// GET / (the web UI's page) and GET /app/{asset} (its JavaScript modules,
// stylesheet and icon): the single-page app of web/app/, embedded in the
// binary. It talks to the public API only, like any other client.
#pragma once
#include "api/route_table.hpp"
#include "http/router.hpp"
#include "ops/embedded_files.hpp"

namespace brisk::ops {

class WebUiRoutes {
 public:
  WebUiRoutes();
  void register_on(api::RouteTable& r);

 private:
  EmbeddedFiles app_;
};

}  // namespace brisk::ops
