// Limits that protect the server from slow, large or hostile clients.
#pragma once
#include <chrono>
#include <cstddef>

namespace brisk::http {

struct Limits {
  std::size_t max_header_bytes = std::size_t{16} * 1024;      // request line + headers -> 431
  std::size_t max_body_bytes = std::size_t{1024} * 1024;      // -> 413
  std::chrono::milliseconds header_timeout{10'000};           // from a request's first byte -> 408
  std::chrono::milliseconds idle_timeout{60'000};             // no bytes either way -> close
  std::chrono::milliseconds drain_timeout{10'000};            // SIGTERM: finish in-flight work
  std::size_t max_pending_output = std::size_t{1024} * 1024;  // stop reading until the client reads
  std::size_t max_header_fields = 100;                        // distinct fields -> 431
  // Bytes readable (not part of the body) after every request body: what a
  // body parser may read past the end (the API's JSON parser sets it).
  std::size_t body_padding = 0;
};

}  // namespace brisk::http
