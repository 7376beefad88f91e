// The OpenAPI document's request bodies, responses and components.
#include <stdexcept>
#include <string>

#include <simdjson.h>

#include "api/openapi_generator.hpp"
#include "api/schema.hpp"
#include "http/response.hpp"

namespace brisk::api::detail {

namespace {

// Responses the HTTP layer adds to a route, whatever its handler does.
const HeaderDoc kRetryAfter{"Retry-After", "Whole seconds to wait before retrying.",
                            R"({"type":"integer","minimum":1})"};
const HeaderDoc* const kRetryAfterHeaders[] = {&kRetryAfter};
constexpr ResponseDoc kTooLarge =
    problem(413, "The request body exceeds 1 MiB.", "the request body exceeds 1 MiB");
constexpr ResponseDoc kRateLimited =
    problem(429, "Over the per-client rate limit (`--rate-limit`); see Retry-After.",
            "too many requests from this address; retry later", kRetryAfterHeaders);

const HeaderDoc kWwwAuthenticate{
    "WWW-Authenticate",
    "`Bearer realm=\"brisk\"`, with `error=\"invalid_token\"` when a token was sent but refused."};
const HeaderDoc* const kWwwAuthenticateHeaders[] = {&kWwwAuthenticate};
constexpr ResponseDoc kUnauthorized =
    problem(401, "No bearer token, or one that is malformed, tampered, expired or not HS256.",
            "the bearer token has expired", kWwwAuthenticateHeaders);
}  // namespace

void Generator::write_request_body(const Operation& op) {
  static constexpr std::string_view kJsonOnly[] = {"application/json"};
  std::span<const std::string_view> types = op.request_media_types.empty()
                                                ? std::span<const std::string_view>(kJsonOnly)
                                                : op.request_media_types;
  w_.Key("requestBody");
  w_.StartObject();
  w_.Key("required");
  w_.Bool(true);
  w_.Key("content");
  w_.StartObject();
  for (std::string_view t : types) {
    w_.Key(t);
    w_.StartObject();
    w_.Key("schema");
    ref(*op.request);
    if (!op.request_example.empty()) {
      w_.Key("example");
      detail::write_json_text(w_, op.request_example);
    }
    w_.EndObject();
  }
  w_.EndObject();
  w_.EndObject();
}

void Generator::write_responses(const http::Route& r, const Operation& op) {
  std::vector<const ResponseDoc*> all;
  for (const ResponseDoc& d : op.responses) all.push_back(&d);
  auto has = [&](int status) {
    return std::any_of(all.begin(), all.end(),
                       [&](const ResponseDoc* d) { return d->status == status; });
  };
  if (op.request && !has(413)) all.push_back(&kTooLarge);
  if (r.rate_limited && !has(429)) all.push_back(&kRateLimited);
  // Operations that need credentials answer 401 once schemes exist.
  if (!op.public_route && !info_.security_schemes.empty() && !has(401)) {
    all.push_back(&kUnauthorized);
  }
  if (all.empty()) fail(r, "documents no response");
  std::stable_sort(all.begin(), all.end(), [](const ResponseDoc* a, const ResponseDoc* b) {
    return a->status < b->status;
  });
  w_.Key("responses");
  w_.StartObject();
  int prev = 0;
  for (const ResponseDoc* d : all) {
    if (d->status == prev) fail(r, "documents a status twice");
    prev = d->status;
    w_.Key(std::to_string(d->status));
    write_response(*d);
  }
  w_.EndObject();
}

void Generator::write_response(const ResponseDoc& d) {
  w_.StartObject();
  put("description", d.description);
  if (!d.headers.empty()) {
    w_.Key("headers");
    w_.StartObject();
    for (const HeaderDoc* h : d.headers) {
      w_.Key(h->name);
      w_.StartObject();
      put("description", h->description);
      w_.Key("schema");
      detail::write_json_text(w_, h->schema_json);
      w_.EndObject();
    }
    w_.EndObject();
  }
  if (d.schema) {
    w_.Key("content");
    w_.StartObject();
    w_.Key(d.media_type);
    w_.StartObject();
    w_.Key("schema");
    ref(*d.schema);
    if (d.problem) {
      write_problem_example(d);
    } else if (d.write_example) {
      w_.Key("example");
      d.write_example(w_);
    } else if (!d.example.empty()) {
      w_.Key("example");
      detail::write_json_text(w_, d.example);
    }
    w_.EndObject();
    w_.EndObject();
  }
  w_.EndObject();
}

// The example of a problem body, exactly as http::write_problem writes it.
void Generator::write_problem_example(const ResponseDoc& d) {
  w_.Key("example");
  w_.StartObject();
  put("type", "about:blank");
  put("title", http::reason_phrase(d.status));
  w_.Key("status");
  w_.Int64(d.status);
  if (!d.errors_example.empty()) {
    simdjson::dom::parser parser;
    simdjson::padded_string text(d.errors_example);
    simdjson::dom::array errors;
    if (parser.parse(text).get_array().get(errors)) {
      throw std::logic_error("OpenAPI: a 422 errors example is not a JSON array");
    }
    std::size_t n = errors.size();
    put("detail", n == 1 ? "1 validation error" : std::to_string(n) + " validation errors");
    w_.Key("errors");
    detail::write_json_text(w_, d.errors_example);
  } else {
    put("detail", d.example);
  }
  w_.EndObject();
}

void Generator::write_components() {
  w_.Key("components");
  w_.StartObject();
  w_.Key("schemas");
  w_.StartObject();
  for (const auto& [name, schema] : schemas_) {
    w_.Key(name);
    schema->write(w_);
  }
  w_.EndObject();
  if (!info_.security_schemes.empty()) {
    w_.Key("securitySchemes");
    w_.StartObject();
    for (const SecurityScheme& s : info_.security_schemes) {
      w_.Key(s.name);
      detail::write_json_text(w_, s.scheme_json);
    }
    w_.EndObject();
  }
  w_.EndObject();
}
}  // namespace brisk::api::detail
