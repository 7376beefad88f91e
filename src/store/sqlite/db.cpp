#include "store/sqlite/db.hpp"

#include <stdexcept>

namespace brisk::store::sqlite {

std::string Db::open(const std::string& path, int flags, const char* vfs) {
  int rc = sqlite3_open_v2(path.c_str(), &h_, flags, vfs);
  if (rc != SQLITE_OK) {
    std::string why = h_ ? sqlite3_errmsg(h_) : sqlite3_errstr(rc);
    sqlite3_close_v2(h_);
    h_ = nullptr;
    return why;
  }
  sqlite3_extended_result_codes(h_, 1);
  return {};
}

std::string Db::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(h_, s.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return {};
  std::string why = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  return why;
}

Stmt Db::prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(h_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) throw std::runtime_error("prepare failed: " + error());
  return Stmt(s);
}

Stmt Db::prepare_checked(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(h_, sql.data(), static_cast<int>(sql.size()), &s, nullptr);
  return Stmt(s);
}

}  // namespace brisk::store::sqlite
