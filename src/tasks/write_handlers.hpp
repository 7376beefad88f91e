// POST /tasks, PUT and PATCH /tasks/{id}, DELETE /tasks/{id}.
#pragma once
#include <cstdint>
#include <memory>

#include "http/router.hpp"
#include "tasks/context.hpp"

namespace brisk::tasks {

std::unique_ptr<http::Handler> make_create_handler(Context& ctx);
// PUT and PATCH update alike; PATCH also accepts application/merge-patch+json.
enum class UpdateStyle : std::uint8_t { kPut, kPatch };
std::unique_ptr<http::Handler> make_update_handler(Context& ctx, UpdateStyle style);
std::unique_ptr<http::Handler> make_delete_handler(Context& ctx);

}  // namespace brisk::tasks
