// The OpenAPI descriptions of the task routes, one per route table entry in
// routes.cpp (Route::doc). The request and response schemas come from
// kTaskModel, the declaration that binds and serializes tasks.
#pragma once
#include "api/operation.hpp"

namespace brisk::tasks {

extern const api::Operation kListTasksOp;
extern const api::Operation kCreateTaskOp;
extern const api::Operation kGetTaskOp;
extern const api::Operation kUpdateTaskOp;  // PUT
extern const api::Operation kPatchTaskOp;   // PATCH
extern const api::Operation kDeleteTaskOp;
extern const api::Operation kTaskEventsOp;  // GET /tasks/events

// Component schemas: the served task and the two request bodies.
extern const api::SchemaDoc kTaskSchema;
extern const api::SchemaDoc kTaskCreateSchema;
extern const api::SchemaDoc kTaskUpdateSchema;

}  // namespace brisk::tasks
