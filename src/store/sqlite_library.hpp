// Process-wide SQLite settings. SQLite is more than the embedded backend:
// its unicode61 tables define what a search word is for every backend
// (tokenizer.hpp), so the settings live here, below both.
#pragma once

namespace brisk::store {

// Must run before any SQLite connection opens (idempotent, thread-safe).
// Turns off memory statistics (a global mutex per malloc), sets lookaside
// defaults and multi-thread mode (one connection per thread at a time).
void configure_sqlite_library();

}  // namespace brisk::store
