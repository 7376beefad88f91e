// The description of one operation (method + path) for the OpenAPI
// document. Each route table entry points at one (http::Route::doc); the
// generator (api/openapi.hpp) reads them through Router::routes(), so a
// route cannot exist without its description being read from the same table.
// Everything here is constant data: declare operations as namespace-scope
// constants next to the route table.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

#include "api/query.hpp"
#include "util/json_writer.hpp"

namespace brisk::api {

// A schema written once under #/components/schemas/<name> and referenced by
// name. `write` emits the schema object (for models: api/schema.hpp's
// model_schema<...>, so it comes from the model declaration itself).
struct SchemaDoc {
  std::string_view name;
  void (*write)(util::JsonWriter& w);
  // Components that `write` refers to by "$ref", written alongside it.
  std::span<const SchemaDoc* const> uses = {};
};

enum class ParamIn : std::uint8_t { kPath, kQuery, kHeader };

// A path or header parameter. Query parameters come from the handler's own
// QueryParamDecl list (Operation::query), which is what it parses with.
struct ParamDoc {
  std::string_view name;
  ParamIn in;
  bool required = false;
  std::string_view description = {};
  std::string_view schema_json = {};  // JSON Schema of the value
  std::string_view example = {};      // JSON text
};

// A response header.
struct HeaderDoc {
  std::string_view name;
  std::string_view description;
  std::string_view schema_json = R"({"type":"string"})";
};

// One documented status of an operation.
struct ResponseDoc {
  int status;
  std::string_view description;
  // The body: a component schema (nullptr: no body) and its media type.
  const SchemaDoc* schema = nullptr;
  std::string_view media_type = "application/json";
  // JSON text of an example body. For problem bodies (see problem()), the
  // generator builds the example itself and this is only its `detail`.
  std::string_view example = {};
  // Or an example written from a model's declaration (api/schema.hpp's
  // model_example), so that it cannot drift from the model.
  void (*write_example)(util::JsonWriter& w) = nullptr;
  std::span<const HeaderDoc* const> headers = {};
  // True for problem+json bodies: the example is built from `example` as
  // detail (and, for 422, `errors_example` as the errors list).
  bool problem = false;
  std::string_view errors_example = {};  // JSON array text, for 422
};

struct Operation {
  std::string_view operation_id;
  std::string_view summary;
  std::string_view description = {};
  std::string_view tag = {};
  std::span<const ParamDoc> params = {};
  // The handler's query parameter declarations, or null for none.
  std::span<const QueryParamDecl> (*query)() = nullptr;
  // Request body: schema (null: none), accepted media types (default
  // application/json), an example that the handler accepts.
  const SchemaDoc* request = nullptr;
  std::span<const std::string_view> request_media_types = {};
  std::string_view request_example = {};
  std::span<const ResponseDoc> responses = {};
  // Needs no credentials even when security schemes are registered (health
  // probes, the documents themselves).
  bool public_route = false;
};

// problem+json response helpers. The schemas are the components Problem
// and ValidationProblem (api/problem_schema.cpp).
extern const SchemaDoc kProblemSchema;
extern const SchemaDoc kValidationProblemSchema;

constexpr ResponseDoc problem(int status, std::string_view description,
                              std::string_view detail_example,
                              std::span<const HeaderDoc* const> headers = {}) {
  return ResponseDoc{.status = status,
                     .description = description,
                     .schema = &kProblemSchema,
                     .media_type = "application/problem+json",
                     .example = detail_example,
                     .headers = headers,
                     .problem = true};
}

// 422 with every error found; `errors_example` is a JSON array of errors.
constexpr ResponseDoc invalid(std::string_view description, std::string_view errors_example) {
  return ResponseDoc{.status = 422,
                     .description = description,
                     .schema = &kValidationProblemSchema,
                     .media_type = "application/problem+json",
                     .problem = true,
                     .errors_example = errors_example};
}

}  // namespace brisk::api
