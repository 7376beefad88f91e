#include "store/sqlite_library.hpp"

#include <sqlite3.h>

#include <mutex>

namespace brisk::store {

void configure_sqlite_library() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Each connection is used by one thread at a time: no per-connection mutex.
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    // Memory statistics take a global mutex on every malloc; brisk does not read them.
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    // Lookaside: small per-connection allocations without malloc.
    sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 256, 256);
    sqlite3_initialize();
  });
}

}  // namespace brisk::store
