// Database files of tasks for the unit tests that read them (lister,
// relevance, read pool, query plans): made at brisk's schema, filled in one
// transaction through TaskRows as the writer fills them, opened read-only
// with brisk's SQL functions, removed with their -wal and -shm.
#pragma once
#include <functional>
#include <string>
#include <string_view>

#include "store/sqlite/db.hpp"
#include "store/task_row.hpp"

namespace brisk::store::sqlite::task_file {

// A path in the test's temporary folder unique to `name` and this process.
std::string temp_path(std::string_view name);

// Creates `path` by opening a store on it (every migration), then stores
// make(0) .. make(count - 1). "" or what failed.
std::string write(const std::string& path, int count, const std::function<TaskRow(int)>& make);

// Opens `path` read-only with brisk's extensions registered. "" or what failed.
std::string open_reader(Db& db, const std::string& path);

// Removes the file with its -wal and -shm.
void remove(const std::string& path);

}  // namespace brisk::store::sqlite::task_file
