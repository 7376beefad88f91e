#include "api/json_input.hpp"

namespace brisk::api {

JsonInput::JsonInput() {
  // Small initial capacity keeps idle memory low; simdjson grows it on
  // demand (keeping max_depth) for larger bodies.
  if (parser_.allocate(4096, kMaxJsonDepth)) throw std::bad_alloc();
}

bool JsonInput::parse(std::string_view body, simdjson::dom::element& out, std::string_view& reason) {
  if (body.empty()) {
    reason = "the request body is empty; a JSON object is required";
    return false;
  }
  auto err = parser_.parse(body.data(), body.size(), false).get(out);
  if (!err) return true;
  switch (err) {
    case simdjson::UTF8_ERROR: reason = "the request body is not valid UTF-8"; break;
    case simdjson::DEPTH_ERROR: reason = "JSON nested deeper than 64 levels"; break;
    case simdjson::STRING_ERROR: reason = "the request body has an invalid JSON string (bad escape or lone surrogate)"; break;
    case simdjson::NUMBER_ERROR: reason = "the request body has a number out of range"; break;
    case simdjson::CAPACITY: reason = "the request body is too large"; break;
    default: reason = "the request body is not well-formed JSON"; break;
  }
  return false;
}

bool JsonInput::parse_copy(std::string_view text, simdjson::dom::element& out) {
  return !parser_.parse(text.data(), text.size(), true).get(out);
}

JsonInput& thread_json_input() {
  thread_local JsonInput input;
  return input;
}

}  // namespace brisk::api
