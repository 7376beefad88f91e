// A read connection for one event-loop thread. Reads run on the thread that
// serves the request: a SQLite point read costs about as much as a context
// switch would, and WAL lets readers proceed while the writer commits.
#pragma once
#include <string>

#include "store/sqlite/db.hpp"
#include "store/sqlite/lister.hpp"
#include "store/store.hpp"
#include "store/task_cache.hpp"

namespace brisk::store::sqlite {

class SqliteReader final : public Reader {
 public:
  // Throws std::runtime_error if the connection cannot be opened.
  // `cache` (shared, may be null) serves repeated point reads.
  SqliteReader(const std::string& path, const char* vfs, TaskCache* cache);
  ReadStatus get(Owner owner, const util::Uuid& id, std::string_view& json,
                 std::int64_t& version) override;
  ReadStatus list(const ListSpec& q, const std::function<void(std::string_view)>& row,
                  ListPage& page) override;
  bool ping() override;
  ReadStatus user_by_name(std::string_view username, UserRow& out) override;
  ReadStatus user_by_id(const util::Uuid& id, UserRow& out) override;
  ReadStatus events(const EventRange& q, const std::function<void(const EventView&)>& event,
                    EventPage& page) override;

 private:
  Db db_;
  TaskCache* cache_;
  Stmt get_;
  Stmt ping_;
  Stmt user_by_name_, user_by_id_;
  Stmt begin_, end_, event_bounds_, event_page_;
  ReadStatus read_user(Stmt& s, UserRow& out);
  Lister lister_{db_};
  std::string json_;  // the last get()'s JSON, copied out before the read ends
};

}  // namespace brisk::store::sqlite
