// One open GET /tasks/events stream: replays the owner's events after
// Last-Event-ID from the log, then follows the live events the hub hands it.
//
// Invariants (all on the stream's thread):
// - last_id_ is the newest event id the client has been sent, or that a
//   reset told it to start after; a frame at or below it is never sent, so
//   the client sees increasing ids with no duplicate.
// - While replaying, live frames wait in pending_ (counted against
//   max_queued with what the stream holds); once the log has been read up
//   to the newest event of its last snapshot, the pending frames newer than
//   that follow. The log is read a page at a time, and only while the
//   stream holds at most half of max_queued, so a replay never overflows.
// - Registered in its slot from construction to on_closed().
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/stream.hpp"
#include "store/store.hpp"
#include "tasks/event_hub.hpp"
#include "tasks/task_events.hpp"

namespace brisk::tasks {

class EventStream final : public http::StreamObserver,
                          public std::enable_shared_from_this<EventStream> {
 public:
  EventStream(http::Stream& s, std::shared_ptr<EventHub::State> state, EventHub::Slot& slot,
              store::Owner owner, const EventStreamOptions& opts);
  ~EventStream() override;
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  // Starts after `last_event_id` (replayed from `reader`, this thread's),
  // or, without one, with the events that commit from now on.
  void start(store::Reader& reader, std::optional<std::int64_t> last_event_id);
  // A live event of this stream's owner (from EventHub::Slot::deliver).
  void deliver(const EventFrame& f);
  // Events up to `through` were lost to this instance (EventSink::missed):
  // a live stream behind it gets `event: reset` (reason window) and goes
  // on after it. A replay reads the log, which tells it the same.
  void missed(std::int64_t through);

  void on_space() override;
  void on_closed() override;

 private:
  void replay();
  void read_async(const store::EventRange& q);
  // One page of the replay read; true to read the next one.
  bool replayed(store::ReadStatus st, std::string&& frames, std::size_t count,
                const store::EventPage& page);
  void finish_replay(std::int64_t newest);
  // Writes `bytes` (`count` events, the last with id `id`); false if the
  // stream refused it (closed, or overflowed: then reset and closing).
  bool write(http::SharedBytes bytes, std::int64_t id, std::size_t count);
  void overflow(std::int64_t id);

  http::Stream* stream_;  // null once closed
  std::shared_ptr<EventHub::State> state_;
  EventHub::Slot& slot_;
  store::Owner owner_;
  EventStreamOptions opts_;
  std::size_t index_ = 0;  // in slot_.by_owner[owner_]
  std::int64_t last_id_ = 0;
  // The replay.
  store::Reader* reader_ = nullptr;
  std::int64_t replay_after_ = 0;
  bool replaying_ = false, first_page_ = true, reading_ = false, ended_ = false;
  std::vector<EventFrame> pending_;
  std::size_t pending_bytes_ = 0;
};

}  // namespace brisk::tasks
