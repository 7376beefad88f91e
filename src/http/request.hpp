// A parsed HTTP request as handlers see it. Every view points into buffers
// owned by the connection and stays valid until the response is complete.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

namespace brisk::http {

enum class Method : std::uint8_t { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view method_name(Method m);

// One header field: the value of its line, or of several lines joined with
// ", " (RFC 9110 5.3), then `repeated` is set.
struct HeaderField {
  std::string_view name;  // as sent
  std::string_view value;
  bool repeated = false;
};

struct Request {
  Method method = Method::kOther;
  int version = 11;  // 10 or 11
  bool keep_alive = true;
  std::string_view target;               // as received
  std::string_view path;                 // target before '?', not percent-decoded
  std::string_view query;                // target after '?', empty if none
  std::span<const HeaderField> headers;  // in order of first appearance
  std::string_view body;
  std::string_view peer;        // client address, text form
  std::string_view request_id;  // X-Request-Id: the client's if acceptable, else made here

  // The field named `name` (ASCII case-insensitive), or null.
  const HeaderField* find_header(std::string_view name) const;
  // Its value; empty when absent (find_header tells absent from empty).
  std::string_view header(std::string_view name) const {
    const HeaderField* f = find_header(name);
    return f ? f->value : std::string_view{};
  }
};

}  // namespace brisk::http
