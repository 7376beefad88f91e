// The tasks row as the writer stores it, shared with tools that load tasks
// in bulk (bench/load_tasks.cpp) so that their rows are exactly brisk's.
#pragma once
#include <string_view>

#include "store/list_query.hpp"
#include "store/sqlite/db.hpp"
#include "tasks/task.hpp"

namespace brisk::store::sqlite {

inline constexpr std::string_view kInsertTaskSql =
    "INSERT INTO tasks (id, owner, status, priority, due_at, title, created_at, updated_at, "
    "version, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

// Runs `insert` (prepared from kInsertTaskSql) for task `t` of `owner`,
// served as `json` (tasks::serialize(t)). True on success. The triggers of
// 002_query.sql index its tags and text in the same transaction.
bool insert_task(Stmt& insert, Owner owner, const tasks::Task& t, std::string_view json);

}  // namespace brisk::store::sqlite
