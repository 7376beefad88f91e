// The lists too costly for an event loop (a search, or a list over its
// inline budget): a few threads, each with a read connection of its own,
// take them from a bounded queue, run them under the time budget, and hand
// each answer to its callback (which posts it to the connection's thread).
//
// Bounded twice, so that costly reads never pile up: a list is refused at
// once (kBusy) when every thread is busy and the queue is full, or when its
// client already holds `per_client` places (running or queued). A list
// whose waiter is cancelled is dropped from the queue, or stopped while it
// runs (kCancelled).
#pragma once
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "store/store.hpp"

namespace brisk::store::sqlite {

class Health;
class SqliteReader;

struct ReadPoolOptions {
  unsigned threads = 2;
  std::size_t queue = 16;  // lists that may wait for a thread
  unsigned per_client = 4;
  // Per list: the CPU time it may take from when it starts, and five times
  // that in wall time (0: no limit).
  std::chrono::milliseconds timeout{2000};
  // The store's faults (may be null): a failed list answers 503 while one
  // is recorded (reader.hpp).
  const Health* health = nullptr;
};

class ReadPool {
 public:
  // Starts the threads; each opens its read connection at its first list.
  ReadPool(const std::string& path, const char* vfs, const ReadPoolOptions& opts);
  ~ReadPool();
  ReadPool(const ReadPool&) = delete;
  ReadPool& operator=(const ReadPool&) = delete;

  // Queues `q`, or answers kBusy at once (any thread). `done` runs on a
  // pool thread (or inline when refused).
  void submit(const ListSpec& q, ReadDone<ListRead> done, ReadWaiter waiter);
  // Lets the running lists finish, answers the queued ones kUnavailable,
  // and joins the threads. Later lists are answered kUnavailable.
  void stop();

 private:
  struct Job {
    ListSpec q;
    ReadDone<ListRead> done;
    ReadWaiter waiter;
  };
  void run();
  void finish(Job& job, ListRead&& r);
  static bool cancelled(const Job& j);
  // Gives back a place `client` held (with mu_ held).
  void release(const std::string& client);

  ReadPoolOptions opts_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  unsigned running_ = 0;
  std::unordered_map<std::string, unsigned> per_client_;  // places held, by client
  bool stopping_ = false;
  std::string path_;
  const char* vfs_;
  std::vector<std::thread> threads_;
};

}  // namespace brisk::store::sqlite
