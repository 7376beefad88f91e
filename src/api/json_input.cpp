#include "api/json_input.hpp"

#include <algorithm>

namespace brisk::api {

JsonInput::JsonInput() {
  // Small initial capacity keeps idle memory low; simdjson grows it on
  // demand (keeping max_depth) for larger bodies.
  // simdjson refuses a document whose depth reaches max_depth, so allow one
  // more than brisk's limit: depth 64 parses, 65 does not (tested).
  if (parser_.allocate(4096, kMaxJsonDepth + 1)) throw std::bad_alloc();
}

namespace {
// Calls f(i) for the index of each byte of well-formed JSON text that is
// outside strings (the quotes included); f returns the index of the last
// byte it consumed. Both scans below need exactly this walk.
template <class F>
void scan_outside_strings(std::string_view text, F f) {
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else {
      i = f(i);
    }
  }
}

// The nesting depth (outermost container = 1). simdjson's own limit does not
// count an empty innermost container, so the exact rule is checked here.
std::size_t nesting_depth(std::string_view text) {
  std::size_t depth = 0, deepest = 0;
  scan_outside_strings(text, [&](std::size_t i) {
    if (text[i] == '{' || text[i] == '[')
      deepest = std::max(deepest, ++depth);
    else if (text[i] == '}' || text[i] == ']')
      --depth;
    return i;
  });
  return deepest;
}
}  // namespace

bool rewrite_big_integers(std::string& text) {
  bool changed = false;
  // Replacements keep the text's length, so the buffer never moves.
  scan_outside_strings(text, [&](std::size_t i) {
    char c = text[i];
    if (c != '-' && (c < '0' || c > '9')) return i;
    std::size_t start = i, j = i + (c == '-' ? 1 : 0);
    std::size_t digits_begin = j;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
    bool integer = j == text.size() || (text[j] != '.' && text[j] != 'e' && text[j] != 'E');
    if (integer && j - digits_begin >= 19) {
      std::string_view repl = c == '-' ? "-1e300" : "1e300";
      text.replace(start, repl.size(), repl);
      for (std::size_t k = start + repl.size(); k < j; ++k) text[k] = ' ';
      changed = true;
    }
    return j - 1;
  });
  return changed;
}

bool JsonInput::parse(std::string_view body, simdjson::dom::element& out,
                      std::string_view& reason) {
  if (body.empty()) {
    reason = "the request body is empty; a JSON object is required";
    return false;
  }
  auto err = parser_.parse(body.data(), body.size(), false).get(out);
  if (!err && nesting_depth(body) > kMaxJsonDepth) err = simdjson::DEPTH_ERROR;
  if (!err) return true;
  if (err == simdjson::NUMBER_ERROR) {
    rewritten_.reserve(body.size() + simdjson::SIMDJSON_PADDING);
    rewritten_.assign(body);
    if (rewrite_big_integers(rewritten_)) {
      err = parser_.parse(rewritten_.data(), rewritten_.size(), false).get(out);
      if (!err && nesting_depth(rewritten_) > kMaxJsonDepth) err = simdjson::DEPTH_ERROR;
      if (!err) return true;
    }
  }
  switch (err) {
    case simdjson::UTF8_ERROR:
      reason = "the request body is not valid UTF-8";
      break;
    case simdjson::DEPTH_ERROR:
      reason = "JSON nested deeper than 64 levels";
      break;
    case simdjson::STRING_ERROR:
      reason = "the request body has an invalid JSON string (bad escape or lone surrogate)";
      break;
    case simdjson::NUMBER_ERROR:
      reason = "the request body has a number out of range";
      break;
    case simdjson::CAPACITY:
      reason = "the request body is too large";
      break;
    default:
      reason = "the request body is not well-formed JSON";
      break;
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
