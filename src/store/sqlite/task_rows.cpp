#include "store/sqlite/task_rows.hpp"

namespace brisk::store::sqlite {

bool insert_task(Stmt& insert, Owner owner, const tasks::Task& t, std::string_view json) {
  StmtScope s(insert);
  insert.bind_blob(1, t.id.bytes.data(), 16).bind(2, owner).bind(3, t.status).bind(4, t.priority);
  if (t.due_at) {
    insert.bind(5, *t.due_at);
  } else {
    insert.bind_null(5);
  }
  insert.bind(6, std::string_view(t.title))
      .bind(7, t.created_at)
      .bind(8, t.updated_at)
      .bind(9, t.version)
      .bind(10, json);
  return insert.step() == SQLITE_DONE;
}

}  // namespace brisk::store::sqlite
