// X-Request-Id: every response carries one, and so does its access log line
// (and a problem body). A client's own id is kept when it is sane; otherwise
// the worker makes one.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace brisk::http {

inline constexpr std::size_t kMaxRequestId = 64;

// 1..64 characters of [A-Za-z0-9] and "-_.:@/+=": what tracing systems send
// (UUIDs, W3C trace ids, base64), and nothing that could break a header, a
// log line or a JSON string.
bool acceptable_request_id(std::string_view id);

// Makes ids: 16 lowercase hex digits of a 64-bit pseudo-random sequence
// (SplitMix64 from a random seed), unique within a run and not guessable
// from another. One per worker thread: no locking.
class RequestIdSource {
 public:
  RequestIdSource();
  explicit RequestIdSource(std::uint64_t seed) : state_(seed) {}
  // Writes the next id into `buf` and returns it (a view into `buf`).
  std::string_view next(char (&buf)[kMaxRequestId]);

 private:
  std::uint64_t state_;
};

}  // namespace brisk::http
