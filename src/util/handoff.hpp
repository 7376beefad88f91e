// Batched wake-ups between threads. A thread that hands many results to
// another thread (the writer completing a batch of requests for an event
// loop) opens a HandoffBatch; while it lives, wake-ups asked for through
// HandoffBatch::defer() are held, deduplicated, and run once each when the
// batch ends. The consumer then wakes once per batch, not once per result:
// on a shared core each wake-up could preempt the producer and hand over one
// result at a time.
//
// Invariant: batches nest per thread (the innermost one collects); a wake-up
// deferred into a batch runs exactly once, on the batch's thread, when the
// batch is destroyed.
#pragma once
#include <utility>
#include <vector>

namespace brisk::util {

class HandoffBatch {
 public:
  using Wake = void (*)(void* target);
  HandoffBatch();
  ~HandoffBatch();
  HandoffBatch(const HandoffBatch&) = delete;
  HandoffBatch& operator=(const HandoffBatch&) = delete;

  // With a batch open on this thread, records wake(target) (once per target)
  // for the batch's end and returns true; otherwise returns false and the
  // caller must wake the target itself.
  static bool defer(void* target, Wake wake);

 private:
  HandoffBatch* outer_;
  std::vector<std::pair<void*, Wake>> wakes_;
};

}  // namespace brisk::util
