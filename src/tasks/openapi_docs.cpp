#include "tasks/openapi_docs.hpp"

#include "api/schema.hpp"
#include "tasks/events_handler.hpp"
#include "tasks/list_params.hpp"
#include "tasks/task.hpp"

namespace brisk::tasks {

using api::HeaderDoc;
using api::ParamDoc;
using api::ParamIn;
using api::ResponseDoc;
using api::SchemaVariant;

const api::SchemaDoc kTaskSchema{"Task",
                                 &api::model_schema<Task, kTaskModel, SchemaVariant::kRead>};
const api::SchemaDoc kTaskCreateSchema{
    "TaskCreate", &api::model_schema<Task, kTaskModel, SchemaVariant::kCreate>};
const api::SchemaDoc kTaskUpdateSchema{
    "TaskUpdate", &api::model_schema<Task, kTaskModel, SchemaVariant::kUpdate>};

namespace {

void write_task_list_schema(util::JsonWriter& w) {
  api::detail::write_json_text(w, R"({
    "type": "object", "required": ["tasks", "count", "next_cursor"],
    "properties": {
      "tasks": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}},
      "count": {"type": "integer", "minimum": 0, "maximum": 1000,
                "description": "Tasks in this page."},
      "next_cursor": {"type": ["string", "null"],
                      "description": "Pass as `cursor` (with the same other parameters) for the next page; null exactly when there are no more tasks."}}})");
}

const api::SchemaDoc* const kTaskListUses[] = {&kTaskSchema};
const api::SchemaDoc kTaskListSchema{"TaskList", &write_task_list_schema, kTaskListUses};

constexpr std::string_view kTag = "tasks";

// Examples come from the model's field examples (api::write_example).
void write_task_example(util::JsonWriter& w) {
  api::write_example(kTaskModel, w);
}

void write_updated_example(util::JsonWriter& w) {
  static constexpr api::ExampleOverride kDone[] = {
      {"status", R"("done")"}, {"updated_at", R"("2026-11-22T10:02:41.517Z")"}, {"version", "2"}};
  api::write_example(kTaskModel, w, kDone);
}

void write_list_example(util::JsonWriter& w) {
  w.StartObject();
  w.Key("tasks");
  w.StartArray();
  write_task_example(w);
  w.EndArray();
  w.Key("count");
  w.Int64(1);
  w.Key("next_cursor");
  w.Null();
  w.EndObject();
}

// ---- parameters ------------------------------------------------------------
// Header parameters carry schema examples but no parameter example: Swagger
// UI would prefill "Try it out" with it, and a fixed Idempotency-Key or
// If-Match makes the second try a replay or a 412.

constexpr ParamDoc kIdParam{
    .name = "id",
    .in = ParamIn::kPath,
    .required = true,
    .description =
        "The task's id. An id that is not a UUID, or that names no task of yours, "
        "gets 404.",
    .schema_json = R"({"type": "string", "format": "uuid"})",
    .example = kTaskFields[kId].example};

constexpr ParamDoc kIfMatch{
    .name = "If-Match",
    .in = ParamIn::kHeader,
    .description =
        "`\"<version>\"` (the ETag of an earlier answer), a comma-separated list of "
        "them, or `*`: the request takes effect only if the task's current ETag is "
        "listed (strong comparison); otherwise 412 and nothing changes.",
    .schema_json = R"({"type": "string", "examples": ["\"1\""]})"};

constexpr ParamDoc kIfNoneMatch{
    .name = "If-None-Match",
    .in = ParamIn::kHeader,
    .description =
        "ETags from earlier answers, or `*`: 304 with no body if the task's current "
        "ETag is listed (weak comparison).",
    .schema_json = R"({"type": "string", "examples": ["\"1\""]})"};

constexpr ParamDoc kIdempotencyKey{
    .name = "Idempotency-Key",
    .in = ParamIn::kHeader,
    .description =
        "1..255 visible ASCII characters. A retry with the same key and the same body "
        "within 24 hours returns the first 201 again (with `Idempotent-Replayed: "
        "true`) and creates nothing; the same key with another body is a 422; while "
        "the first request is in progress, 409. Only a 201 is remembered.",
    .schema_json =
        R"({"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$",
            "examples": ["7d1e0c1a-retry-safe"]})"};

constexpr ParamDoc kGetParams[] = {kIdParam, kIfNoneMatch};
constexpr ParamDoc kConditionalParams[] = {kIdParam, kIfMatch};
constexpr ParamDoc kCreateParams[] = {kIdempotencyKey};

