#include "store/sqlite_library.hpp"

#include <sqlite3.h>

#include <atomic>
#include <mutex>

namespace brisk::store {

namespace {
std::atomic<SqliteLogHandler> log_handler{nullptr};

void forward_log(void*, int rc, const char* message) {
  if (SqliteLogHandler h = log_handler.load(std::memory_order_acquire)) h(rc, message);
}
}  // namespace

void set_sqlite_log_handler(SqliteLogHandler handler) {
  log_handler.store(handler, std::memory_order_release);
}

void configure_sqlite_library() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Each connection is used by one thread at a time: no per-connection mutex.
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    // Memory statistics take a global mutex on every malloc; brisk does not read them.
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    // Lookaside: small per-connection allocations without malloc.
    sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 256, 256);
    // The error log can only be set before SQLite starts: a forwarder.
    sqlite3_config(SQLITE_CONFIG_LOG, forward_log, nullptr);
    sqlite3_initialize();
  });
}

}  // namespace brisk::store
