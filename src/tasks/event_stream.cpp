#include "tasks/event_stream.hpp"

#include <algorithm>
#include <utility>

namespace brisk::tasks {

namespace {
// A replay page: few enough bytes that a page always fits in the half of
// max_queued that must be free before it is read.
constexpr std::size_t kPageEvents = 256;
constexpr std::size_t kPageBytes = std::size_t{256} * 1024;

http::SharedBytes shared(std::string&& s) {
  return std::make_shared<const std::string>(std::move(s));
}
}  // namespace

EventStream::EventStream(http::Stream& s, std::shared_ptr<EventHub::State> state,
                         EventHub::Slot& slot, store::Owner owner, const EventStreamOptions& opts)
    : stream_(&s), state_(std::move(state)), slot_(slot), owner_(owner), opts_(opts) {
  std::vector<EventStream*>& mine = slot_.by_owner[owner_];
  index_ = mine.size();
  mine.push_back(this);
  // Counted as open before the log is read (event_hub.hpp: no gap).
  slot_.open.fetch_add(1);
  state_->open.fetch_add(1);
}

EventStream::~EventStream() {
  if (stream_) on_closed();
}

void EventStream::on_closed() {
  if (!stream_) return;
  stream_ = nullptr;
  auto it = slot_.by_owner.find(owner_);
  std::vector<EventStream*>& mine = it->second;
  mine[index_] = mine.back();
  mine[index_]->index_ = index_;
  mine.pop_back();
  if (mine.empty()) slot_.by_owner.erase(it);
  slot_.open.fetch_sub(1);
  state_->open.fetch_sub(1);
  pending_.clear();
}

void EventStream::start(store::Reader& reader, std::optional<std::int64_t> last_event_id) {
  if (!last_event_id) return;  // live from now: nothing to read
  reader_ = &reader;
  replay_after_ = *last_event_id;
  last_id_ = *last_event_id;
  replaying_ = true;
  replay();
}

void EventStream::replay() {
  while (replaying_ && stream_ && !reading_) {
    if (stream_->held() > opts_.max_queued / 2) {
      stream_->notify_space();  // on_space() goes on
      return;
    }
    const store::EventRange q{owner_, replay_after_, kPageEvents, kPageBytes};
    std::string frames;
    std::size_t count = 0;
    store::EventPage page;
    const store::ReadStatus st = reader_->events(
        q,
        [&](const store::EventView& e) {
          if (append_event_frame(frames, e.id, e.kind, e.data)) ++count;
        },
        page);
    if (st == store::ReadStatus::kWouldBlock) return read_async(q);
    if (!replayed(st, std::move(frames), count, page)) return;
  }
}

// A backend whose reads answer later (not SQLite's): the page comes back on
// this stream's thread, if the stream is still open.
void EventStream::read_async(const store::EventRange& q) {
  reading_ = true;
  reader_->events_async(q, [weak = weak_from_this(), loop = slot_.loop](store::EventsRead&& r) {
    auto read = std::make_shared<store::EventsRead>(std::move(r));
    loop.post([weak, read] {
      std::shared_ptr<EventStream> self = weak.lock();
      if (!self) return;
      self->reading_ = false;
      std::string frames;
      std::size_t count = 0;
      for (const store::LoggedEvent& e : read->events) {
        if (append_event_frame(frames, e.id, e.kind, e.data)) ++count;
      }
      if (self->replayed(read->status, std::move(frames), count, read->page)) self->replay();
    });
  });
}

bool EventStream::replayed(store::ReadStatus st, std::string&& frames, std::size_t count,
                           const store::EventPage& page) {
  if (!stream_ || ended_) return false;
  if (st != store::ReadStatus::kOk) {
    // The client reconnects with the same Last-Event-ID and tries again.
    ended_ = true;
    stream_->end();
    return false;
  }
  if (first_page_) {
    first_page_ = false;
    const bool behind = replay_after_ < page.pruned_through;
    if (behind || replay_after_ > page.newest) {
      // Events it missed are gone (or it knows ids this log never gave):
      // it must refetch, and goes on after the newest event.
      last_id_ = page.newest;
      const ResetReason why = behind ? ResetReason::kWindow : ResetReason::kAhead;
      if (!write(shared(reset_frame(page.newest, why)), page.newest, 0)) return false;
      finish_replay(page.newest);
      return false;
    }
  }
  if (count > 0 && !write(shared(std::move(frames)), page.last, count)) return false;
  if (page.more) {
    replay_after_ = page.last;
    return true;
  }
  finish_replay(page.newest);
  return false;
}

void EventStream::finish_replay(std::int64_t newest) {
  replaying_ = false;
  last_id_ = std::max(last_id_, newest);
  std::vector<EventFrame> pending;
  pending.swap(pending_);
  pending_bytes_ = 0;
  for (const EventFrame& f : pending) deliver(f);
}

void EventStream::deliver(const EventFrame& f) {
  if (!stream_ || ended_ || f.id <= last_id_) return;
  if (replaying_) {
    pending_bytes_ += f.bytes->size();
    if (pending_bytes_ + stream_->held() > opts_.max_queued) return overflow(f.id);
    pending_.push_back(f);
    return;
  }
  write(f.bytes, f.id, 1);
}

void EventStream::missed(std::int64_t through) {
  if (!stream_ || ended_ || replaying_ || through <= last_id_) return;
  write(shared(reset_frame(through, ResetReason::kWindow)), through, 0);
}

bool EventStream::write(http::SharedBytes bytes, std::int64_t id, std::size_t count) {
  switch (stream_->write(std::move(bytes))) {
    case http::Stream::Write::kQueued:
      last_id_ = std::max(last_id_, id);
      if (count)
        slot_.sent.store(slot_.sent.load(std::memory_order_relaxed) + count,
                         std::memory_order_relaxed);
      return true;
    case http::Stream::Write::kFull:
      overflow(id);
      return false;
    case http::Stream::Write::kClosed:
      break;
  }
  return false;
}

// The client cannot keep up: it is told to refetch, after `id` (the newest
// event it was to be sent), and the stream closes.
void EventStream::overflow(std::int64_t id) {
  slot_.overflows.store(slot_.overflows.load(std::memory_order_relaxed) + 1,
                        std::memory_order_relaxed);
  ended_ = true;
  replaying_ = false;
  pending_.clear();
  pending_bytes_ = 0;
  stream_->end(shared(reset_frame(id, ResetReason::kOverflow)));
}

void EventStream::on_space() {
  if (replaying_) replay();
}

}  // namespace brisk::tasks
