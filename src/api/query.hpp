// Query strings: split, percent-decode, and check names against a declared
// parameter list (unknown -> extra_forbidden, repeated single-value ->
// duplicate_parameter), with every problem collected.
#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/errors.hpp"

namespace brisk::api {

struct QueryParamDecl {
  std::string_view name;
  bool repeatable = false;
  std::string_view description = {};
  std::string_view schema_json = {};  // JSON Schema of one value, for OpenAPI
};

struct QueryParam {
  std::string name;
  std::string value;
};

// Parses `query` into decoded (name, value) pairs. Malformed escapes and
// names not in `decls` become errors; so does a second value for a
// parameter that is not repeatable.
std::vector<QueryParam> parse_query(std::string_view query, std::span<const QueryParamDecl> decls,
                                    Errors& errs);

}  // namespace brisk::api
