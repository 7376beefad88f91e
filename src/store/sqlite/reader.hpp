// A read connection for one event-loop thread. Reads run on the thread that
// serves the request: a SQLite point read costs about as much as a context
// switch would, and WAL lets readers proceed while the writer commits.
// Lists that may be costly do not: a search, and any list that goes over
// kInlineListSteps, go to the costly-read pool (read_pool.hpp), so that one
// slow list never delays the other connections of the thread.
#pragma once
#include <string>

#include "store/sqlite/db.hpp"
#include "store/sqlite/lister.hpp"
#include "store/store.hpp"
#include "store/task_cache.hpp"

namespace brisk::store::sqlite {

class Health;
class ReadPool;

// SQLite VM steps a list may take on an event loop (about 15 ms of work: a
// hedged walk's budget, kWalkBudgetSteps, and some of its fallback); over
// it, the list is run again on the costly-read pool.
inline constexpr int kInlineListSteps = 150'000;

class SqliteReader final : public Reader {
 public:
  // Throws std::runtime_error if the connection cannot be opened.
  // `cache` (shared, may be null) serves repeated point reads. `pool` (may
  // be null: then every list runs here, without limits) runs costly lists.
  // While `health` (may be null) records a fault (a corrupt or deleted
  // file), a failed read answers kUnavailable (503), not kError (500).
  SqliteReader(const std::string& path, const char* vfs, TaskCache* cache, ReadPool* pool = nullptr,
               const Health* health = nullptr);
  ReadStatus get(Owner owner, const util::Uuid& id, std::string_view& json,
                 std::int64_t& version) override;
  ReadStatus list(const ListSpec& q, const std::function<void(std::string_view)>& row,
                  ListPage& page) override;
  void list_async(const ListSpec& q, ReadDone<ListRead> done, ReadWaiter waiter) override;
  // A list under `limits`, on this connection (the pool's threads).
  ReadStatus list_limited(const ListSpec& q, const std::function<void(std::string_view)>& row,
                          ListPage& page, const ListLimits& limits) {
    return checked(lister_.list(q, row, page, limits));
  }
  bool ping() override;
  ReadStatus user_by_name(std::string_view username, UserRow& out) override;
  ReadStatus user_by_id(const util::Uuid& id, UserRow& out) override;
  ReadStatus events(const EventRange& q, const std::function<void(const EventView&)>& event,
                    EventPage& page) override;

 private:
  Db db_;
  TaskCache* cache_;
  ReadPool* pool_;
  Stmt get_;
  Stmt ping_;
  Stmt user_by_name_, user_by_id_;
  Stmt begin_, end_, event_bounds_, event_page_;
  ReadStatus read_user(Stmt& s, UserRow& out);
  // `st`, or kUnavailable for a kError while the store has a fault.
  ReadStatus checked(ReadStatus st) const;
  const Health* health_;
  Lister lister_{db_};
  std::string json_;  // the last get()'s JSON, copied out before the read ends
};

}  // namespace brisk::store::sqlite
