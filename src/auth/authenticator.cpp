#include "auth/authenticator.hpp"

#include <ctime>
#include <string>
#include <unordered_map>

#include "http/problem.hpp"
#include "util/text.hpp"

namespace brisk::auth {

namespace {
struct CachedToken {
  store::Owner owner;
  util::Uuid id;
  std::int64_t expires_at;
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
}  // namespace

void reply_unauthorized(http::Exchange& ex, std::string_view why, bool missing) {
  http::ResponseBuilder rb = ex.respond(401);
  // RFC 6750 3: no error code when the request had no credentials.
  rb.header("WWW-Authenticate",
            missing ? "Bearer realm=\"brisk\"" : "Bearer realm=\"brisk\", error=\"invalid_token\"");
  http::write_problem(rb, why);
}

bool Authenticator::resolve(http::Exchange& ex, store::Owner& owner, util::Uuid& id,
                            std::string_view& why, bool& missing) const {
  std::string_view token = bearer_token(ex.request().authorization, missing);
  if (token.empty()) {
    why = missing ? "authentication required: send Authorization: Bearer <token> (POST /auth/token)"
                  : "the Authorization header must be 'Bearer <token>'";
    return false;
  }
  const std::int64_t now = std::time(nullptr);
  if (auto it = t_cache.find(token); it != t_cache.end()) {
    if (now < it->second.expires_at) {
      owner = it->second.owner;
      id = it->second.id;
      return true;
    }
    t_cache.erase(it);
  }
  VerifiedToken v = tokens_.verify(token, now);
  if (v.error != TokenError::kNone) {
    why = describe(v.error);
    return false;
  }
  store::UserRow user;
  if (!util::parse_uuid(v.subject, id) ||
      store_.reader(ex.worker_index()).user_by_id(id, user) != store::ReadStatus::kOk) {
    why = "the bearer token's user does not exist";
    return false;
  }
  if (t_cache.size() >= kCacheLimit) t_cache.clear();
  t_cache.emplace(std::string(token), CachedToken{user.owner, id, v.expires_at});
  owner = user.owner;
  return true;
}

bool Authenticator::authenticate(http::Exchange& ex, store::Owner& owner) const {
  if (!required_) {
    owner = store::kLocalOwner;
    return true;
  }
  util::Uuid id;
  std::string_view why;
  bool missing = false;
  if (resolve(ex, owner, id, why, missing)) return true;
  reply_unauthorized(ex, why, missing);
  return false;
}

bool Authenticator::authenticate_user(http::Exchange& ex, store::UserRow& user) const {
  store::Owner owner;
  util::Uuid id;
  std::string_view why;
  bool missing = false;
  if (!resolve(ex, owner, id, why, missing)) {
    reply_unauthorized(ex, why, missing);
    return false;
  }
  if (store_.reader(ex.worker_index()).user_by_id(id, user) != store::ReadStatus::kOk) {
    reply_unauthorized(ex, "the bearer token's user does not exist", false);
    return false;
  }
  return true;
}

}  // namespace brisk::auth
