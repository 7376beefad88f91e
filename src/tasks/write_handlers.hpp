// POST /tasks, PUT and PATCH /tasks/{id}, DELETE /tasks/{id}.
#pragma once
#include <memory>

#include "http/router.hpp"
#include "tasks/context.hpp"

namespace brisk::tasks {

std::unique_ptr<http::Handler> make_create_handler(Context& ctx);
// PUT (merge_patch false) or PATCH (true: also application/merge-patch+json).
std::unique_ptr<http::Handler> make_update_handler(Context& ctx, bool merge_patch);
std::unique_ptr<http::Handler> make_delete_handler(Context& ctx);

}  // namespace brisk::tasks
