// The OpenAPI 3.1 document, generated from the router's route table: every
// route's api::Operation (api::RouteTable) and the model schemas it names.
// Generated once (at start, or by `brisk openapi`), never per request.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "api/route_table.hpp"
#include "http/router.hpp"

namespace brisk::api {

struct Server {
  std::string url;
  std::string description;
};

struct Tag {
  std::string_view name;
  std::string_view description;
};

// A security scheme (OpenAPI components.securitySchemes entry), e.g.
//   {"bearer", R"({"type":"http","scheme":"bearer","bearerFormat":"JWT"})"}.
struct SecurityScheme {
  std::string_view name;
  std::string_view scheme_json;
};

struct DocumentInfo {
  std::string_view title;
  std::string_view version;
  std::string_view description;  // CommonMark
  std::vector<Tag> tags;         // every tag an operation uses, in display order
  std::vector<Server> servers;   // empty: none written (clients then assume "/")
  // Once any scheme is registered, every operation requires one of them
  // (any one suffices) except those marked public_route.
  std::vector<SecurityScheme> security_schemes;

  void add_security_scheme(std::string_view name, std::string_view scheme_json) {
    security_schemes.push_back({name, scheme_json});
  }
};

// Writes the document. Throws std::logic_error when the table and its
// descriptions disagree (a route without an Operation, a {param} without a
// path parameter, two schemas with one name, malformed JSON text...), so a
// broken description stops brisk at start rather than serving a wrong one.
std::string write_openapi(const RouteTable& table, const DocumentInfo& info);

}  // namespace brisk::api
