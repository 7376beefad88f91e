// Picks the store backend for a --db target and opens it: a postgres:// or
// postgresql:// URL (PostgreSQL), otherwise a SQLite file path or ":memory:".
#pragma once
#include <memory>

#include "store/store.hpp"

namespace brisk::ops {

// Throws std::runtime_error with a clear, client-safe message on failure.
std::unique_ptr<store::Store> open_store(const store::StoreOptions& opts);

}  // namespace brisk::ops
