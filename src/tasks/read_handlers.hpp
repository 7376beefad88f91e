// GET /tasks/{id} and GET /tasks: reads, answered on the event-loop thread
// from this thread's store reader (and its caches).
#pragma once
#include <memory>

#include "http/router.hpp"
#include "tasks/context.hpp"

namespace brisk::tasks {

std::unique_ptr<http::Handler> make_get_handler(Context& ctx);
std::unique_ptr<http::Handler> make_list_handler(Context& ctx);

}  // namespace brisk::tasks
