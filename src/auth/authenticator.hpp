// Who is calling: resolves `Authorization: Bearer <token>` to an owner, or
// answers 401 with WWW-Authenticate. With --auth off every request is the
// built-in local owner. Verified tokens are cached per thread (keyed by the
// whole token, kept until they expire), so a request with a known token
// costs a hash lookup rather than an HMAC and a user read.
#pragma once
#include <cstdint>
#include <string_view>

#include "auth/token.hpp"
#include "http/exchange.hpp"
#include "store/store.hpp"

namespace brisk::auth {

class Authenticator {
 public:
  Authenticator(bool required, const TokenCodec& tokens, store::Store& store)
      : required_(required), tokens_(tokens), store_(store) {}
  bool required() const { return required_; }
  // The caller's owner. False when the request is taken care of instead:
  // answered 401, or deferred while the token's user is looked up (the
  // handler then runs again, through Exchange::redispatch, and finds it).
  bool authenticate(http::Exchange& ex, store::Owner& owner) const;
  // The caller's user id (auth required only); false as above.
  bool authenticate_id(http::Exchange& ex, util::Uuid& id) const;
  // For a long-lived response (GET /tasks/events): as authenticate(), and
  // the token's expiry (Unix seconds; 0 with auth off: none). The token is
  // the Authorization header's or, when there is none, `query_token` (the
  // access_token parameter: a browser's EventSource cannot send headers).
  bool authenticate_until(http::Exchange& ex, std::string_view query_token, store::Owner& owner,
                          std::int64_t& expires_at) const;

 private:
  enum class Outcome { kResolved, kTakenCareOf };
  struct Caller {
    store::Owner owner = 0;
    util::Uuid id;
    std::int64_t expires_at = 0;
  };
  Outcome resolve(http::Exchange& ex, std::string_view query_token, Caller& who) const;
  bool required_;
  const TokenCodec& tokens_;
  store::Store& store_;
};

// Answers 401 with the WWW-Authenticate challenge of RFC 6750.
// RFC 6750 3: the challenge names an error only when credentials were sent.
enum class Credentials401 : std::uint8_t { kNone, kInvalid };
void reply_unauthorized(http::Exchange& ex, std::string_view why, Credentials401 sent);

}  // namespace brisk::auth
