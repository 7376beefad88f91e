#include "api/openapi.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>

#include <simdjson.h>

#include "api/operation.hpp"
#include "api/schema.hpp"
#include "http/response.hpp"
#include "util/json_writer.hpp"

namespace brisk::api {

namespace {

using util::JsonWriter;

constexpr std::string_view kSchemaRefPrefix = "#/components/schemas/";

std::string route_name(const http::Route& r) {
  return std::string(http::method_name(r.method)) + " " + std::string(r.pattern);
}

[[noreturn]] void fail(const http::Route& r, std::string_view what) {
  throw std::logic_error("OpenAPI: " + route_name(r) + ": " + std::string(what));
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  });
  return out;
}

// The {param} name of a pattern, or empty.
std::string_view path_param(std::string_view pattern) {
  auto open = pattern.find('{');
  if (open == std::string_view::npos) return {};
  auto close = pattern.find('}', open);
  return pattern.substr(open + 1, close - open - 1);
}

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

class Generator {
 public:
  Generator(const RouteTable& table, const DocumentInfo& info, std::string& out)
      : table_(table), info_(info), w_(out) {}

  void run() {
    w_.StartObject();
    put("openapi", "3.1.0");
    w_.Key("info");
    w_.StartObject();
    put("title", info_.title);
    put("version", info_.version);
    if (!info_.description.empty()) put("description", info_.description);
    w_.EndObject();
    // No jsonSchemaDialect: the default (OpenAPI's base vocabulary over JSON
    // Schema 2020-12) is what the schemas use, and Swagger UI warns on others.
    if (!info_.servers.empty()) {
      w_.Key("servers");
      w_.StartArray();
      for (const Server& s : info_.servers) {
        w_.StartObject();
        put("url", s.url);
        if (!s.description.empty()) put("description", s.description);
        w_.EndObject();
      }
      w_.EndArray();
    }
    // Any one registered scheme is enough; with none, nothing is required
    // (said explicitly, so that tools do not take it for an omission).
    w_.Key("security");
    w_.StartArray();
    for (const SecurityScheme& s : info_.security_schemes) {
      w_.StartObject();
      w_.Key(s.name);
      w_.StartArray();
      w_.EndArray();
      w_.EndObject();
    }
    w_.EndArray();
    write_paths();
    write_tags();
    write_components();
    w_.EndObject();
  }

 private:
  void put(std::string_view key, std::string_view value) {
    w_.Key(key);
    w_.String(value);
  }

  void use(const SchemaDoc& s) {
    auto [it, inserted] = schemas_.emplace(s.name, &s);
    if (!inserted && it->second != &s) {
      throw std::logic_error("OpenAPI: two different schemas are named " + std::string(s.name));
    }
    if (inserted) {
      for (const SchemaDoc* u : s.uses) use(*u);
    }
  }

  void ref(const SchemaDoc& s) {
    use(s);
    w_.StartObject();
    w_.Key("$ref");
    w_.String(std::string(kSchemaRefPrefix) + std::string(s.name));
    w_.EndObject();
  }

  void write_paths() {
    // Routes in registration order, grouped by pattern.
    std::vector<std::string_view> patterns;
    for (const DocumentedRoute& d : table_.routes()) {
      if (std::find(patterns.begin(), patterns.end(), d.route.pattern) == patterns.end()) {
        patterns.push_back(d.route.pattern);
      }
    }
    w_.Key("paths");
    w_.StartObject();
    for (std::string_view p : patterns) {
      w_.Key(p);
      w_.StartObject();
      std::vector<http::Method> seen;
      for (const DocumentedRoute& d : table_.routes()) {
        const http::Route& r = d.route;
        if (r.pattern != p) continue;
        if (std::find(seen.begin(), seen.end(), r.method) != seen.end()) {
          fail(r, "registered twice");
        }
        seen.push_back(r.method);
        write_operation(r, d.doc);
      }
      w_.EndObject();
    }
    w_.EndObject();
  }

