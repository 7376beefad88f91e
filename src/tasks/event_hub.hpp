// The live side of GET /tasks/events: the store's EventSink (store/events.hpp)
// that fans each committed event out to the open streams of its owner.
//
// The publishing thread (the store's writer; on PostgreSQL also its
// listener, never at the same time) builds each event's SSE frame once
// (one shared, reference-counted buffer) and posts the batch's frames once
// to every event-loop thread that has streams open; there each stream of the owner
// is handed a reference to the same buffer. No lock is taken per stream and
// no frame is copied per stream.
//
// Invariants:
// - A worker's subscriptions (Slot) are touched only on that worker's
//   thread; the only state shared between threads is the open-stream count,
//   the slot list (under a mutex, taken once per committed batch) and the
//   counters.
// - A stream sees its owner's events in increasing id order, each at most
//   once, and with no gap between a replay from the log and the live events
//   (EventStream keeps the newest id it has sent and drops older ones).
// - Gaps cannot appear between publishing and subscribing: a stream counts
//   as open before it reads the log, and the writer publishes after COMMIT,
//   so an event is either visible to that read, or published to a worker on
//   which the stream is already open (or both: then the id decides).
#pragma once
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "http/stream.hpp"
#include "store/events.hpp"
#include "store/owner.hpp"

namespace brisk::tasks {

struct EventStreamOptions {
  // A quiet stream gets a comment line after this long (the sweep runs
  // once a second, so the gap stays under the 15 s of API.md).
  std::chrono::seconds heartbeat_every{14};
  // What one stream may hold unsent (queue and the write in flight); past
  // it the stream gets `event: reset` and is closed.
  std::size_t max_queued = std::size_t{1} << 20;
};

// One committed event as streams are handed it.
struct EventFrame {
  std::int64_t id = 0;
  store::Owner owner = 0;
  http::SharedBytes bytes;  // the complete SSE frame, shared by every stream
};

class EventStream;

class EventHub final : public store::EventSink {
 public:
  explicit EventHub(EventStreamOptions opts = {});
  ~EventHub() override;
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  // A store thread (the writer's, or PostgreSQL's listener), after COMMIT;
  // calls never overlap (store/events.hpp).
  void published(std::vector<store::LoggedEvent>&& events) override;
  // Every open stream behind `through` gets `event: reset` (then goes on).
  void missed(std::int64_t through) override;

  const EventStreamOptions& options() const { return opts_; }
  // The comment line every quiet stream is sent (one buffer for all).
  const http::SharedBytes& heartbeat() const { return heartbeat_; }
  // Streams open now, and events written to streams so far (any thread).
  std::uint64_t open_streams() const;
  std::uint64_t events_sent() const;
  std::uint64_t overflows() const;

  // The per-worker subscriptions and the counters: shared with the streams
  // and the posted batches, which may outlive the hub at shutdown.
  struct Slot {
    http::Loop loop;
    std::atomic<std::size_t> open{0};
    // Written on this worker's thread only: events written to streams, and
    // streams reset and closed for falling more than max_queued behind.
    std::atomic<std::uint64_t> sent{0}, overflows{0};
    std::unordered_map<store::Owner, std::vector<EventStream*>> by_owner;  // its thread only
    void deliver(const std::vector<EventFrame>& frames);
    void missed(std::int64_t through);
  };
  struct State {
    std::mutex mu;
    std::vector<std::unique_ptr<Slot>> slots;  // by worker index; never shrinks
    std::atomic<std::size_t> open{0};
  };
  // On the worker's thread: its slot (made on first use).
  Slot& slot(unsigned worker, http::Loop loop);
  const std::shared_ptr<State>& state() const { return state_; }

 private:
  EventStreamOptions opts_;
  std::shared_ptr<State> state_;
  http::SharedBytes heartbeat_;
};

}  // namespace brisk::tasks
