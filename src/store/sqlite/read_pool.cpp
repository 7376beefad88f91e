#include "store/sqlite/read_pool.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

#include <spdlog/spdlog.h>

#include "store/sqlite/reader.hpp"

namespace brisk::store::sqlite {

namespace {
constexpr int kStarvedFactor = 5;
}  // namespace

ReadPool::ReadPool(const std::string& path, const char* vfs, const ReadPoolOptions& opts)
    : opts_(opts), path_(path), vfs_(vfs) {
  opts_.threads = std::max(1u, opts_.threads);
  for (unsigned i = 0; i < opts_.threads; ++i) threads_.emplace_back([this] { run(); });
}

ReadPool::~ReadPool() {
  stop();
}

bool ReadPool::cancelled(const Job& j) {
  return j.waiter.cancel && j.waiter.cancel->load(std::memory_order_relaxed);
}

void ReadPool::release(const std::string& client) {
  if (client.empty()) return;
  auto it = per_client_.find(client);
  if (it != per_client_.end() && --it->second == 0) per_client_.erase(it);
}

void ReadPool::submit(const ListSpec& q, ReadDone<ListRead> done, ReadWaiter waiter) {
  ReadStatus refused = ReadStatus::kOk;
  std::vector<Job> dropped;
  auto answer_dropped = [&dropped] {
    for (Job& j : dropped) j.done(ListRead{ReadStatus::kCancelled, {}, 0, {}});
  };
  {
    std::unique_lock lock(mu_);
    // Lists nobody waits for any more give their places back first (the
    // queue is short: a few dozen at most).
    for (auto it = queue_.begin(); it != queue_.end();) {
      if (!cancelled(*it)) {
        ++it;
        continue;
      }
      release(it->waiter.client);
      dropped.push_back(std::move(*it));
      it = queue_.erase(it);
    }
    const std::size_t places = opts_.threads + opts_.queue;
    auto held = per_client_.find(waiter.client);
    if (stopping_) {
      refused = ReadStatus::kUnavailable;
    } else if (running_ + queue_.size() >= places ||
               (held != per_client_.end() && held->second >= opts_.per_client)) {
      refused = ReadStatus::kBusy;
    } else {
      if (!waiter.client.empty()) ++per_client_[waiter.client];
      queue_.push_back({q, std::move(done), std::move(waiter)});
      lock.unlock();
      cv_.notify_one();
      answer_dropped();
      return;
    }
  }
  answer_dropped();
  done(ListRead{refused, {}, 0, {}});
}

void ReadPool::finish(Job& job, ListRead&& r) {
  {
    std::lock_guard lock(mu_);
    release(job.waiter.client);
  }
  job.done(std::move(r));
}

void ReadPool::run() {
  // Below the event loops (nice 10: about a tenth of their weight when they
  // compete for a core), so that a costly list takes what they leave and
  // never stretches their cheap requests. Per thread on Linux.
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  if (::setpriority(PRIO_PROCESS, tid, 10) != 0) {
    spdlog::debug("costly-read thread keeps its priority (setpriority failed)");
  }
  std::unique_ptr<SqliteReader> reader;
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }
    ListRead r;
    if (!reader) {
      // Opened at the first list, not before: a server that never gets a
      // costly list keeps the memory of two connections (about 5 MB).
      try {
        reader = std::make_unique<SqliteReader>(path_, vfs_, nullptr, nullptr, opts_.health);
      } catch (const std::exception& e) {
        spdlog::error("costly-read thread: {}", e.what());
      }
    }
    if (cancelled(job)) {
      r.status = ReadStatus::kCancelled;
    } else if (!reader) {
      r.status = ReadStatus::kError;
    } else {
      // The budget is work (CPU time): the pool runs below the event loops,
      // and a list that waits for a core is not the more expensive for it.
      // A list starved that long still ends, at kStarvedFactor times it.
      ListLimits limits;
      if (opts_.timeout.count() > 0) {
        limits.cpu = opts_.timeout;
        limits.deadline = std::chrono::steady_clock::now() + kStarvedFactor * opts_.timeout;
      }
      limits.cancel = job.waiter.cancel.get();
      r.status = reader->list_limited(
          job.q,
          [&r](std::string_view json) {
            if (r.count++ > 0) r.rows.push_back(',');
            r.rows.append(json);
          },
          r.page, limits);
    }
    {
      std::lock_guard lock(mu_);
      release(job.waiter.client);  // the client may ask again from its completion
    }
    try {
      job.done(std::move(r));
    } catch (const std::exception& e) {
      spdlog::error("a costly list's completion failed: {}", e.what());
    }
    std::lock_guard lock(mu_);
    --running_;
  }
}

void ReadPool::stop() {
  std::deque<Job> left;
  {
    std::lock_guard lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    left.swap(queue_);
  }
  cv_.notify_all();
  for (Job& j : left) finish(j, ListRead{ReadStatus::kUnavailable, {}, 0, {}});
  for (auto& t : threads_) t.join();
  threads_.clear();
}

}  // namespace brisk::store::sqlite
