// What every backend's writer thread shares: the queue event loops hand
// writes to, and the counters /metrics reads.
#pragma once
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

#include "store/store.hpp"

namespace brisk::store {

// Writes waiting for the writer thread. Invariant: the writer takes only
// what was flushed, so one event-loop round's writes (enqueued, then one
// flush at the round's end) become one batch instead of a batch each.
class WriteQueue {
 public:
  // At most this many requests per batch; the rest stays ready.
  static constexpr std::size_t kMaxBatch = 4096;

  void enqueue(WriteRequest req) {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(req));
  }
  // Lets the writer take everything queued so far as its next batch.
  void flush() {
    {
      std::lock_guard lock(mu_);
      if (flushed_ || queue_.empty()) return;  // the writer will take it anyway
      flushed_ = true;
    }
    cv_.notify_one();
  }
  // From now on the writer takes what is queued without a flush, then
  // stops (take() answers false once drained). Idempotent.
  void close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    cv_.notify_one();
  }
  // The writer thread: waits for the next batch and moves it into `batch`
  // (empty on entry). False once closed and drained.
  bool take(std::vector<WriteRequest>& batch) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return ready(); });
    return take_locked(batch);
  }
  enum class Take { kBatch, kClosed, kTimeout };
  // take(), waiting at most `wait`: kTimeout when nothing came.
  template <class Duration>
  Take take_for(std::vector<WriteRequest>& batch, Duration wait) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, wait, [&] { return ready(); })) return Take::kTimeout;
    return take_locked(batch) ? Take::kBatch : Take::kClosed;
  }

 private:
  bool ready() const { return closed_ || (flushed_ && !queue_.empty()); }
  bool take_locked(std::vector<WriteRequest>& batch) {
    if (queue_.empty()) return false;  // closed and drained
    if (queue_.size() <= kMaxBatch) {
      batch.swap(queue_);
      flushed_ = false;
    } else {  // the rest was flushed too: it stays ready
      auto mid = queue_.begin() + kMaxBatch;
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(mid));
      queue_.erase(queue_.begin(), mid);
    }
    return true;
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<WriteRequest> queue_;
  bool flushed_ = false;
  bool closed_ = false;
};

// Commits and batch sizes (brisk_db_commits_total,
// brisk_db_commit_batch_size). Written by the writer thread only, so a
// relaxed load and store is enough; read by /metrics from any thread.
class CommitCounters {
 public:
  void record(std::size_t size) {
    constexpr auto rel = std::memory_order_relaxed;
    commits_.store(commits_.load(rel) + 1, rel);
    batch_sum_.store(batch_sum_.load(rel) + size, rel);
    std::size_t b = 0;
    while (b < kBatchBounds.size() && size > kBatchBounds[b]) ++b;
    buckets_[b].store(buckets_[b].load(rel) + 1, rel);
  }
  CommitStats stats() const {
    CommitStats s;
    s.commits = commits_.load(std::memory_order_relaxed);
    s.batch_sum = batch_sum_.load(std::memory_order_relaxed);
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
      s.batch_buckets[i] = buckets_[i].load(std::memory_order_relaxed);
    }
    return s;
  }

 private:
  std::atomic<std::uint64_t> commits_{0}, batch_sum_{0};
  std::array<std::atomic<std::uint64_t>, kBatchBounds.size() + 1> buckets_{};
};

}  // namespace brisk::store
