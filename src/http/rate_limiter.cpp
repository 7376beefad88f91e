#include "http/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace brisk::http {

unsigned RateLimiter::acquire(std::string_view client, Clock::time_point now) {
  Shard& sh = shards_[std::hash<std::string_view>{}(client) % kShards];
  std::lock_guard lock(sh.mu);
  auto it = sh.buckets.find(std::string(client));
  if (it == sh.buckets.end()) {
    if (sh.buckets.size() >= kMaxClientsPerShard) {
      // Forget clients whose bucket has refilled: they lose nothing.
      std::erase_if(sh.buckets, [&](const auto& kv) {
        return kv.second.tokens +
                   std::chrono::duration<double>(now - kv.second.last).count() * rate_ >=
               rate_;
      });
    }
    it = sh.buckets.emplace(std::string(client), Bucket{rate_, now}).first;
  }
  Bucket& b = it->second;
  double elapsed = std::chrono::duration<double>(now - b.last).count();
  b.tokens = std::min(rate_, b.tokens + elapsed * rate_);
  b.last = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  return static_cast<unsigned>(std::max(1.0, std::ceil((1.0 - b.tokens) / rate_)));
}

}  // namespace brisk::http
