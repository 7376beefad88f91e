// A small RAII layer over SQLite's C API: a connection and a prepared
// statement. Errors are values (Status) at this level.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace brisk::store::sqlite {

class Stmt {
 public:
  Stmt() = default;
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  Stmt(Stmt&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept {
    std::swap(s_, o.s_);
    return *this;
  }
  ~Stmt() { sqlite3_finalize(s_); }
  explicit operator bool() const { return s_ != nullptr; }

  Stmt& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Stmt& bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  Stmt& bind_blob(int i, const void* p, std::size_t n) {
    sqlite3_bind_blob(s_, i, p, static_cast<int>(n), SQLITE_STATIC);
    return *this;
  }
  Stmt& bind_null(int i) {
    sqlite3_bind_null(s_, i);
    return *this;
  }
  Stmt& bind_double(int i, double v) {
    sqlite3_bind_double(s_, i, v);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(s_); }
  // Resets and clears bindings (bound views must not outlive the statement's use).
  void reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

  std::int64_t int64(int c) const { return sqlite3_column_int64(s_, c); }
  double real(int c) const { return sqlite3_column_double(s_, c); }
  bool is_null(int c) const { return sqlite3_column_type(s_, c) == SQLITE_NULL; }
  std::string_view text(int c) const {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(s_, c));
    return {p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(s_, c))};
  }
  std::string_view blob(int c) const {
    auto p = static_cast<const char*>(sqlite3_column_blob(s_, c));
    return {p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(s_, c))};
  }
  sqlite3_stmt* get() const { return s_; }

 private:
  sqlite3_stmt* s_ = nullptr;
};

// Resets a statement when a scope ends, so no read transaction stays open.
class StmtScope {
 public:
  explicit StmtScope(Stmt& s) : s_(s) {}
  ~StmtScope() { s_.reset(); }
  StmtScope(const StmtScope&) = delete;
  StmtScope& operator=(const StmtScope&) = delete;

 private:
  Stmt& s_;
};

class Db {
 public:
  Db() = default;
  Db(Db&& o) noexcept : h_(o.h_) { o.h_ = nullptr; }
  Db& operator=(Db&& o) noexcept {
    std::swap(h_, o.h_);
    return *this;
  }
  ~Db() { sqlite3_close_v2(h_); }

  // Opens `path` with `flags` (SQLITE_OPEN_*) through `vfs` (null: default).
  // Returns an empty string on success, else the reason.
  std::string open(const std::string& path, int flags, const char* vfs);
  // Runs one or more statements; returns an empty string or the error text.
  std::string exec(std::string_view sql);
  // Prepares a long-lived statement; throws std::runtime_error on failure
  // (a bug: brisk's SQL is fixed).
  Stmt prepare(std::string_view sql);
  // Prepares a statement whose failure is an answer (a file that is not a
  // database): an empty Stmt then, with error() saying why.
  Stmt prepare_checked(std::string_view sql);
  std::string error() const { return sqlite3_errmsg(h_); }
  sqlite3* get() const { return h_; }

 private:
  sqlite3* h_ = nullptr;
};

}  // namespace brisk::store::sqlite
