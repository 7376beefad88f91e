#include "tasks/routes.hpp"

#include "tasks/events_handler.hpp"
#include "tasks/openapi_docs.hpp"
#include "tasks/read_handlers.hpp"
#include "tasks/write_handlers.hpp"

namespace brisk::tasks {

TaskRoutes::TaskRoutes(Context ctx, EventStreamOptions events)
    : ctx_(std::move(ctx)), hub_(events) {}
TaskRoutes::~TaskRoutes() = default;

void TaskRoutes::register_on(api::RouteTable& r) {
  auto add = [&](http::Method m, std::string_view pattern, const api::Operation& doc,
                 std::unique_ptr<http::Handler> h) {
    r.add({m, pattern, h.get()}, doc);
    handlers_.push_back(std::move(h));
  };
  add(http::Method::kGet, "/tasks", kListTasksOp, make_list_handler(ctx_));
  add(http::Method::kPost, "/tasks", kCreateTaskOp, make_create_handler(ctx_));
  // A literal path wins over /tasks/{id} whatever the order (http/router.cpp).
  add(http::Method::kGet, "/tasks/events", kTaskEventsOp, make_events_handler(ctx_, hub_));
  add(http::Method::kGet, "/tasks/{id}", kGetTaskOp, make_get_handler(ctx_));
  add(http::Method::kPut, "/tasks/{id}", kUpdateTaskOp,
      make_update_handler(ctx_, UpdateStyle::kPut));
  add(http::Method::kPatch, "/tasks/{id}", kPatchTaskOp,
      make_update_handler(ctx_, UpdateStyle::kPatch));
  add(http::Method::kDelete, "/tasks/{id}", kDeleteTaskOp, make_delete_handler(ctx_));
}

}  // namespace brisk::tasks
