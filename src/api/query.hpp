// Query strings: split, percent-decode, and check names against a declared
// parameter list (unknown -> extra_forbidden, repeated single-value ->
// duplicate_parameter), with every problem collected.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/errors.hpp"
#include "util/json_writer.hpp"

namespace brisk::api {

// What one value of a parameter is; its JSON Schema comes from this.
enum class QueryType : std::uint8_t {
  kString,    // min..max code points (max 0: unbounded)
  kInteger,   // min..max
  kDateTime,  // RFC 3339
  kEnumList,  // one of enum_values, or several separated by commas
  kEnum,      // one of enum_values
};

// A query parameter: its name, type and limits (taken, where they exist,
// from a model's fields, so that a limit is written once), its default and
// its description. Handlers parse with these; the OpenAPI document writes
// their schemas from them.
struct QueryParamDecl {
  std::string_view name;
  QueryType type = QueryType::kString;
  bool repeatable = false;
  std::int64_t min = 0, max = 0;
  std::span<const std::string_view> enum_values = {};
  std::string_view default_json = {};  // JSON text, for the document
  std::string_view description = {};
  std::string_view example = {};  // JSON text of one value
};

// The JSON Schema of one value of `d` (an array of them when repeatable).
void write_query_schema(const QueryParamDecl& d, util::JsonWriter& w);

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
