#include "tasks/etag.hpp"

#include <charconv>

#include "util/text.hpp"

namespace brisk::tasks {

namespace {
// Calls f(tag, weak) for each entity-tag of a comma-separated list; "*" is
// passed as tag "*".
// "W/*" is no entity-tag and not "*" (RFC 9110 13.1.1): it is passed on as
// a tag that parses as no version, so it matches nothing.
template <class F>
void for_each_tag(std::string_view list, F f) {
  util::for_each_item(list, [&](std::string_view item) {
    bool weak = item.starts_with("W/");
    if (weak) item.remove_prefix(2);
    f(weak && item == "*" ? std::string_view("W/*") : item, weak);
  });
}

bool parse_version(std::string_view quoted, std::int64_t& v) {
  if (quoted.size() < 3 || quoted.front() != '"' || quoted.back() != '"') return false;
  std::string_view digits = quoted.substr(1, quoted.size() - 2);
  // Strong comparison is character by character: only the canonical text
  // brisk sends ("3", never "03" or "+3") can match.
  if (digits.size() > 1 && digits.front() == '0') return false;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  auto r = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  return r.ec == std::errc() && r.ptr == digits.data() + digits.size();
}
}  // namespace

std::string_view format_etag(std::int64_t version, char* buf) {
  buf[0] = '"';
  auto r = std::to_chars(buf + 1, buf + 22, version);
  *r.ptr = '"';
  return {buf, static_cast<std::size_t>(r.ptr + 1 - buf)};
}

bool IfMatch::matches(std::int64_t v) const {
  if (any) return true;
  for (std::int64_t x : versions) {
    if (x == v) return true;
  }
  return false;
}

IfMatch parse_if_match(std::string_view header, bool present) {
  IfMatch p;
  p.present = present;
  for_each_tag(header, [&](std::string_view tag, bool weak) {
    if (tag == "*") {
      p.any = true;
      return;
    }
    std::int64_t v;
    // Strong comparison: a weak tag never matches.
    if (!weak && parse_version(tag, v)) p.versions.push_back(v);
  });
  return p;
}

bool if_none_match_hits(std::string_view header, std::int64_t version) {
  bool hit = false;
  for_each_tag(header, [&](std::string_view tag, bool) {
    std::int64_t v;
    if (tag == "*" || (parse_version(tag, v) && v == version)) hit = true;
  });
  return hit;
}

}  // namespace brisk::tasks
