// The bearer token verifier (auth::TokenCodec::verify).
//
// The input chooses one of three uses:
// 0. raw text as a token: it never verifies (no forgery without the key);
// 1. a header and a payload of the input's choosing, signed with the key
//    (HS256 over their base64url text), then possibly one byte changed:
//    an unchanged token verifies exactly when an independent reading of it
//    says it should (alg exactly "HS256", sub a non-empty string, exp and
//    iat integers, nbf absent or an integer, not expired, not issued in the
//    future beyond the skew), and then its subject and expiry are the ones
//    signed; a changed token never verifies; any other alg, "none"
//    included, never verifies however it is signed;
// 2. the same signed with another key: never verifies.
// And a token issued for a subject verifies to that subject.
#include <sodium.h>

#include <cstdint>
#include <string>
#include <string_view>

#include <fuzzer/FuzzedDataProvider.h>
#include <simdjson.h>

#include "auth/token.hpp"
#include "check.hpp"
#include "util/text.hpp"

namespace {

using namespace brisk;

constexpr std::int64_t kNow = 1'790'000'000;
const std::string kKey(32, 'j');

const auth::TokenCodec& codec() {
  static const auth::TokenCodec c(kKey);
  return c;
}

std::string signed_token(std::string_view header, std::string_view payload, std::string_view key) {
  std::string t = util::base64url_encode(header) + "." + util::base64url_encode(payload);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(t.data()), t.size());
  crypto_auth_hmacsha256_final(&st, mac);
  return t + "." + util::base64url_encode({reinterpret_cast<char*>(mac), sizeof mac});
}

struct Expected {
  bool valid = false;
  std::string sub;
  std::int64_t exp = 0;
};

// An independent reading of what verify() must accept.
Expected expected(const std::string& header, const std::string& payload) {
  Expected e;
  simdjson::dom::parser parser;
  simdjson::dom::object h;
  if (parser.parse(header).get_object().get(h)) return e;
  std::string_view alg;
  if (h["alg"].get_string().get(alg) || alg != "HS256") return e;
  simdjson::dom::parser parser2;
  simdjson::dom::object p;
  if (parser2.parse(payload).get_object().get(p)) return e;
  std::string_view sub;
  std::int64_t exp = 0, iat = 0, nbf = 0;
  if (p["sub"].get_string().get(sub) || sub.empty() || p["exp"].get_int64().get(exp) ||
      p["iat"].get_int64().get(iat)) {
    return e;
  }
  auto n = p["nbf"];
  const bool has_nbf = n.error() != simdjson::NO_SUCH_FIELD;
  if (has_nbf && n.get_int64().get(nbf)) return e;
  if (kNow >= exp || iat > kNow + 60 || (has_nbf && nbf > kNow + 60)) return e;
  e.valid = true;
  e.sub = sub;
  e.exp = exp;
  return e;
}

void check_signed(FuzzedDataProvider& in, bool right_key) {
  const std::string header = in.ConsumeRandomLengthString(256);
  const std::string payload = in.ConsumeRandomLengthString(512);
  const bool change = in.ConsumeBool();
  const std::size_t at = in.ConsumeIntegral<std::size_t>();
  const auto to = in.ConsumeIntegral<char>();
  std::string token = signed_token(header, payload, right_key ? kKey : std::string(32, 'x'));
  bool changed = false;
  if (change && !token.empty() && token[at % token.size()] != to) {
    token[at % token.size()] = to;
    changed = true;
  }
  const auth::VerifiedToken v = codec().verify(token, kNow);
  if (!right_key || changed) {
    FUZZ_CHECK(v.error != auth::TokenError::kNone);
    return;
  }
  const Expected e = expected(header, payload);
  // Tokens over 4 KiB are refused whatever they hold.
  const bool fits = token.size() <= 4096;
  FUZZ_CHECK((v.error == auth::TokenError::kNone) == (e.valid && fits));
  if (v.error == auth::TokenError::kNone) FUZZ_CHECK(v.subject == e.sub && v.expires_at == e.exp);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  FuzzedDataProvider in(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      const std::string token = in.ConsumeRemainingBytesAsString();
      FUZZ_CHECK(codec().verify(token, kNow).error != auth::TokenError::kNone);
      return 0;
    }
    case 1:
      check_signed(in, true);
      return 0;
    case 2:
      check_signed(in, false);
      return 0;
    default: {
      const std::string sub = in.ConsumeRemainingBytesAsString();
      if (sub.empty() || !util::utf8_valid(sub)) return 0;
      const std::string token = codec().issue(sub, kNow);
      const auth::VerifiedToken v = codec().verify(token, kNow);
      if (token.size() > 4096) {  // refused whatever it holds
        FUZZ_CHECK(v.error == auth::TokenError::kMalformed);
        return 0;
      }
      FUZZ_CHECK(v.error == auth::TokenError::kNone && v.subject == sub);
      FUZZ_CHECK(v.expires_at == kNow + auth::kTokenLifetimeSeconds);
      return 0;
    }
  }
}
