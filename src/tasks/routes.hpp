// The task resource's route table: one entry per operation, with its
// handler and its OpenAPI description (openapi_docs.hpp), read by both the
// router and the OpenAPI generator.
#pragma once
#include <memory>
#include <vector>

#include "api/route_table.hpp"
#include "http/router.hpp"
#include "tasks/context.hpp"
#include "tasks/event_hub.hpp"

namespace brisk::tasks {

class TaskRoutes {
 public:
  explicit TaskRoutes(Context ctx, EventStreamOptions events = {});
  ~TaskRoutes();
  void register_on(api::RouteTable& r);
  // Where the store publishes committed events (Store::set_event_sink);
  // it fans them out to the open GET /tasks/events streams.
  EventHub& events() { return hub_; }

 private:
  Context ctx_;
  EventHub hub_;
  std::vector<std::unique_ptr<http::Handler>> handlers_;
};

}  // namespace brisk::tasks
