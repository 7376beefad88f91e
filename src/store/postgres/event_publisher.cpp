#include "store/postgres/event_publisher.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace brisk::store::postgres {

void EventPublisher::set_sink(EventSink* sink) {
  std::lock_guard lock(mu_);
  sink_ = sink;
}

std::int64_t EventPublisher::published() const {
  std::lock_guard lock(mu_);
  return published_;
}

bool EventPublisher::offer(std::vector<LoggedEvent>&& events) {
  if (events.empty()) return true;
  std::lock_guard lock(mu_);
  if (events.front().id > published_ + 1) return false;
  hand_over(std::move(events));
  return true;
}

void EventPublisher::publish_read(std::vector<LoggedEvent>&& events) {
  if (events.empty()) return;
  std::lock_guard lock(mu_);
  if (events.back().id <= published_) return;
  auto first = std::find_if(events.begin(), events.end(),
                            [this](const LoggedEvent& e) { return e.id > published_; });
  if (first->id > published_ + 1) {
    // Pruned before this instance read them: its streams are told to refetch.
    spdlog::warn(
        "PostgreSQL: events {} to {} left the log's window before they could be published; "
        "open streams are reset",
        published_ + 1, first->id - 1);
    published_ = first->id - 1;
    if (sink_) sink_->missed(published_);
  }
  hand_over(std::move(events));
}

void EventPublisher::hand_over(std::vector<LoggedEvent>&& events) {
  std::erase_if(events, [this](const LoggedEvent& e) { return e.id <= published_; });
  if (events.empty()) return;
  published_ = events.back().id;
  if (sink_) sink_->published(std::move(events));
}

}  // namespace brisk::store::postgres
