// HS256 JWT access tokens (RFC 7519; HMAC-SHA256 from libsodium). Claims:
// sub (the user's UUID), iat, exp.
// Verification refuses every algorithm but HS256 (alg "none" included)
// before any signature work, and says which check failed.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace brisk::auth {

inline constexpr std::int64_t kTokenLifetimeSeconds = 3600;

enum class TokenError {
  kNone,
  kMalformed,    // not three base64url parts of JSON, or a claim missing
  kAlgorithm,    // alg is not HS256
  kSignature,    // signed with another key, or altered
  kExpired,      // exp is past
  kNotYetValid,  // iat in the future (beyond clock skew) or nbf not reached
};

// Client-visible text for a failure; never includes the key or the token.
std::string_view describe(TokenError e);

struct VerifiedToken {
  TokenError error = TokenError::kMalformed;
  std::string subject;
  std::int64_t expires_at = 0;  // Unix seconds
};

class TokenCodec {
 public:
  explicit TokenCodec(std::string key) : key_(std::move(key)) {}
  std::string issue(std::string_view subject, std::int64_t now_seconds) const;
  VerifiedToken verify(std::string_view token, std::int64_t now_seconds) const;

 private:
  std::string key_;  // 32 bytes
};

}  // namespace brisk::auth
