#include "auth/throttle.hpp"

#include <algorithm>

namespace brisk::auth {

unsigned LoginThrottle::retry_after(std::string_view key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  return retry_after_locked(key, now);
}

unsigned LoginThrottle::retry_after_locked(std::string_view key, Clock::time_point now) {
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
  record_failure_locked(key, now);
}

void LoginThrottle::record_failure_locked(std::string_view key, Clock::time_point now) {
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

unsigned LoginThrottle::begin_attempt(std::string_view user_key, std::string_view addr_key,
                                      Clock::time_point now) {
  std::lock_guard lock(mu_);
  unsigned wait = std::max(retry_after_locked(user_key, now), retry_after_locked(addr_key, now));
  if (wait) return wait;
  record_failure_locked(user_key, now);
  record_failure_locked(addr_key, now);
  return 0;
}

void LoginThrottle::attempt_succeeded(std::string_view user_key, std::string_view addr_key) {
  std::lock_guard lock(mu_);
  windows_.erase(std::string(user_key));
  auto it = windows_.find(std::string(addr_key));
  if (it != windows_.end() && it->second.failures > 0) --it->second.failures;
}

}  // namespace brisk::auth
