// The task resource: its struct and its one model declaration, from which
// come parsing, validation, serialization, defaults (the struct's own
// initializers), examples, the JSON Schema and the limits the query
// parameters reuse (list_params.cpp).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/model.hpp"
#include "util/text.hpp"
#include "util/uuid.hpp"

namespace brisk::tasks {

enum class Status : std::int64_t { kPending = 0, kInProgress = 1, kDone = 2 };
inline constexpr std::string_view kStatusNames[] = {"pending", "in_progress", "done"};

// The defaults of a new task are these initializers (the schema's
// `default`s are read from a default-constructed Task).
struct Task {
  util::Uuid id;
  std::string title;
  std::string description;
  std::int64_t status = 0;  // index into kStatusNames
  std::int64_t priority = 1;
  std::optional<std::int64_t> due_at;  // Unix ms, UTC
  std::vector<std::string> tags;
  std::int64_t created_at = 0;  // Unix ms
  std::int64_t updated_at = 0;
  std::int64_t version = 0;
};

namespace detail {
// No C0 control character and no DEL (the title and each tag).
constexpr bool no_controls(std::string_view s) {
  return util::no_control_chars(s);
}
// A title: no control character, and some character that is neither a
// control nor Unicode White_Space (the not_blank rule, in the one pattern a
// JSON Schema string can carry).
inline constexpr std::string_view kTitlePattern =
    "^[^\\u0000-\\u001f\\u007f]*[^\\u0000-\\u0020\\u007f\\u0085\\u00a0\\u1680\\u2000-\\u200a"
    "\\u2028\\u2029\\u202f\\u205f\\u3000][^\\u0000-\\u001f\\u007f]*$";
inline constexpr std::string_view kNoControlsPattern = "^[^\\u0000-\\u001f\\u007f]*$";
}  // namespace detail

using api::FieldType;

// Field order is the JSON order of a served task.
inline constexpr api::Field<Task> kTaskFields[] = {
    {.name = "id",
     .type = FieldType::kUuid,
     .uuid = &Task::id,
     .read_only = true,
     .description = "UUIDv7 assigned by the server; time-ordered.",
     .example = R"("01936f4e-8a3c-7b2e-9c1d-5f0a2b3c4d5e")"},
    {.name = "title",
     .type = FieldType::kString,
     .str = &Task::title,
     .min = 1,
     .max = 200,
     .not_blank = true,
     .required = true,
     .description = "1..200 Unicode code points, not only white space, no control characters "
                    "(C0, DEL); stored as sent.",
     .example = R"("Write the report")",
     .pattern = detail::kTitlePattern,
     .pattern_ok = detail::no_controls},
    {.name = "description",
     .type = FieldType::kString,
     .str = &Task::description,
     .min = 0,
     .max = 2000,
     .description = "0..2000 Unicode code points (newlines and tabs allowed).",
     .example = R"("")"},
    {.name = "status",
     .type = FieldType::kEnum,
     .integer = &Task::status,
     .enum_values = kStatusNames,
     .description = "Task state.",
     .example = R"("pending")"},
    {.name = "priority",
     .type = FieldType::kInteger,
     .integer = &Task::priority,
     .min = 1,
     .max = 5,
     .description = "1 (lowest) to 5.",
     .example = "1"},
    {.name = "due_at",
     .type = FieldType::kDateTime,
     .nullable_time = &Task::due_at,
     .description = "RFC 3339 date-time (any offset; returned as UTC) or null.",
     .example = R"("2026-12-01T16:00:00.000Z")"},
    {.name = "tags",
     .type = FieldType::kStringList,
     .list = &Task::tags,
     .min = 0,
     .max = 20,
     .item_min = 1,
     .item_max = 50,
     .unique = true,
     .description = "0..20 distinct strings of 1..50 code points without control characters; "
                    "order kept.",
     .example = R"(["work"])",
     .pattern = detail::kNoControlsPattern,
     .pattern_ok = detail::no_controls},
    {.name = "created_at",
     .type = FieldType::kDateTime,
     .integer = &Task::created_at,
     .read_only = true,
     .description = "Set by the server on create.",
     .example = R"("2026-11-22T09:30:00.123Z")"},
    {.name = "updated_at",
     .type = FieldType::kDateTime,
     .integer = &Task::updated_at,
     .read_only = true,
     .description = "Set by the server on every change.",
     .example = R"("2026-11-22T09:30:00.123Z")"},
    {.name = "version",
     .type = FieldType::kInteger,
     .integer = &Task::version,
     .min = 1,
     .max = INT64_MAX,
     .read_only = true,
     .description = "1 on create, +1 on every successful PUT or PATCH; the ETag.",
     .example = "1"},
};
static_assert(api::check_model(kTaskFields), "kTaskFields must bind every member of Task once");

inline constexpr api::Model<Task> kTaskModel{
    "Task", kTaskFields,
    "A task. Strings are counted in Unicode code points; integers are JSON integers written "
    "without a fraction or exponent (`2`, not `2.0`); timestamps are RFC 3339 (second 60 is "
    "not accepted) and are returned in UTC with milliseconds."};

// Field indexes into kTaskFields (bits of an api::FieldMask), found by name.
inline constexpr unsigned kId = api::field_index(kTaskFields, "id");
inline constexpr unsigned kTitle = api::field_index(kTaskFields, "title");
inline constexpr unsigned kDescription = api::field_index(kTaskFields, "description");
inline constexpr unsigned kStatus = api::field_index(kTaskFields, "status");
inline constexpr unsigned kPriority = api::field_index(kTaskFields, "priority");
inline constexpr unsigned kDueAt = api::field_index(kTaskFields, "due_at");
inline constexpr unsigned kTags = api::field_index(kTaskFields, "tags");
inline constexpr unsigned kCreatedAt = api::field_index(kTaskFields, "created_at");
inline constexpr unsigned kUpdatedAt = api::field_index(kTaskFields, "updated_at");
inline constexpr unsigned kVersion = api::field_index(kTaskFields, "version");

// Serializes a task as served (the bytes stored beside the row and sent as is).
std::string serialize(const Task& t);

// Copies the writable fields selected by `mask` from `patch` into `t`.
void apply_patch(Task& t, const Task& patch, api::FieldMask mask);

}  // namespace brisk::tasks
