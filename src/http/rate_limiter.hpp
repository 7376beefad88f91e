// Per-client-address token buckets: a burst of N, refilled at N per second.
// Shared by every worker, so sharded by address hash to keep lock hold times
// tiny; only consulted when --rate-limit is set.
#pragma once
#include <array>
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace brisk::http {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateLimiter(unsigned per_second) : rate_(per_second) {}
  // Takes a token for `client`. Returns 0 when allowed, otherwise the whole
  // seconds (at least 1) after which a request will be allowed again.
  unsigned acquire(std::string_view client, Clock::time_point now);

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Bucket> buckets;
  };
  static constexpr std::size_t kShards = 16;
  static constexpr std::size_t kMaxClientsPerShard = 4096;
  double rate_;
  std::array<Shard, kShards> shards_;
};

}  // namespace brisk::http
