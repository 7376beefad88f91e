// A parsed HTTP request as handlers see it. Every view points into buffers
// owned by the connection and stays valid until the response is complete.
#pragma once
#include <cstdint>
#include <string_view>

namespace brisk::http {

enum class Method : std::uint8_t { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view method_name(Method m);

struct Request {
  Method method = Method::kOther;
  int version = 11;  // 10 or 11
  bool keep_alive = true;
  std::string_view target;  // as received
  std::string_view path;    // target before '?', not percent-decoded
  std::string_view query;   // target after '?', empty if none
  // Headers that brisk reads; empty when absent. `has_*` distinguishes an
  // absent header from an empty one where that matters.
  std::string_view content_type;
  bool has_content_type = false;
  std::string_view if_match;
  std::string_view if_none_match;
  std::string_view idempotency_key;
  bool has_idempotency_key = false;
  std::string_view authorization;
  std::string_view accept_encoding;
  std::string_view last_event_id;
  std::string_view body;
  std::string_view peer;  // client address, text form
};

}  // namespace brisk::http
