// An account as the store keeps it. `owner` is the key its tasks carry,
// assigned by the store on insert; the rest is decided by src/auth.
#pragma once
#include <array>
#include <cstdint>
#include <string>

#include "store/columns.hpp"
#include "store/owner.hpp"
#include "util/uuid.hpp"

namespace brisk::store {

struct UserRow {
  Owner owner = 0;
  util::Uuid id;
  std::string username;
  std::string password_hash;
  std::int64_t created_at = 0;  // Unix ms
  std::int64_t disabled = 0;    // 1: may not log in, tokens refused
};

// The users table's columns written on insert (owner is generated).
inline constexpr std::array<Column<UserRow>, 5> kUserColumns{{
    {"id", &UserRow::id},
    {"username", &UserRow::username},
    {"password_hash", &UserRow::password_hash},
    {"created_at", &UserRow::created_at},
    {"disabled", &UserRow::disabled},
}};

}  // namespace brisk::store
