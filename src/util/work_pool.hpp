// A few background threads for work too slow for an event loop (Argon2id
// password hashing takes tens of milliseconds and 64 MiB).
#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace brisk::util {

class WorkPool {
 public:
  explicit WorkPool(unsigned threads);
  ~WorkPool();  // finishes queued work, then joins
  void post(std::function<void()> job);
  // Queues `job` unless `max_waiting` jobs already wait for a thread; false
  // then (and `job` is dropped): a bounded queue for work that can be
  // refused (a 503) rather than waited for without limit.
  bool try_post(std::function<void()> job, std::size_t max_waiting);

 private:
  void run();
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace brisk::util
