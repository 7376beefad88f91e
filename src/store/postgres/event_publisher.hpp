// Where the two sources of committed events meet before the EventSink
// (store/events.hpp): the local writer, which hands over its own batch at
// once after COMMIT, and the listener, which reads the log when another
// instance announces a commit (NOTIFY) or after it reconnects.
//
// Invariants: the sink gets increasing ids, each once (published_ is the
// newest id handed over; older ones are dropped). Ids are consecutive
// (event_sql.hpp), so the writer's batch is published at once only when
// its first id follows published_; otherwise other instances' events come
// between and the listener publishes them and the batch from the log. A
// read of the log is complete after the id it started from, so the
// listener's events never leave a gap, unless the window moved past them
// while the listener was away: then they are gone, and the sink is told
// (EventSink::missed) before the events after them.
// The sink is called under the mutex, so calls never overlap or reorder.
#pragma once
#include <cstdint>
#include <mutex>
#include <vector>

#include "store/events.hpp"

namespace brisk::store::postgres {

class EventPublisher {
 public:
  // Publishing starts after `newest` (the newest id in the log at open:
  // a stream replays anything older from the log).
  explicit EventPublisher(std::int64_t newest) : published_(newest) {}

  void set_sink(EventSink* sink);
  // The newest id handed over so far (or skipped as already there at open).
  std::int64_t published() const;

  // The writer, after COMMIT: its batch's events, in id order. False when
  // they do not follow the newest published id (nothing is published: the
  // log must be read from published()).
  bool offer(std::vector<LoggedEvent>&& events);
  // The listener: every event of the log after an id at or below
  // published() (read before this call), in id order.
  void publish_read(std::vector<LoggedEvent>&& events);

 private:
  // Under mu_: hands over the events newer than published_.
  void hand_over(std::vector<LoggedEvent>&& events);

  mutable std::mutex mu_;
  EventSink* sink_ = nullptr;
  std::int64_t published_;
};

}  // namespace brisk::store::postgres
