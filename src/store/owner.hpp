// Who a row belongs to: the users table's integer key. Every task row, list
// and idempotency record is scoped by one.
#pragma once
#include <cstdint>

namespace brisk::store {

using Owner = std::int64_t;
// The owner of every task when authentication is off.
inline constexpr Owner kLocalOwner = 0;

}  // namespace brisk::store
