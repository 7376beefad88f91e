#include "tasks/task.hpp"

#include "api/model_bind.hpp"

namespace brisk::tasks {

namespace {
using api::Field;
using api::FieldType;

const Field<Task> kFields[] = {
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
     .description = "1..200 Unicode code points, not only white space; stored as sent.",
     .example = R"("Write the report")"},
    {.name = "description",
     .type = FieldType::kString,
     .str = &Task::description,
     .min = 0,
     .max = 2000,
     .description = "0..2000 Unicode code points.",
     .example = R"("")",
     .default_json = R"("")"},
    {.name = "status",
     .type = FieldType::kEnum,
     .integer = &Task::status,
     .enum_values = kStatusNames,
     .description = "Task state.",
     .example = R"("pending")",
     .default_json = R"("pending")"},
    {.name = "priority",
     .type = FieldType::kInteger,
     .integer = &Task::priority,
     .min = 1,
     .max = 5,
     .description = "1 (lowest) to 5.",
     .example = "1",
     .default_json = "1"},
    {.name = "due_at",
     .type = FieldType::kDateTime,
     .nullable_time = &Task::due_at,
     .description = "RFC 3339 date-time (any offset; returned as UTC) or null.",
     .example = R"("2026-12-01T16:00:00.000Z")",
     .default_json = "null"},
    {.name = "tags",
     .type = FieldType::kStringList,
     .list = &Task::tags,
     .min = 0,
     .max = 20,
     .item_min = 1,
     .item_max = 50,
     .unique = true,
     .description = "0..20 distinct strings of 1..50 code points; order kept.",
     .example = R"(["work"])",
     .default_json = "[]"},
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
}  // namespace

const api::Model<Task> kTaskModel{
    "Task", kFields,
    "A task. Strings are counted in Unicode code points; integers are JSON integers written "
    "without a fraction or exponent (`2`, not `2.0`); timestamps are RFC 3339 (second 60 is "
    "not accepted) and are returned in UTC with milliseconds."};

std::string serialize(const Task& t) {
  std::string out;
  out.reserve(256 + t.title.size() + t.description.size());
  util::JsonWriter w(out);
  api::write_object(kTaskModel, t, w);
  return out;
}

void apply_patch(Task& t, const Task& patch, api::FieldMask mask) {
  api::copy_writable(kTaskModel, patch, mask, t);
}

}  // namespace brisk::tasks
