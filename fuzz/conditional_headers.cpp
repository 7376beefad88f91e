// If-Match, If-None-Match (tasks/etag.hpp) and Idempotency-Key
// (tasks/idempotency_key.hpp), against independent readings of their rules:
// - If-Match: "*" or a comma-separated list of entity-tags; only a strong
//   tag in brisk's own form ("<version>", decimal without sign or leading
//   zero) matches its version;
// - If-None-Match: the same list, weak tags (W/"3") included;
// - format_etag(v) is matched by both, W/ + it only by If-None-Match;
// - Idempotency-Key: 1..255 bytes, each visible ASCII (0x21..0x7e).
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "check.hpp"
#include "tasks/etag.hpp"
#include "tasks/idempotency_key.hpp"

namespace {

using namespace brisk;

std::string_view trim_ows(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

struct Tag {
  bool any = false, weak = false, valid = false;
  std::int64_t version = 0;
};

std::vector<Tag> tags_of(std::string_view header) {
  std::vector<Tag> out;
  std::size_t at = 0;
  while (at <= header.size()) {
    std::size_t comma = header.find(',', at);
    if (comma == std::string_view::npos) comma = header.size();
    std::string_view item = trim_ows(header.substr(at, comma - at));
    at = comma + 1;
    if (item.empty()) continue;
    Tag t;
    if (item == "*") {
      t.any = true;
      out.push_back(t);
      continue;
    }
    if (item.size() >= 2 && item[0] == 'W' && item[1] == '/') {
      t.weak = true;
      item.remove_prefix(2);
    }
    if (item.size() >= 3 && item.front() == '"' && item.back() == '"') {
      std::string_view d = item.substr(1, item.size() - 2);
      bool digits = !d.empty() && (d.size() == 1 || d[0] != '0');
      for (char c : d) digits = digits && c >= '0' && c <= '9';
      if (digits) {
        auto r = std::from_chars(d.data(), d.data() + d.size(), t.version);
        t.valid = r.ec == std::errc() && r.ptr == d.data() + d.size();
      }
    }
    out.push_back(t);
  }
  return out;
}

bool ref_if_match(const std::vector<Tag>& tags, std::int64_t v) {
  for (const Tag& t : tags) {
    if (t.any || (!t.weak && t.valid && t.version == v)) return true;
  }
  return false;
}

bool ref_if_none_match(const std::vector<Tag>& tags, std::int64_t v) {
  for (const Tag& t : tags) {
    if (t.any || (t.valid && t.version == v)) return true;
  }
  return false;
}

bool ref_key(std::string_view k) {
  if (k.empty() || k.size() > 255) return false;
  for (unsigned char c : k) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const std::int64_t version = in.ConsumeIntegral<std::int64_t>();
  const std::string header = in.ConsumeRemainingBytesAsString();

  FUZZ_CHECK(tasks::valid_idempotency_key(header) == ref_key(header));

  const std::vector<Tag> tags = tags_of(header);
  const tasks::IfMatch im = tasks::parse_if_match(header, true);
  FUZZ_CHECK(im.present);
  FUZZ_CHECK(im.matches(version) == ref_if_match(tags, version));
  FUZZ_CHECK(tasks::if_none_match_hits(header, version) == ref_if_none_match(tags, version));
  for (const Tag& t : tags) {  // every version the header names
    if (!t.valid) continue;
    FUZZ_CHECK(im.matches(t.version) == ref_if_match(tags, t.version));
    FUZZ_CHECK(tasks::if_none_match_hits(header, t.version) == ref_if_none_match(tags, t.version));
  }
  if (version >= 0) {
    char buf[24];
    const std::string etag(tasks::format_etag(version, buf));
    FUZZ_CHECK(tasks::parse_if_match(etag, true).matches(version));
    FUZZ_CHECK(tasks::if_none_match_hits(etag, version));
    FUZZ_CHECK(!tasks::parse_if_match("W/" + etag, true).matches(version));
    FUZZ_CHECK(tasks::if_none_match_hits("W/" + etag, version));
    FUZZ_CHECK(!tasks::parse_if_match(etag, true).matches(version == 0 ? 1 : version - 1));
  }
  return 0;
}
