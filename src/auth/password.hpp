// Argon2id password hashing (libsodium crypto_pwhash_str, interactive
// limits: 2 passes, 64 MiB). Slow by design: call from a WorkPool thread.
#pragma once
#include <string>
#include <string_view>

namespace brisk::auth {

// The encoded hash ("$argon2id$v=19$m=65536,t=2,p=1$..."); empty on failure
// (out of memory).
std::string hash_password(std::string_view password);

// Constant-time verification against an encoded hash.
bool verify_password(std::string_view encoded_hash, std::string_view password);

// Spends the same work as verify_password against a real hash, for unknown
// usernames, so timing does not reveal which usernames exist. Always false.
bool verify_password_for_unknown_user(std::string_view password);

}  // namespace brisk::auth
