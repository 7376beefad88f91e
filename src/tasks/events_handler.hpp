// GET /tasks/events: the caller's task changes as Server-Sent Events
// (API.md; the OpenAPI description is kTaskEventsOp).
#pragma once
#include <memory>
#include <span>

#include "api/query.hpp"
#include "http/router.hpp"
#include "tasks/context.hpp"
#include "tasks/event_hub.hpp"

namespace brisk::tasks {

std::span<const api::QueryParamDecl> events_params();

std::unique_ptr<http::Handler> make_events_handler(Context& ctx, EventHub& hub);

}  // namespace brisk::tasks
