// The problem+json schemas (RFC 9457) every error response refers to; the
// shape matches http::write_problem and api::write_invalid.
#include "api/operation.hpp"
#include "api/schema.hpp"

namespace brisk::api {

namespace {

constexpr std::string_view kProblemMembers = R"(
  "type": {"type": "string", "format": "uri-reference", "default": "about:blank",
           "description": "A URI identifying the problem type; brisk sends about:blank."},
  "title": {"type": "string", "description": "The HTTP reason phrase of the status."},
  "status": {"type": "integer", "minimum": 100, "maximum": 599,
             "description": "The HTTP status code, repeated."},
  "detail": {"type": "string", "description": "What went wrong, for a person to read."},
  "request_id": {"type": "string", "maxLength": 64,
                 "description": "The response's X-Request-Id: quote it when reporting a problem."})";

void write_problem_schema(util::JsonWriter& w) {
  std::string text = R"({"type": "object",
    "description": "RFC 9457 problem details, sent with Content-Type application/problem+json.",
    "required": ["type", "title", "status"], "properties": {)";
  text.append(kProblemMembers).append("}}");
  detail::write_json_text(w, text);
}

void write_validation_problem_schema(util::JsonWriter& w) {
  std::string text = R"({"type": "object",
    "description": "A 422 problem listing every validation error found, not just the first.",
    "required": ["type", "title", "status", "errors"], "properties": {)";
  text.append(kProblemMembers).append(R"(,
    "errors": {"type": "array", "minItems": 1, "items": {
      "type": "object", "required": ["loc", "msg", "type"], "additionalProperties": false,
      "properties": {
        "loc": {"type": "array", "minItems": 1,
                "prefixItems": [{"enum": ["body", "query", "path", "header"]}],
                "items": {"type": ["string", "integer"]},
                "description": "Where: the source, then the field name, then a list index if any.",
                "examples": [["body", "title"], ["body", "tags", 2], ["query", "limit"]]},
        "msg": {"type": "string", "description": "A message for a person."},
        "type": {"type": "string",
                 "description": "A machine-readable error type (Pydantic's names where one exists).",
                 "examples": ["missing", "extra_forbidden", "read_only", "string_too_short",
                              "string_too_long", "string_blank", "string_type", "int_type",
                              "greater_than_equal", "less_than_equal", "enum", "datetime_parsing",
                              "datetime_type", "list_type", "too_long", "list_unique",
                              "duplicate_key", "no_fields", "duplicate_parameter",
                              "cursor_invalid", "idempotency_key_invalid",
                              "idempotency_key_reused"]}}}}}})");
  detail::write_json_text(w, text);
}

}  // namespace

const SchemaDoc kProblemSchema{"Problem", &write_problem_schema};
const SchemaDoc kValidationProblemSchema{"ValidationProblem", &write_validation_problem_schema};

}  // namespace brisk::api
