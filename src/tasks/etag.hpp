// ETags of tasks are their version: "3". Parsing of If-Match (strong
// comparison, RFC 9110 13.1.1) and If-None-Match (weak comparison).
#pragma once
#include <cstdint>
#include <string_view>

#include <vector>

namespace brisk::tasks {

// Writes "\"<version>\"" into buf (at least 24 bytes); returns the view.
std::string_view format_etag(std::int64_t version, char* buf);

// If-Match: "*" or a list of strong ETags (versions). A header that names
// no valid ETag is still a condition, and matches nothing.
struct IfMatch {
  bool present = false;
  bool any = false;
  std::vector<std::int64_t> versions;
  bool matches(std::int64_t v) const;
};

IfMatch parse_if_match(std::string_view header, bool present);

// True when If-None-Match lists the current ETag (or is "*").
bool if_none_match_hits(std::string_view header, std::int64_t version);

}  // namespace brisk::tasks
