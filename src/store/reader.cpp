// The default *_async reads (store.hpp): the direct read, answered inline.
// They take `done` by value, as the interface does (a backend that answers
// later keeps it), although these only call it: hence the NOLINTs.
#include "store/store.hpp"

namespace brisk::store {

// NOLINTNEXTLINE(performance-unnecessary-value-param)
void Reader::get_async(Owner owner, const util::Uuid& id, ReadDone<TaskRead> done) {
  TaskRead r;
  std::string_view json;
  r.status = get(owner, id, json, r.version);
  r.json.assign(json);
  done(std::move(r));
}

// NOLINTNEXTLINE(performance-unnecessary-value-param)
void Reader::list_async(const ListSpec& q, ReadDone<ListRead> done) {
  ListRead r;
  r.status = list(
      q,
      [&r](std::string_view json) {
        if (r.count++ > 0) r.rows.push_back(',');
        r.rows.append(json);
      },
      r.page);
  done(std::move(r));
}

// NOLINTNEXTLINE(performance-unnecessary-value-param)
void Reader::user_by_name_async(std::string_view username, ReadDone<UserRead> done) {
  UserRead r;
  r.status = user_by_name(username, r.user);
  done(std::move(r));
}

// NOLINTNEXTLINE(performance-unnecessary-value-param)
void Reader::user_by_id_async(const util::Uuid& id, ReadDone<UserRead> done) {
  UserRead r;
  r.status = user_by_id(id, r.user);
  done(std::move(r));
}

// NOLINTNEXTLINE(performance-unnecessary-value-param)
void Reader::events_async(const EventRange& q, ReadDone<EventsRead> done) {
  EventsRead r;
  r.status = events(
      q,
      [&r, &q](const EventView& e) {
        r.events.push_back({e.id, q.owner, e.kind, std::string(e.data)});
      },
      r.page);
  done(std::move(r));
}

}  // namespace brisk::store
