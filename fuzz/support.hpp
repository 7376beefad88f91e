// What several fuzz targets share: padded copies for simdjson, and the
// check that a 422 problem body listing `errors` is well-formed JSON.
#pragma once
#include <string>
#include <string_view>

#include <simdjson.h>

#include "api/errors.hpp"
#include "api/problem.hpp"
#include "check.hpp"
#include "http/response.hpp"

namespace brisk::fuzz {

// `s` with simdjson's padding readable past its end, as the HTTP layer
// leaves it after a body (Limits::body_padding).
inline std::string padded(std::string_view s) {
  std::string out;
  out.reserve(s.size() + simdjson::SIMDJSON_PADDING);
  out.assign(s);
  return out;
}

// The 422 body brisk would send for `errors` parses as JSON (valid UTF-8
// included) and lists each of them with a non-empty msg and type.
inline void check_problem_body(const api::Errors& errors) {
  FUZZ_CHECK(!errors.empty());
  std::string out;
  {
    http::ResponseBuilder rb(out, 422, "Thu, 01 Jan 2026 00:00:00 GMT", {});
    api::write_invalid(rb, errors);
  }
  const std::size_t body_at = out.find("\r\n\r\n");
  FUZZ_CHECK(body_at != std::string::npos);
  std::string body = padded(std::string_view(out).substr(body_at + 4));
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  FUZZ_CHECK(!parser.parse(body.data(), body.size(), false).get(doc));
  simdjson::dom::array list;
  FUZZ_CHECK(!doc["errors"].get_array().get(list));
  FUZZ_CHECK(list.size() == errors.size());
  for (const api::FieldError& e : errors) FUZZ_CHECK(!e.msg.empty() && !e.type.empty());
}

}  // namespace brisk::fuzz
