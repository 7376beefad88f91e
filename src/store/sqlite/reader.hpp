// A read connection for one event-loop thread. Reads run on the thread that
// serves the request: a SQLite point read costs about as much as a context
// switch would, and WAL lets readers proceed while the writer commits.
#pragma once
#include <string>

#include "store/sqlite/db.hpp"
#include "store/sqlite/lister.hpp"
#include "store/store.hpp"

namespace brisk::store::sqlite {

class SqliteReader final : public Reader {
 public:
  // Throws std::runtime_error if the connection cannot be opened.
  SqliteReader(const std::string& path, const char* vfs);
  ReadStatus get(Owner owner, const util::Uuid& id, std::string_view& json,
                 std::int64_t& version) override;
  ReadStatus list(const ListQuery& q, const std::function<void(std::string_view)>& row,
                  ListPage& page) override;
  bool ping() override;

 private:
  Db db_;
  Stmt get_;
  Stmt ping_;
  Lister lister_{db_};
  std::string json_;  // the last get()'s JSON, copied out before the read ends
};

}  // namespace brisk::store::sqlite
