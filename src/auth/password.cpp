#include "auth/password.hpp"

#include <sodium.h>

#include <mutex>

namespace brisk::auth {

std::string hash_password(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return {};
  }
  return out;
}

bool verify_password(std::string_view encoded_hash, std::string_view password) {
  std::string h(encoded_hash);  // libsodium wants a NUL-terminated string
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool verify_password_for_unknown_user(std::string_view password) {
  static std::once_flag once;
  static std::string dummy;
  std::call_once(once, [] {
    unsigned char random[16];
    randombytes_buf(random, sizeof random);
    dummy = hash_password(std::string_view(reinterpret_cast<char*>(random), sizeof random));
  });
  verify_password(dummy, password);
  return false;
}

}  // namespace brisk::auth
