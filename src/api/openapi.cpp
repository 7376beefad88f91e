#include "api/openapi.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>

#include "api/openapi_generator.hpp"
#include "api/schema.hpp"

namespace brisk::api {

namespace detail {

namespace {

std::string route_name(const http::Route& r) {
  return std::string(http::method_name(r.method)) + " " + std::string(r.pattern);
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

}  // namespace

[[noreturn]] void fail(const http::Route& r, std::string_view what) {
  throw std::logic_error("OpenAPI: " + route_name(r) + ": " + std::string(what));
}

void Generator::run() {
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

void Generator::put(std::string_view key, std::string_view value) {
  w_.Key(key);
  w_.String(value);
}

void Generator::use(const SchemaDoc& s) {
  auto [it, inserted] = schemas_.emplace(s.name, &s);
  if (!inserted && it->second != &s) {
    throw std::logic_error("OpenAPI: two different schemas are named " + std::string(s.name));
  }
  if (inserted) {
    for (const SchemaDoc* u : s.uses) use(*u);
  }
}

void Generator::ref(const SchemaDoc& s) {
  use(s);
  w_.StartObject();
  w_.Key("$ref");
  w_.String(std::string(kSchemaRefPrefix) + std::string(s.name));
  w_.EndObject();
}

void Generator::write_paths() {
  // Routes in registration order, grouped by pattern.
  std::vector<std::string_view> patterns;
  for (const DocumentedRoute& d : table_.routes()) {
    if (d.unlisted) continue;
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

void Generator::write_operation(const http::Route& r, const Operation* op) {
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

void Generator::write_parameters(const http::Route& r, const Operation& op) {
  std::string_view path_name = path_param(r.pattern);
  bool path_declared = false;
  std::span<const QueryParamDecl> query = op.query ? op.query() : std::span<const QueryParamDecl>{};
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

void Generator::write_tags() {
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
}  // namespace detail

std::string write_openapi(const RouteTable& table, const DocumentInfo& info) {
  std::string out;
  out.reserve(std::size_t{64} * 1024);
  detail::Generator(table, info, out).run();
  return out;
}

}  // namespace brisk::api
