#include "auth/token.hpp"

#include <jwt.h>

#include <cerrno>
#include <cstdlib>
#include <memory>

#include <simdjson.h>

#include "util/text.hpp"

namespace brisk::auth {

namespace {
constexpr std::size_t kMaxTokenBytes = 4096;
constexpr std::int64_t kClockSkewSeconds = 60;

struct JwtFree {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;

bool base64url_json(std::string_view part, simdjson::dom::parser& parser,
                    simdjson::dom::object& obj, std::string& buf) {
  if (!util::base64url_decode(part, buf)) return false;
  simdjson::dom::element e;
  return !parser.parse(buf).get(e) && !e.get_object().get(obj);
}
}  // namespace

std::string_view describe(TokenError e) {
  switch (e) {
    case TokenError::kNone:
      return "valid";
    case TokenError::kMalformed:
      return "the bearer token is malformed";
    case TokenError::kAlgorithm:
      return "the bearer token's algorithm must be HS256";
    case TokenError::kSignature:
      return "the bearer token's signature is invalid";
    case TokenError::kExpired:
      return "the bearer token has expired";
    case TokenError::kNotYetValid:
      return "the bearer token is not valid yet";
  }
  return "the bearer token is invalid";
}

std::string TokenCodec::issue(std::string_view subject, std::int64_t now) const {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return {};
  JwtPtr jwt(raw);
  std::string sub(subject);
  if (jwt_add_grant(raw, "sub", sub.c_str()) || jwt_add_grant_int(raw, "iat", now) ||
      jwt_add_grant_int(raw, "exp", now + kTokenLifetimeSeconds) ||
      jwt_set_alg(raw, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(key_.data()),
                  static_cast<int>(key_.size()))) {
    return {};
  }
  char* encoded = jwt_encode_str(raw);
  if (!encoded) return {};
  std::string out(encoded);
  std::free(encoded);
  return out;
}

VerifiedToken TokenCodec::verify(std::string_view token, std::int64_t now) const {
  VerifiedToken v;
  if (token.empty() || token.size() > kMaxTokenBytes) return v;
  auto d1 = token.find('.');
  auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) return v;
  std::string_view header = token.substr(0, d1);
  std::string_view payload = token.substr(d1 + 1, d2 - d1 - 1);

  // The header decides nothing but must say HS256: checked before libjwt
  // sees the token, so "none" and other algorithms never reach it.
  thread_local simdjson::dom::parser parser;
  std::string buf;
  simdjson::dom::object obj;
  if (!base64url_json(header, parser, obj, buf)) return v;
  std::string_view alg;
  if (obj["alg"].get_string().get(alg)) return v;
  if (alg != "HS256") {
    v.error = TokenError::kAlgorithm;
    return v;
  }
  if (!base64url_json(payload, parser, obj, buf)) return v;

  std::string copy(token);
  jwt_t* raw = nullptr;
  int rc = jwt_decode(&raw, copy.c_str(), reinterpret_cast<const unsigned char*>(key_.data()),
                      static_cast<int>(key_.size()));
  JwtPtr jwt(raw);
  if (rc != 0 || !raw) {
    v.error = TokenError::kSignature;
    return v;
  }
  if (jwt_get_alg(raw) != JWT_ALG_HS256) {
    v.error = TokenError::kAlgorithm;
    return v;
  }
  // Claims are read from the payload brisk parsed above (obj and buf are
  // untouched since): libjwt 1.10's integer getter cannot tell a missing or
  // mistyped claim from 0.
  std::int64_t exp = 0, iat = 0, nbf = 0;
  std::string_view sub;
  if (obj["exp"].get_int64().get(exp) || obj["iat"].get_int64().get(iat) ||
      obj["sub"].get_string().get(sub) || sub.empty()) {
    return v;
  }
  auto nbf_field = obj["nbf"];
  bool has_nbf = nbf_field.error() != simdjson::NO_SUCH_FIELD;
  if (has_nbf && nbf_field.get_int64().get(nbf)) return v;
  if (now >= exp) {
    v.error = TokenError::kExpired;
    return v;
  }
  if (iat > now + kClockSkewSeconds || (has_nbf && nbf > now + kClockSkewSeconds)) {
    v.error = TokenError::kNotYetValid;
    return v;
  }
  v.error = TokenError::kNone;
  v.subject.assign(sub);
  v.expires_at = exp;
  return v;
}

}  // namespace brisk::auth