// ---- response headers ------------------------------------------------------

const HeaderDoc kETag{"ETag", "The task's version as a strong ETag: `\"<version>\"`.",
                      R"({"type": "string", "pattern": "^\"[0-9]+\"$", "examples": ["\"1\""]})"};
const HeaderDoc kLocation{
    "Location", "The new task's URL path: `/tasks/{id}`.",
    R"({"type": "string", "examples": ["/tasks/01936f4e-8a3c-7b2e-9c1d-5f0a2b3c4d5e"]})"};
const HeaderDoc kReplayed{"Idempotent-Replayed",
                          "`true` when this is the stored answer to an earlier request with the "
                          "same Idempotency-Key; absent otherwise.",
                          R"({"type": "string", "enum": ["true"]})"};

const HeaderDoc kDiskRetryAfter{"Retry-After", "Whole seconds before a retry is worth trying.",
                                R"({"type": "integer", "minimum": 1, "examples": [30]})"};

const HeaderDoc* const kETagHeaders[] = {&kETag};
const HeaderDoc* const kDiskFullHeaders[] = {&kDiskRetryAfter};
const HeaderDoc* const kCreatedHeaders[] = {&kLocation, &kETag, &kReplayed};

// ---- responses -------------------------------------------------------------

constexpr std::string_view kBadJson =
    "The body is not well-formed JSON, not valid UTF-8, nested deeper than 64 levels, or not a "
    "JSON object.";
constexpr ResponseDoc kNotFound =
    api::problem(404, "No task of yours has this id (or the id is not a UUID).",
                 "task 01936f4e-8a3c-7b2e-9c1d-5f0a2b3c4d5e not found");
constexpr ResponseDoc kInternal =
    api::problem(500, "The database failed; nothing was changed.",
                 "the change could not be stored; nothing was written");
constexpr ResponseDoc kDiskFull =
    api::problem(507,
                 "The server's disk is full; nothing was written (reads go on, and /readyz "
                 "says not ready until space is freed).",
                 "the server's disk is full; nothing was written. Retry later", kDiskFullHeaders);
constexpr ResponseDoc kPreconditionFailed =
    api::problem(412, "If-Match does not list the task's current ETag; nothing changed.",
                 "If-Match does not match the task's current ETag; nothing changed");

constexpr std::string_view kBodyErrors =
    R"([{"loc": ["body", "title"], "msg": "String should have at least 1 character",
         "type": "string_too_short"},
        {"loc": ["body", "priority"], "msg": "Input should be less than or equal to 5",
         "type": "less_than_equal"}])";

const api::HeaderDoc kListRetryAfter{"Retry-After", "Whole seconds to wait before retrying.",
                                     R"({"type":"integer","minimum":1})"};
const api::HeaderDoc* const kListRetryAfterHeaders[] = {&kListRetryAfter};

const ResponseDoc kListResponses[] = {
    {.status = 200,
     .description = "A page of tasks, newest first.",
     .schema = &kTaskListSchema,
     .write_example = &write_list_example},
    api::invalid(
        "An unknown parameter, a bad value, a repeated single-value parameter, or a "
        "cursor that is invalid or does not fit the query.",
        R"([{"loc": ["query", "limit"], "msg": "Input should be less than or equal to 1000",
                      "type": "less_than_equal"}])"),
    api::problem(500, "The tasks could not be read.", "the tasks could not be read"),
    api::problem(503,
                 "An expensive query (a search, a large or unindexed list) went over the "
                 "server's time budget (--query-timeout, default 2 s), or too many are running "
                 "(at most 4 per client): `Retry-After` says when to try again. Also while the "
                 "database is unavailable.",
                 "the query was too expensive: it was stopped at the server's time budget. "
                 "Narrow it: search for longer or rarer words, add a filter (status, tag, "
                 "priority, due date), or ask for a smaller limit",
                 kListRetryAfterHeaders),
};

