// The event log behind GET /tasks/events: every change to a task, in commit
// order. The task service decides each event's kind and data bytes and hands
// them to the store inside the write command (commands.hpp); the store writes
// the event in the same transaction as the change, so an event exists if and
// only if its change committed, numbers it, keeps a window of the newest
// events, and after COMMIT hands the committed events to an EventSink (the
// live side, which fans them out to open streams).
//
// Invariants every backend keeps:
// - Event ids are positive and increase in commit order: once an event is
//   visible (committed), no event with a smaller id ever becomes visible.
//   They survive restarts and are never reused (also after pruning).
// - EventSink::published() receives committed events only, each once, in
//   increasing id order with no committed event left out between two calls
//   (a backend that learns of commits from elsewhere, such as PostgreSQL's
//   NOTIFY, reads the gap from the log before publishing a newer id), or
//   else a call of missed() says where the gap ends.
// - The log is the source of truth: a reader that missed a publication (a
//   stream opened late, a lost notification) finds every event after its
//   last id in the log, unless the window has moved past it (pruned_through).
//
// Across instances (PostgreSQL, postgres/event_sql.hpp): the writer
// inserts each event in the statement that changes its task, in a batch
// that first takes a transaction-level lock (so ids, max + 1 under the
// lock, are consecutive and in commit order across instances), and sends
// NOTIFY with the newest id in the same transaction. One LISTEN connection
// per instance (postgres/listener.hpp) wakes a read of the log after the
// newest id already published, and publishes what it finds through the
// same EventSink; the local writer publishes its own commits at once when
// they follow the newest id published, and otherwise leaves them to that
// read. A dropped listener reconnects, LISTENs again and reads the log
// from the newest id published: a lost notification costs latency, never
// an event.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/owner.hpp"

namespace brisk::store {

// An event as a write command carries it. Kind 0 is "no event"; the other
// codes and the data bytes are the service's (the store never reads them).
struct Event {
  std::uint8_t kind = 0;
  std::string data;
};

// An event as the log holds it, once committed.
struct LoggedEvent {
  std::int64_t id = 0;
  Owner owner = 0;
  std::uint8_t kind = 0;
  std::string data;
};

// A logged event as a read passes it: `data` is valid during the call only.
struct EventView {
  std::int64_t id = 0;
  std::uint8_t kind = 0;
  std::string_view data;
};

// Where committed events go. Implemented above the store (the live-event
// hub); the store knows nothing of streams or HTTP.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // Committed events, in increasing id order (see the invariants above).
  // Called on a store thread (the writer's) after COMMIT and before the
  // batch's completions run; must not block: hand over and return.
  virtual void published(std::vector<LoggedEvent>&& events) = 0;
  // Events up to `through` committed but cannot be published: they left the
  // log's window before this instance could read them (PostgreSQL, after a
  // long loss of the LISTEN connection). Called in place of them, in order
  // with published(); every open stream that may have missed some must be
  // told to refetch (event: reset). Same thread rules as published(). A
  // sink without streams may ignore it.
  virtual void missed(std::int64_t /*through*/) {}
};

// A read of one owner's events after `after`, in id order. A read stops
// after `max_events`, or after the event that brings the data read to
// `max_bytes` (so at least one event is read whatever its size).
struct EventRange {
  Owner owner = 0;
  std::int64_t after = 0;
  std::size_t max_events = 256;
  std::size_t max_bytes = std::size_t{256} * 1024;
};

// What a read of the log found besides the events, from the same snapshot.
struct EventPage {
  // Every event with an id up to this was pruned (0: none ever was). A
  // reader whose last id is below it may have missed events.
  std::int64_t pruned_through = 0;
  // The newest event id in the log (any owner), 0 when it is empty: every
  // event of the owner up to it was read unless `more`.
  std::int64_t newest = 0;
  // The id of the last event read (0: none).
  std::int64_t last = 0;
  // The read stopped at a limit: read again after `last`.
  bool more = false;
};

}  // namespace brisk::store
