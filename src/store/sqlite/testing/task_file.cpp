#include "store/sqlite/testing/task_file.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include "store/sqlite/collation.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/sqlite/task_rows.hpp"

namespace brisk::store::sqlite::task_file {

std::string temp_path(std::string_view name) {
  return ::testing::TempDir() + "/brisk-" + std::string(name) + "-" + std::to_string(::getpid()) +
         ".db";
}

std::string write(const std::string& path, int count, const std::function<TaskRow(int)>& make) {
  open_sqlite_store({path, 1})->stop();
  Db db;
  if (std::string err = db.open(path, SQLITE_OPEN_READWRITE, nullptr); !err.empty()) return err;
  if (!register_extensions(db.get())) return "cannot register brisk's extensions";
  if (std::string err = db.exec("BEGIN"); !err.empty()) return err;
  TaskRows rows(db);
  for (int i = 0; i < count; ++i) {
    if (!rows.insert(make(i))) return "task " + std::to_string(i) + ": " + db.error();
  }
  return db.exec("COMMIT");
}

std::string open_reader(Db& db, const std::string& path) {
  if (std::string err = db.open(path, SQLITE_OPEN_READONLY, nullptr); !err.empty()) return err;
  return register_extensions(db.get()) ? "" : "cannot register brisk's extensions";
}

void remove(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) ::unlink((path + suffix).c_str());
}

}  // namespace brisk::store::sqlite::task_file
