// JSON request bodies: simdjson's DOM parser with full validation (UTF-8,
// syntax) and brisk's nesting limit. One parser per thread, reused.
#pragma once
#include <string_view>

#include <simdjson.h>

namespace brisk::api {

// Bytes the JSON parser may read past the end of its input: the HTTP layer
// leaves this much after every request body (http::Limits::body_padding).
inline constexpr std::size_t kBodyPadding = simdjson::SIMDJSON_PADDING;

// Nesting deeper than this (the outermost array or object is level 1) is 400.
inline constexpr std::size_t kMaxJsonDepth = 64;

// Rewrites, in place, every integer literal outside strings that is too long
// for 64 bits (19+ digits) as an out-of-range double of the same length
// ("1e400" padded with spaces is too big even for a double, so "-1e300" /
// "1e300" is used). Returns true if anything changed. JSON allows integers of
// any size; simdjson's DOM cannot hold them, and brisk wants a 422 on the
// field rather than a 400 for the whole body.
bool rewrite_big_integers(std::string& text);

class JsonInput {
 public:
  JsonInput();
  // Parses `body`, whose buffer must have kBodyPadding bytes readable
  // bytes past its end (the HTTP layer reserves them). On failure returns
  // false and sets `reason` to a client-visible explanation (a 400).
  bool parse(std::string_view body, simdjson::dom::element& out, std::string_view& reason);
  // For trusted text without padding guarantees (stored rows): copies.
  bool parse_copy(std::string_view text, simdjson::dom::element& out);

 private:
  simdjson::dom::parser parser_;
  std::string rewritten_;  // a padded copy for the big-integer retry
};

// The thread's parser (event-loop threads and the writer each get one).
JsonInput& thread_json_input();

}  // namespace brisk::api
