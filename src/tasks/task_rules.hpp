// The rules of a task's life, in one place: what a new task is, what an
// update does to it, and the bytes it is served as. The store receives the
// rows these functions make (store/commands.hpp) and decides nothing.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "api/model.hpp"
#include "store/commands.hpp"
#include "tasks/task.hpp"

namespace brisk::tasks {

// Idempotency-Key replays are kept this long (API.md: 24 hours).
inline constexpr std::int64_t kIdempotencyTtlMs = 24LL * 3600 * 1000;

// A new task of `owner` from the fields of a create request: a fresh
// UUIDv7 (this thread's generator), created_at = updated_at = now,
// version 1, and the served JSON.
store::TaskRow new_task(store::Owner owner, Task&& fields, std::int64_t now);

// The command that creates `row`, with its task.created event (the store
// logs it unless the create is an idempotent replay).
store::CreateTask create_task(store::TaskRow&& row);

// The command that restores `row` from an export (brisk import), with a
// task.created event: a stream that reconnects after an import learns of it.
store::ImportTask import_task(store::TaskRow&& row);

// The row of `t` (moved from) for `owner`, served as `body` (serialize(t)).
store::TaskRow to_row(store::Owner owner, Task&& t, std::string&& body);

// Reads a task back from its served JSON (what the store keeps). False if
// the text is not a task (a corrupt row).
bool parse_stored(std::string_view json, Task& out);

// The update of `before` by the fields of `patch` selected by `mask`
// (PUT and PATCH alike): version + 1, updated_at = now (never earlier than
// before), and the new served JSON; compare-and-set on before's version.
// Carries its task.updated event.
store::UpdateTask update_task(store::Owner owner, Task&& before, const Task& patch,
                              api::FieldMask mask, std::int64_t now);

// The delete of `before`, compare-and-set on its version, with its
// task.deleted event.
store::DeleteTask delete_task(store::Owner owner, Task&& before);

}  // namespace brisk::tasks
