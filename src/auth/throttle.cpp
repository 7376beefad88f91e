#include "auth/throttle.hpp"

#include <algorithm>

namespace brisk::auth {

unsigned LoginThrottle::retry_after(std::string_view key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = windows_.find(std::string(key));
  if (it == windows_.end()) return 0;
  const Window& w = it->second;
  if (now >= w.start + window_) {
    windows_.erase(it);
    return 0;
  }
  if (w.failures < max_) return 0;
  auto left = std::chrono::ceil<std::chrono::seconds>(w.start + window_ - now).count();
  return static_cast<unsigned>(std::max<long long>(1, left));
}

void LoginThrottle::record_failure(std::string_view key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  if (windows_.size() >= kMaxKeys) {
    std::erase_if(windows_, [&](const auto& kv) { return now >= kv.second.start + window_; });
  }
  Window& w = windows_[std::string(key)];
  if (w.failures == 0 || now >= w.start + window_) {
    w.failures = 0;
    w.start = now;
  }
  ++w.failures;
}

void LoginThrottle::record_success(std::string_view key) {
  std::lock_guard lock(mu_);
  windows_.erase(std::string(key));
}

}  // namespace brisk::auth
