// The writer's account administration and import commands (brisk user ...,
// brisk import), apart from the request path's writes in writer.cpp. Runs
// inside the writer's transaction, on the writer's connection.
#pragma once
#include "store/commands.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/task_rows.hpp"

namespace brisk::store::sqlite {

class AdminWrites {
 public:
  explicit AdminWrites(Db& db);  // db at schema 6 or later
  WriteResult update_user(const UpdateUser& u);
  WriteResult delete_user(const DeleteUser& d);
  // Inserts the row (and its index rows) through `rows`, unless its id exists.
  WriteResult import_task(const ImportTask& t, TaskRows& rows);

 private:
  Db& db_;
  Stmt user_exists_, set_hash_, set_disabled_, count_tasks_, delete_user_, delete_keys_;
  Stmt task_exists_;
};

}  // namespace brisk::store::sqlite
