// Process-wide SQLite settings. SQLite is more than the embedded backend:
// its unicode61 tables define what a search word is for every backend
// (tokenizer.hpp), so the settings live here, below both.
#pragma once

namespace brisk::store {

// Must run before any SQLite connection opens (idempotent, thread-safe).
// Turns off memory statistics (a global mutex per malloc), sets lookaside
// defaults and multi-thread mode (one connection per thread at a time).
void configure_sqlite_library();

// Receives every message of SQLite's error log (sqlite3_log: corruption met,
// I/O errors...) from any thread, inside the failing SQLite call: it must not
// call SQLite. Null: dropped. The SQLite backend sets it (sqlite/health.hpp)
// to notice corruption found by any connection.
using SqliteLogHandler = void (*)(int rc, const char* message);
void set_sqlite_log_handler(SqliteLogHandler handler);

}  // namespace brisk::store
