// Login throttling: after `max_failures` failed logins within `window` for
// one key (a username, or a client address), further attempts with that key
// get 429 until the window ends. Checked before any password work, so a
// brute-force attempt costs the attacker far more than the server.
#pragma once
#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace brisk::auth {

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  LoginThrottle(unsigned max_failures = 10, std::chrono::seconds window = std::chrono::seconds(60))
      : max_(max_failures), window_(window) {}
  // 0 when attempts are allowed, else whole seconds (>= 1) to wait.
  unsigned retry_after(std::string_view key, Clock::time_point now);
  void record_failure(std::string_view key, Clock::time_point now);
  void record_success(std::string_view key);
  // Atomically: if neither key is blocked, counts one (presumed failed)
  // attempt against both and returns 0; else returns the seconds to wait.
  // Counting before the password is checked means concurrent attempts
  // cannot all slip past the limit while their hashes run.
  unsigned begin_attempt(std::string_view user_key, std::string_view addr_key,
                         Clock::time_point now);
  // The attempt succeeded: the username's window is cleared and the
  // address's presumed failure refunded.
  void attempt_succeeded(std::string_view user_key, std::string_view addr_key);

 private:
  unsigned retry_after_locked(std::string_view key, Clock::time_point now);
  void record_failure_locked(std::string_view key, Clock::time_point now);
  struct Window {
    unsigned failures = 0;
    Clock::time_point start;
  };
  static constexpr std::size_t kMaxKeys = 100'000;
  unsigned max_;
  std::chrono::seconds window_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace brisk::auth
