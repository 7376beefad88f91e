#include "util/handoff.hpp"

namespace brisk::util {

namespace {
thread_local HandoffBatch* current = nullptr;
}  // namespace

HandoffBatch::HandoffBatch() : outer_(current) {
  current = this;
}

HandoffBatch::~HandoffBatch() {
  current = outer_;
  for (auto& [target, wake] : wakes_) wake(target);
}

bool HandoffBatch::defer(void* target, Wake wake) {
  HandoffBatch* b = current;
  if (!b) return false;
  for (const auto& w : b->wakes_) {
    if (w.first == target && w.second == wake) return true;
  }
  b->wakes_.emplace_back(target, wake);
  return true;
}

}  // namespace brisk::util
