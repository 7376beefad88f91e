// The OpenAPI generator's internals, shared by the files that write the
// document (openapi.cpp: the document and its paths; openapi_responses.cpp:
// bodies, responses and components). Not part of the API layer's interface.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/openapi.hpp"
#include "api/operation.hpp"
#include "api/route_table.hpp"
#include "util/json_writer.hpp"

namespace brisk::api::detail {

inline constexpr std::string_view kSchemaRefPrefix = "#/components/schemas/";

[[noreturn]] void fail(const http::Route& r, std::string_view what);

class Generator {
 public:
  Generator(const RouteTable& table, const DocumentInfo& info, std::string& out)
      : table_(table), info_(info), w_(out) {}

  void run();

 private:
  void put(std::string_view key, std::string_view value);

  void use(const SchemaDoc& s);

  void ref(const SchemaDoc& s);

  void write_paths();

  void write_operation(const http::Route& r, const Operation* op);

  void write_parameters(const http::Route& r, const Operation& op);

  void write_request_body(const Operation& op);

  void write_responses(const http::Route& r, const Operation& op);

  void write_response(const ResponseDoc& d);

  // The example of a problem body, exactly as http::write_problem writes it.
  void write_problem_example(const ResponseDoc& d);

  void write_tags();

  void write_components();

  const RouteTable& table_;
  const DocumentInfo& info_;
  util::JsonWriter w_;
  std::map<std::string_view, const SchemaDoc*> schemas_;  // sorted by name
  std::vector<std::string> operation_ids_;
};

}  // namespace brisk::api::detail
