// The Store and Reader defaults (store.hpp): async reads answered inline by
// the direct ones, and scans a backend does not offer. The async reads take
// `done` by value, as the interface does (a backend that answers later keeps
// it), although these only call it: hence the NOLINTs.
#include "store/store.hpp"

#include <stdexcept>

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
void Reader::list_async(const ListSpec& q, ReadDone<ListRead> done, ReadWaiter /*waiter*/) {
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

void Store::scan_users(const std::function<void(const UserRow&)>&) {
  throw std::runtime_error("listing users is not supported by this backend");
}

void Store::scan_tasks(std::optional<Owner>, const std::function<void(Owner, std::string_view)>&) {
  throw std::runtime_error("scanning tasks is not supported by this backend");
}

void Store::backup_to(const std::string&) {
  throw std::runtime_error("this backend has no backup of its own (PostgreSQL: use pg_dump)");
}

}  // namespace brisk::store
