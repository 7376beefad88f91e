// The task resource's route table: one entry per operation, with its
// handler and its OpenAPI description (openapi_docs.hpp), read by both the
// router and the OpenAPI generator.
#pragma once
#include <memory>
#include <vector>

#include "api/route_table.hpp"
#include "http/router.hpp"
#include "tasks/context.hpp"

namespace brisk::tasks {

class TaskRoutes {
 public:
  explicit TaskRoutes(Context ctx);
  ~TaskRoutes();
  void register_on(api::RouteTable& r);

 private:
  Context ctx_;
  std::vector<std::unique_ptr<http::Handler>> handlers_;
};

}  // namespace brisk::tasks