  void write_operation(const http::Route& r, const Operation* op) {
    if (!op) fail(r, "has no operation description");
    if (op->operation_id.empty() || op->summary.empty())
      fail(r, "needs an operationId and a summary");
    for (const std::string& id : operation_ids_) {
      if (id == op->operation_id) fail(r, "operationId is not unique");
    }
    operation_ids_.emplace_back(op->operation_id);
    if (r.method == http::Method::kHead || r.method == http::Method::kOther) {
      fail(r, "HEAD is served by the GET route; other methods cannot be described");
    }
    w_.Key(lower(http::method_name(r.method)));
    w_.StartObject();
    put("operationId", op->operation_id);
    put("summary", op->summary);
    if (!op->description.empty()) put("description", op->description);
    if (!op->tag.empty()) {
      bool known = false;
      for (const Tag& t : info_.tags) known = known || t.name == op->tag;
      if (!known) fail(r, "uses a tag that DocumentInfo::tags does not declare");
      w_.Key("tags");
      w_.StartArray();
      w_.String(op->tag);
      w_.EndArray();
    }
    write_parameters(r, *op);
    if (op->request) write_request_body(*op);
    write_responses(r, *op);
    if (op->public_route && !info_.security_schemes.empty()) {
      w_.Key("security");
      w_.StartArray();
      w_.EndArray();
    }
    w_.EndObject();
  }

  void write_parameters(const http::Route& r, const Operation& op) {
    std::string_view path_name = path_param(r.pattern);
    bool path_declared = false;
    std::span<const QueryParamDecl> query =
        op.query ? op.query() : std::span<const QueryParamDecl>{};
    if (op.params.empty() && query.empty() && path_name.empty()) return;
    w_.Key("parameters");
    w_.StartArray();
    auto write_param = [&](const ParamDoc& p) {
      static constexpr std::string_view kIn[] = {"path", "query", "header"};
      w_.StartObject();
      put("name", p.name);
      put("in", kIn[static_cast<int>(p.in)]);
      w_.Key("required");
      w_.Bool(p.in == ParamIn::kPath || p.required);
      if (!p.description.empty()) put("description", p.description);
      w_.Key("schema");
      detail::write_json_text(w_, p.schema_json.empty() ? R"({"type":"string"})" : p.schema_json);
      if (!p.example.empty()) {
        w_.Key("example");
        detail::write_json_text(w_, p.example);
      }
      w_.EndObject();
    };
    for (const ParamDoc& p : op.params) {
      if (p.in != ParamIn::kPath) continue;
      if (p.name != path_name) fail(r, "declares a path parameter that the pattern lacks");
      path_declared = true;
      write_param(p);
    }
    if (!path_name.empty() && !path_declared) fail(r, "does not describe its path parameter");
    for (const QueryParamDecl& q : query) {
      w_.StartObject();
      put("name", q.name);
      put("in", "query");
      w_.Key("required");
      w_.Bool(false);
      if (!q.description.empty()) put("description", q.description);
      w_.Key("schema");
      write_query_schema(q, w_);
      w_.EndObject();
    }
    for (const ParamDoc& p : op.params) {
      if (p.in == ParamIn::kQuery) fail(r, "query parameters belong in Operation::query");
      if (p.in == ParamIn::kHeader) write_param(p);
    }
    w_.EndArray();
  }

  void write_request_body(const Operation& op) {
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

  void write_responses(const http::Route& r, const Operation& op) {
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

  void write_response(const ResponseDoc& d) {
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
  void write_problem_example(const ResponseDoc& d) {
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

  void write_tags() {
    if (info_.tags.empty()) return;
    w_.Key("tags");
    w_.StartArray();
    for (const Tag& t : info_.tags) {
      w_.StartObject();
      put("name", t.name);
      if (!t.description.empty()) put("description", t.description);
      w_.EndObject();
    }
    w_.EndArray();
  }

  void write_components() {
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

  const RouteTable& table_;
  const DocumentInfo& info_;
  JsonWriter w_;
  std::map<std::string_view, const SchemaDoc*> schemas_;  // sorted by name
  std::vector<std::string> operation_ids_;
};

}  // namespace

std::string write_openapi(const RouteTable& table, const DocumentInfo& info) {
  std::string out;
  out.reserve(std::size_t{64} * 1024);
  Generator(table, info, out).run();
  return out;
}

}  // namespace brisk::api
