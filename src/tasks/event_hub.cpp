#include "tasks/event_hub.hpp"

#include <string>
#include <utility>

#include "tasks/event_stream.hpp"
#include "tasks/task_events.hpp"

namespace brisk::tasks {

EventHub::EventHub(EventStreamOptions opts)
    : opts_(opts),
      state_(std::make_shared<State>()),
      heartbeat_(std::make_shared<const std::string>(kHeartbeatFrame)) {}

EventHub::~EventHub() = default;

std::uint64_t EventHub::open_streams() const {
  return state_->open.load(std::memory_order_relaxed);
}

namespace {
template <class F>
std::uint64_t sum_slots(EventHub::State& st, F counter) {
  std::lock_guard lock(st.mu);
  std::uint64_t n = 0;
  for (const auto& s : st.slots) {
    if (s) n += counter(*s).load(std::memory_order_relaxed);
  }
  return n;
}
}  // namespace

std::uint64_t EventHub::events_sent() const {
  return sum_slots(
      *state_, [](Slot & s) -> auto& { return s.sent; });
}

std::uint64_t EventHub::overflows() const {
  return sum_slots(
      *state_, [](Slot & s) -> auto& { return s.overflows; });
}

EventHub::Slot& EventHub::slot(unsigned worker, http::Loop loop) {
  std::lock_guard lock(state_->mu);
  if (state_->slots.size() <= worker) state_->slots.resize(worker + 1);
  std::unique_ptr<Slot>& s = state_->slots[worker];
  if (!s) {
    s = std::make_unique<Slot>();
    s->loop = loop;
  }
  return *s;
}

// On the store's publishing thread. Nothing is built when no stream is open (the count
// is read after COMMIT; a stream counts itself open before it reads the
// log, so one that opens after this read finds these events there).
void EventHub::published(std::vector<store::LoggedEvent>&& events) {
  if (state_->open.load() == 0) return;
  auto frames = std::make_shared<std::vector<EventFrame>>();
  frames->reserve(events.size());
  for (store::LoggedEvent& e : events) {
    std::string bytes;
    if (!append_event_frame(bytes, e.id, e.kind, e.data)) continue;
    frames->push_back({e.id, e.owner, std::make_shared<const std::string>(std::move(bytes))});
  }
  if (frames->empty()) return;
  std::shared_ptr<const std::vector<EventFrame>> batch = std::move(frames);
  std::lock_guard lock(state_->mu);
  for (const std::unique_ptr<Slot>& s : state_->slots) {
    if (!s || s->open.load() == 0) continue;
    // The state travels with the batch: it outlives the hub at shutdown.
    s->loop.post([state = state_, slot = s.get(), batch] { slot->deliver(*batch); });
  }
}

// Posted like a batch, so it reaches each worker in order with them.
void EventHub::missed(std::int64_t through) {
  if (state_->open.load() == 0) return;
  std::lock_guard lock(state_->mu);
  for (const std::unique_ptr<Slot>& s : state_->slots) {
    if (!s || s->open.load() == 0) continue;
    s->loop.post([state = state_, slot = s.get(), through] { slot->missed(through); });
  }
}

void EventHub::Slot::missed(std::int64_t through) {
  for (auto& [owner, streams] : by_owner) {
    // EventStream::missed() writes at most one frame and never closes or
    // unregisters before it returns; an overflow only ends the stream.
    for (EventStream* s : streams) s->missed(through);
  }
}

void EventHub::Slot::deliver(const std::vector<EventFrame>& frames) {
  for (const EventFrame& f : frames) {
    auto it = by_owner.find(f.owner);
    if (it == by_owner.end()) continue;
    // deliver() neither closes a stream nor unregisters one before it
    // returns (http/stream.hpp), so the list does not change meanwhile.
    for (EventStream* s : it->second) s->deliver(f);
  }
}

}  // namespace brisk::tasks