constexpr ResponseDoc kCreateResponses[] = {
    {.status = 201,
     .description = "Created (or, with a reused Idempotency-Key, the first answer "
                    "replayed).",
     .schema = &kTaskSchema,
     .write_example = &write_task_example,
     .headers = kCreatedHeaders},
    api::problem(400, kBadJson, "the request body must be a JSON object"),
    api::problem(409, "A request with this Idempotency-Key is still being processed.",
                 "a request with this Idempotency-Key is still being processed"),
    api::problem(415, "Content-Type is missing or is not application/json.",
                 "Content-Type must be application/json"),
    api::invalid("The body breaks the TaskCreate schema (every problem is listed), or the "
                 "Idempotency-Key is malformed or was used with another body "
                 "(loc [\"header\", \"idempotency-key\"]).",
                 kBodyErrors),
    kInternal,
    kDiskFull,
};

constexpr ResponseDoc kGetResponses[] = {
    {.status = 200,
     .description = "The task.",
     .schema = &kTaskSchema,
     .write_example = &write_task_example,
     .headers = kETagHeaders},
    {.status = 304,
     .description = "If-None-Match lists the current ETag: no body.",
     .headers = kETagHeaders},
    kNotFound,
    api::problem(500, "The task could not be read.", "the task could not be read"),
};

// A change that meets a concurrent write is re-applied to the version that
// write left (write_handlers.cpp) until it lands or its time runs out.
constexpr ResponseDoc kContended = api::problem(
    503,
    "Other clients kept changing the task for 5 s while this change was re-applied to each "
    "new version (nothing changed), or the database is unavailable.",
    "the task is being changed by others continuously; retry");

constexpr ResponseDoc kUpdateResponses[] = {
    {.status = 200,
     .description = "The updated task (version + 1, even if no value changed).",
     .schema = &kTaskSchema,
     .write_example = &write_updated_example,
     .headers = kETagHeaders},
    api::problem(400, kBadJson, "the request body must be a JSON object"),
    kNotFound,
    kPreconditionFailed,
    api::problem(415, "Content-Type is not a JSON media type this operation accepts.",
                 "Content-Type must be application/json"),
    api::invalid(
        "The body breaks the TaskUpdate schema (every problem is listed), or has no "
        "field (loc [\"body\"], type no_fields).",
        R"([{"loc": ["body", "status"], "msg": "Input should be 'pending', 'in_progress' or 'done'",
                      "type": "enum"}])"),
    kInternal,
    kContended,
    kDiskFull,
};

constexpr ResponseDoc kDeleteResponses[] = {
    {.status = 204, .description = "Deleted. A second DELETE of the same id is a 404."},
    kNotFound,
    kPreconditionFailed,
    kInternal,
    kContended,
    kDiskFull,
};

// ---- GET /tasks/events ----------------------------------------------------

void write_event_stream_schema(util::JsonWriter& w) {
  api::detail::write_json_text(w, R"({
    "type": "string",
    "description": "Server-Sent Events (text/event-stream): events separated by a blank line, each with `event:` (task.created, task.updated, task.deleted or reset), `id:` (the event id) and `data:` (one line of JSON: the task, `{\"id\": ...}` for task.deleted, `{\"reason\": ...}` for reset); and comment lines (`: keep-alive`) while quiet."})");
}

const api::SchemaDoc kEventStreamSchema{"TaskEventStream", &write_event_stream_schema};

constexpr ParamDoc kLastEventId{
    .name = "Last-Event-ID",
    .in = ParamIn::kHeader,
    .description =
        "The id of the last event received (EventSource sends it when it reconnects): the "
        "stream starts with every event of yours after it, then goes on live. If events after "
        "it are no longer kept (the log keeps at least the last 10,000 events of all users), "
        "or it is newer than any event, the stream starts with `event: reset` instead: "
        "refetch your tasks.",
    .schema_json = R"({"type": "string", "pattern": "^[0-9]+$", "examples": ["42"]})"};
constexpr ParamDoc kEventsParams[] = {kLastEventId};

constexpr ResponseDoc kEventsResponses[] = {
    {.status = 200,
     .description =
         "The stream, open until the client closes it, the token expires, the client falls "
         "more than 1 MiB behind (then `event: reset` first) or the server shuts down. "
         "`Cache-Control: no-store`, `X-Accel-Buffering: no`, no Content-Length.",
     .schema = &kEventStreamSchema,
     .media_type = "text/event-stream",
     .example =
         R"("event: task.created\nid: 42\ndata: {\"id\":\"01936f4e-8a3c-7b2e-9c1d-5f0a2b3c4d5e\",\"title\":\"Write the report\"}\n\nevent: task.deleted\nid: 43\ndata: {\"id\":\"01936f4e-8a3c-7b2e-9c1d-5f0a2b3c4d5e\"}\n\n: keep-alive\n\n")"},
    api::problem(400, "Last-Event-ID is not an event id.",
                 "Last-Event-ID must be one event id from this stream (an integer)"),
    api::invalid("An unknown query parameter, or access_token given twice.",
                 R"([{"loc": ["query", "token"], "msg": "Unknown query parameter",
                      "type": "extra_forbidden"}])"),
};

