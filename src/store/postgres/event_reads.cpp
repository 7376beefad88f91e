// PgReader's read of the event log (store/events.hpp), for a stream's
// replay: like the other reads, one prepared statement on the loop's
// pipeline, answered through the callback.
#include <algorithm>

#include "store/postgres/event_sql.hpp"
#include "store/postgres/reader.hpp"

namespace brisk::store::postgres {

namespace {

// The page from events_page_sql()'s rows (the last one only tells whether
// there is more), with the limits of the SQLite reader: at most
// `max_events`, and stopping after the event that brings the data read to
// q.max_bytes.
EventsRead page_of(const PGresult* r, ReadStatus st, const EventRange& q, std::size_t max_events) {
  EventsRead out;
  out.status = st;
  if (st != ReadStatus::kOk) return out;
  const int rows = PQntuples(r);
  if (rows < 1) {
    out.status = ReadStatus::kError;  // the event_log row is missing
    return out;
  }
  out.page.pruned_through = int64_of(r, 0, 0);
  out.page.newest = int64_of(r, 0, 1);
  std::size_t bytes = 0;
  for (int i = 0; i < rows && !PQgetisnull(r, i, 2); ++i) {
    if (out.events.size() == max_events || bytes >= q.max_bytes) {
      out.page.more = true;
      break;
    }
    LoggedEvent e{int64_of(r, i, 2), q.owner, static_cast<std::uint8_t>(int64_of(r, i, 3)),
                  std::string(text_of(r, i, 4))};
    bytes += e.data.size();
    out.page.last = e.id;
    out.events.push_back(std::move(e));
  }
  return out;
}

}  // namespace

void PgReader::events_async(const EventRange& q, ReadDone<EventsRead> done) {
  run([this, q, done = std::move(done)]() mutable {
    Link* l = detached_ ? nullptr : pick();
    if (!l) {
      EventsRead out;
      out.status = ReadStatus::kUnavailable;
      return done(std::move(out));
    }
    const std::size_t max_events = std::max<std::size_t>(1, q.max_events);
    Params p;
    // One more row than asked: whether there is more after the page.
    p.integer(q.owner).integer(q.after).integer(static_cast<std::int64_t>(max_events + 1));
    static const Statement page{"events_page", events_page_sql()};
    send(*l, page, p, [q, max_events, done = std::move(done)](const PGresult* r, ReadStatus st) {
      done(page_of(r, st, q, max_events));
    });
  });
}

}  // namespace brisk::store::postgres
