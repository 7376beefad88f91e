#include "auth/authenticator.hpp"

#include <algorithm>
#include <ctime>
#include <string>
#include <unordered_map>

#include "auth/store_reads.hpp"
#include "http/problem.hpp"
#include "util/text.hpp"

namespace brisk::auth {

namespace {
struct CachedToken {
  store::Owner owner;
  util::Uuid id;
  std::int64_t recheck_at;  // trusted until then (kRecheckSeconds)
  std::int64_t expires_at;  // the token's own expiry
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Per thread: no locking. Bounded; cleared when full (re-verification is
// cheap, the cache only saves the common case).
constexpr std::size_t kCacheLimit = 4096;
thread_local std::unordered_map<std::string, CachedToken, StringHash, std::equal_to<>> t_cache;

std::string_view bearer_token(std::string_view header, bool& missing) {
  missing = header.empty();
  if (header.size() < 7 || !util::iequals(header.substr(0, 7), "bearer ")) {
    if (!header.empty()) missing = false;
    return {};
  }
  return util::trim(header.substr(7));
}

// A cached token is trusted this long before its user is read again, so
// that a disabled or deleted account's tokens stop working within it, on
// every instance (rather than when the token expires).
constexpr std::int64_t kRecheckSeconds = 30;

void remember(std::string_view token, store::Owner owner, const util::Uuid& id,
              std::int64_t expires_at) {
  const std::int64_t recheck_at =
      std::min(expires_at, static_cast<std::int64_t>(std::time(nullptr)) + kRecheckSeconds);
  if (t_cache.size() >= kCacheLimit) t_cache.clear();
  t_cache.insert_or_assign(std::string(token), CachedToken{owner, id, recheck_at, expires_at});
}
}  // namespace

void reply_unauthorized(http::Exchange& ex, std::string_view why, Credentials401 sent) {
  const bool missing = sent == Credentials401::kNone;
  http::ResponseBuilder rb = ex.respond(401);
  // RFC 6750 3: no error code when the request had no credentials.
  rb.header("WWW-Authenticate",
            missing ? "Bearer realm=\"brisk\"" : "Bearer realm=\"brisk\", error=\"invalid_token\"");
  http::write_problem(rb, why);
}

// A verified token's user, looked up once per thread and token: the store
// answers at once, or later, when the request is run again (redispatch)
// and finds the user in this thread's cache.
Authenticator::Outcome Authenticator::resolve(http::Exchange& ex, std::string_view query_token,
                                              Caller& who) const {
  bool missing = false;
  const http::HeaderField* header = ex.request().find_header("authorization");
  std::string_view token = header || query_token.empty()
                               ? bearer_token(header ? header->value : std::string_view{}, missing)
                               : query_token;
  if (token.empty()) {
    reply_unauthorized(
        ex,
        missing ? "authentication required: send Authorization: Bearer <token> (POST /auth/token)"
                : "the Authorization header must be 'Bearer <token>'",
        missing ? Credentials401::kNone : Credentials401::kInvalid);
    return Outcome::kTakenCareOf;
  }
  const std::int64_t now = std::time(nullptr);
  if (auto it = t_cache.find(token); it != t_cache.end()) {
    if (now < it->second.recheck_at) {
      who = {it->second.owner, it->second.id, it->second.expires_at};
      return Outcome::kResolved;
    }
    t_cache.erase(it);
  }
  VerifiedToken v = tokens_.verify(token, now);
  if (v.error != TokenError::kNone) {
    reply_unauthorized(ex, describe(v.error), Credentials401::kInvalid);
    return Outcome::kTakenCareOf;
  }
  util::Uuid id;
  if (!util::parse_uuid(v.subject, id)) {
    reply_unauthorized(ex, "the bearer token's user does not exist", Credentials401::kInvalid);
    return Outcome::kTakenCareOf;
  }
  store::Reader& reader = store_.reader(ex.worker_index());
  store::UserRow user;
  store::ReadStatus st = reader.user_by_id(id, user);
  if (st == store::ReadStatus::kWouldBlock) {
    http::Deferred d = ex.defer();
    reader.user_by_id_async(id, [d, token = std::string(token),
                                 expires = v.expires_at](store::UserRead&& u) mutable {
      d.complete([u = std::move(u), token = std::move(token), expires](http::Exchange& ex2) {
        if (u.status == store::ReadStatus::kUnavailable) return reply_unavailable(ex2);
        if (u.status != store::ReadStatus::kOk || u.user.disabled) {
          return reply_unauthorized(ex2, "the bearer token's user does not exist or is disabled",
                                    Credentials401::kInvalid);
        }
        remember(token, u.user.owner, u.user.id, expires);
        ex2.redispatch();  // finds the token in this thread's cache now
      });
    });
    return Outcome::kTakenCareOf;
  }
  if (st != store::ReadStatus::kOk || user.disabled) {
    reply_unauthorized(ex, "the bearer token's user does not exist or is disabled",
                       Credentials401::kInvalid);
    return Outcome::kTakenCareOf;
  }
  remember(token, user.owner, id, v.expires_at);
  who = {user.owner, id, v.expires_at};
  return Outcome::kResolved;
}

bool Authenticator::authenticate(http::Exchange& ex, store::Owner& owner) const {
  if (!required_) {
    owner = store::kLocalOwner;
    return true;
  }
  Caller who;
  if (resolve(ex, {}, who) != Outcome::kResolved) return false;
  owner = who.owner;
  return true;
}

bool Authenticator::authenticate_id(http::Exchange& ex, util::Uuid& id) const {
  Caller who;
  if (resolve(ex, {}, who) != Outcome::kResolved) return false;
  id = who.id;
  return true;
}

bool Authenticator::authenticate_until(http::Exchange& ex, std::string_view query_token,
                                       store::Owner& owner, std::int64_t& expires_at) const {
  if (!required_) {
    owner = store::kLocalOwner;
    expires_at = 0;
    return true;
  }
  Caller who;
  if (resolve(ex, query_token, who) != Outcome::kResolved) return false;
  owner = who.owner;
  expires_at = who.expires_at;
  return true;
}

}  // namespace brisk::auth
