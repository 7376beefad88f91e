#include "auth/token.hpp"

#include <sodium.h>

#include <simdjson.h>

#include "util/json_writer.hpp"
#include "util/text.hpp"

namespace brisk::auth {

namespace {
constexpr std::size_t kMaxTokenBytes = 4096;
constexpr std::int64_t kClockSkewSeconds = 60;

// base64url of {"alg":"HS256","typ":"JWT"}: every token brisk issues has it.
constexpr std::string_view kHeader = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

// HMAC-SHA256 of `signing_input` (header.payload) with `key`.
void sign(std::string_view key, std::string_view signing_input,
          unsigned char mac[crypto_auth_hmacsha256_BYTES]) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(signing_input.data()),
                                signing_input.size());
  crypto_auth_hmacsha256_final(&st, mac);
}

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
  std::string claims;
  util::JsonWriter w(claims);
  w.StartObject();
  w.Key("sub");
  w.String(subject);
  w.Key("iat");
  w.Int64(now);
  w.Key("exp");
  w.Int64(now + kTokenLifetimeSeconds);
  w.EndObject();
  std::string token(kHeader);
  token += '.';
  token += util::base64url_encode(claims);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  sign(key_, token, mac);
  token += '.';
  token += util::base64url_encode(std::string_view(reinterpret_cast<char*>(mac), sizeof mac));
  return token;
}

VerifiedToken TokenCodec::verify(std::string_view token, std::int64_t now) const {
  VerifiedToken v;
  if (token.empty() || token.size() > kMaxTokenBytes) return v;
  auto d1 = token.find('.');
  auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) return v;
  std::string_view header = token.substr(0, d1);
  std::string_view payload = token.substr(d1 + 1, d2 - d1 - 1);

  // The header decides nothing but must say HS256: checked before any
  // signature work, so "none" and other algorithms are refused as such.
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

  // The signature: HMAC-SHA256 over "header.payload", compared in constant time.
  std::string sig;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  sign(key_, token.substr(0, d2), mac);
  if (!util::base64url_decode(token.substr(d2 + 1), sig) || sig.size() != sizeof mac ||
      sodium_memcmp(mac, sig.data(), sizeof mac) != 0) {
    v.error = TokenError::kSignature;
    return v;
  }
  // Claims from the payload parsed above (obj and buf are untouched since).
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