constexpr std::string_view kJsonTypes[] = {"application/json"};
constexpr std::string_view kPatchTypes[] = {"application/merge-patch+json", "application/json"};

}  // namespace

const api::Operation kListTasksOp{
    .operation_id = "listTasks",
    .summary = "List tasks",
    .description =
        "A page of your tasks in the order `-created_at` (ties by id), filtered by "
        "the parameters. Follow `next_cursor` for the next page.",
    .tag = kTag,
    .query = &list_params,
    .responses = kListResponses,
};

const api::Operation kCreateTaskOp{
    .operation_id = "createTask",
    .summary = "Create a task",
    .description =
        "Creates a task from the writable fields; `title` is required and the others "
        "take their defaults. The answer is durable: it is on stable storage before "
        "the 201 is sent.",
    .tag = kTag,
    .params = kCreateParams,
    .request = &kTaskCreateSchema,
    .request_media_types = kJsonTypes,
    .request_example = R"({"title": "Write the report", "priority": 3, "tags": ["work"]})",
    .responses = kCreateResponses,
};

const api::Operation kGetTaskOp{
    .operation_id = "getTask",
    .summary = "Get a task",
    .description = "The task with its version as ETag. HEAD is also served.",
    .tag = kTag,
    .params = kGetParams,
    .responses = kGetResponses,
};

const api::Operation kUpdateTaskOp{
    .operation_id = "updateTask",
    .summary = "Update a task (PUT)",
    .description =
        "Updates only the fields present in the body and keeps the others (what "
        "clients of the classic task service send: `{\"status\": \"done\"}`). "
        "`null` clears `due_at`. Read-only fields (`id`, `created_at`, `updated_at`, "
        "`version`) and unknown fields are a 422. With `If-Match`, nothing changes "
        "unless the task's current ETag is listed (412).",
    .tag = kTag,
    .params = kConditionalParams,
    .request = &kTaskUpdateSchema,
    .request_media_types = kJsonTypes,
    .request_example = R"({"status": "done"})",
    .responses = kUpdateResponses,
};

const api::Operation kPatchTaskOp{
    .operation_id = "patchTask",
    .summary = "Update a task (JSON Merge Patch)",
    .description =
        "JSON Merge Patch (RFC 7396) of the writable fields: only the fields present "
        "change, `null` clears `due_at`. Read-only fields (`id`, `created_at`, "
        "`updated_at`, `version`) and unknown fields are a 422. With `If-Match`, "
        "nothing changes unless the task's current ETag is listed (412).",
    .tag = kTag,
    .params = kConditionalParams,
    .request = &kTaskUpdateSchema,
    .request_media_types = kPatchTypes,
    .request_example = R"({"status": "in_progress", "due_at": "2026-12-01T17:00:00+01:00"})",
    .responses = kUpdateResponses,
};

const api::Operation kTaskEventsOp{
    .operation_id = "streamTaskEvents",
    .summary = "Follow task changes (Server-Sent Events)",
    .description =
        "Your task changes as they commit, in commit order, from every server instance "
        "that shares the database, as Server-Sent Events: "
        "`task.created` and `task.updated` with the task, `task.deleted` with its id. Event "
        "ids are increasing integers that survive restarts. Without `Last-Event-ID` the "
        "stream starts with the changes made from now on. A comment line is sent at least "
        "every 15 s while nothing changes.\n\n"
        "The token is checked when the stream opens, and **the stream ends when the token "
        "expires** (no event is sent first): reconnect with a fresh token and "
        "`Last-Event-ID` to miss nothing. A browser's EventSource, which cannot send "
        "headers, may pass the token as `access_token`.",
    .tag = kTag,
    .params = kEventsParams,
    .query = &events_params,
    .responses = kEventsResponses,
};

const api::Operation kDeleteTaskOp{
    .operation_id = "deleteTask",
    .summary = "Delete a task",
    .description = "Deletes the task, durably. With `If-Match`, only if its version is listed.",
    .tag = kTag,
    .params = kConditionalParams,
    .responses = kDeleteResponses,
};

}  // namespace brisk::tasks
