// TokenCodec (HS256 JWT issue / verify) and LoginThrottle. Tokens are crafted
// here with libsodium's HMAC and util::base64url_encode, independently of
// libjwt, so that every failure kind can be produced exactly.
#include "auth/token.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/throttle.hpp"
#include "util/text.hpp"

namespace brisk::auth {
namespace {

constexpr std::int64_t kNow = 1795339800;  // 2026-11-22T09:30:00Z
constexpr std::string_view kSubject = "01936f4e-8a3c-7b2e-9c1d-5f0a2b3c4d5e";
constexpr std::string_view kHs256Header = R"({"alg":"HS256","typ":"JWT"})";

std::string key_of(char fill) {
  return std::string(32, fill);
}

std::string b64(std::string_view s) {
  return util::base64url_encode(s);
}

std::string hmac256(std::string_view key, std::string_view input) {
  EXPECT_EQ(key.size(), crypto_auth_hmacsha256_KEYBYTES);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                         reinterpret_cast<const unsigned char*>(key.data()));
  return std::string(reinterpret_cast<const char*>(mac), sizeof mac);
}

std::string hmac512(std::string_view key, std::string_view input) {
  unsigned char mac[crypto_auth_hmacsha512_BYTES];
  crypto_auth_hmacsha512_state st;
  crypto_auth_hmacsha512_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha512_update(&st, reinterpret_cast<const unsigned char*>(input.data()),
                                input.size());
  crypto_auth_hmacsha512_final(&st, mac);
  return std::string(reinterpret_cast<const char*>(mac), sizeof mac);
}

// header.payload.HMAC-SHA256(header.payload) with every part base64url.
std::string sign(std::string_view key, std::string_view header_json,
                 std::string_view payload_json) {
  std::string input = b64(header_json) + "." + b64(payload_json);
  return input + "." + b64(hmac256(key, input));
}

std::string claims(std::string_view sub, std::int64_t iat, std::int64_t exp) {
  return R"({"sub":")" + std::string(sub) + R"(","iat":)" + std::to_string(iat) + R"(,"exp":)" +
         std::to_string(exp) + "}";
}

std::string good_token(std::string_view key, std::int64_t iat = kNow) {
  return sign(key, kHs256Header, claims(kSubject, iat, iat + 3600));
}

class TokenTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_GE(sodium_init(), 0); }
  const std::string key_ = key_of('k');
  const TokenCodec codec_{key_of('k')};
};

// ------------------------------------------------------------------ valid

TEST_F(TokenTest, IssueThenVerifyRoundTrip) {
  std::string t = codec_.issue(kSubject, kNow);
  ASSERT_FALSE(t.empty());
  VerifiedToken v = codec_.verify(t, kNow);
  EXPECT_EQ(v.error, TokenError::kNone);
  EXPECT_EQ(v.subject, kSubject);
  EXPECT_EQ(v.expires_at, kNow + kTokenLifetimeSeconds);
  EXPECT_EQ(kTokenLifetimeSeconds, 3600);
}

TEST_F(TokenTest, IssuedTokenIsAnHs256JwtWithSubIatExp) {
  std::string t = codec_.issue(kSubject, kNow);
  auto d1 = t.find('.');
  auto d2 = t.find('.', d1 + 1);
  ASSERT_NE(d2, std::string::npos);
  ASSERT_EQ(t.find('.', d2 + 1), std::string::npos);
  std::string header, payload;
  ASSERT_TRUE(util::base64url_decode(t.substr(0, d1), header));
  ASSERT_TRUE(util::base64url_decode(t.substr(d1 + 1, d2 - d1 - 1), payload));
  EXPECT_NE(header.find(R"("alg":"HS256")"), std::string::npos) << header;
  EXPECT_NE(payload.find(R"("sub":")" + std::string(kSubject) + "\""), std::string::npos)
      << payload;
  EXPECT_NE(payload.find(R"("iat":)" + std::to_string(kNow)), std::string::npos) << payload;
  EXPECT_NE(payload.find(R"("exp":)" + std::to_string(kNow + 3600)), std::string::npos) << payload;
  // The signature is HMAC-SHA256 over "header.payload" with the codec's key.
  EXPECT_EQ(t.substr(d2 + 1), b64(hmac256(key_, t.substr(0, d2))));
}

TEST_F(TokenTest, CraftedTokenWithTheRightKeyIsAccepted) {
  // The control for every crafted-token test below.
  VerifiedToken v = codec_.verify(good_token(key_), kNow);
  EXPECT_EQ(v.error, TokenError::kNone);
  EXPECT_EQ(v.subject, kSubject);
  EXPECT_EQ(v.expires_at, kNow + 3600);
}

TEST_F(TokenTest, TokensDependOnSubjectAndTime) {
  EXPECT_NE(codec_.issue(kSubject, kNow), codec_.issue(kSubject, kNow + 1));
  EXPECT_NE(codec_.issue(kSubject, kNow), codec_.issue("another-subject", kNow));
  EXPECT_EQ(codec_.verify(codec_.issue("another-subject", kNow), kNow).subject, "another-subject");
}

// ---------------------------------------------------------------- expiry

TEST_F(TokenTest, ValidUntilTheSecondBeforeExp) {
  std::string t = codec_.issue(kSubject, kNow);
  EXPECT_EQ(codec_.verify(t, kNow + 3599).error, TokenError::kNone);
  EXPECT_EQ(codec_.verify(t, kNow + 3600).error, TokenError::kExpired);
  EXPECT_EQ(codec_.verify(t, kNow + 100000).error, TokenError::kExpired);
}

TEST_F(TokenTest, CraftedExpiredTokenIsExpired) {
  std::string t = sign(key_, kHs256Header, claims(kSubject, kNow - 7200, kNow - 3600));
  VerifiedToken v = codec_.verify(t, kNow);
  EXPECT_EQ(v.error, TokenError::kExpired);
  EXPECT_TRUE(v.subject.empty());
}

TEST_F(TokenTest, IatWithinClockSkewIsAccepted) {
  EXPECT_EQ(codec_.verify(good_token(key_, kNow + 60), kNow).error, TokenError::kNone);
  EXPECT_EQ(codec_.verify(good_token(key_, kNow + 30), kNow).error, TokenError::kNone);
}

TEST_F(TokenTest, IatBeyondClockSkewIsNotYetValid) {
  EXPECT_EQ(codec_.verify(good_token(key_, kNow + 61), kNow).error, TokenError::kNotYetValid);
  EXPECT_EQ(codec_.verify(good_token(key_, kNow + 86400), kNow).error, TokenError::kNotYetValid);
  // The issuer's own token seen by a server whose clock is 5 minutes behind.
  EXPECT_EQ(codec_.verify(codec_.issue(kSubject, kNow + 300), kNow).error,
            TokenError::kNotYetValid);
}

TEST_F(TokenTest, NbfInTheFutureIsNotYetValid) {
  std::string future = R"({"sub":")" + std::string(kSubject) + R"(","iat":)" +
                       std::to_string(kNow) + R"(,"exp":)" + std::to_string(kNow + 3600) +
                       R"(,"nbf":)" + std::to_string(kNow + 600) + "}";
  EXPECT_EQ(codec_.verify(sign(key_, kHs256Header, future), kNow).error, TokenError::kNotYetValid);
  // Once nbf is reached (within skew), it is valid.
  EXPECT_EQ(codec_.verify(sign(key_, kHs256Header, future), kNow + 600).error, TokenError::kNone);
  std::string past = R"({"sub":")" + std::string(kSubject) + R"(","iat":)" + std::to_string(kNow) +
                     R"(,"exp":)" + std::to_string(kNow + 3600) + R"(,"nbf":)" +
                     std::to_string(kNow - 10) + "}";
  EXPECT_EQ(codec_.verify(sign(key_, kHs256Header, past), kNow).error, TokenError::kNone);
}

// -------------------------------------------------------------- signature

TEST_F(TokenTest, WrongKeyIsASignatureError) {
  TokenCodec other(key_of('o'));
  EXPECT_EQ(other.verify(codec_.issue(kSubject, kNow), kNow).error, TokenError::kSignature);
  EXPECT_EQ(codec_.verify(good_token(key_of('o')), kNow).error, TokenError::kSignature);
  // A key that differs in its last byte only.
  std::string near = key_;
  near.back() ^= 1;
  EXPECT_EQ(codec_.verify(good_token(near), kNow).error, TokenError::kSignature);
}

TEST_F(TokenTest, TamperedPayloadIsASignatureError) {
  std::string t = codec_.issue(kSubject, kNow);
  auto d1 = t.find('.');
  auto d2 = t.find('.', d1 + 1);
  // Another subject, and a later expiry, under the original signature.
  for (const std::string& forged :
       {claims("01936f4e-8a3c-7b2e-9c1d-000000000000", kNow, kNow + 3600),
        claims(kSubject, kNow, kNow + 360000)}) {
    std::string tampered = t.substr(0, d1) + "." + b64(forged) + t.substr(d2);
    EXPECT_EQ(codec_.verify(tampered, kNow).error, TokenError::kSignature) << forged;
  }
}

TEST_F(TokenTest, TamperedSignatureIsASignatureError) {
  std::string t = codec_.issue(kSubject, kNow);
  auto d2 = t.rfind('.');
  std::string sig;
  ASSERT_TRUE(util::base64url_decode(t.substr(d2 + 1), sig));
  sig[0] ^= 0x01;
  EXPECT_EQ(codec_.verify(t.substr(0, d2 + 1) + b64(sig), kNow).error, TokenError::kSignature);
  // A truncated signature.
  sig.resize(16);
  EXPECT_EQ(codec_.verify(t.substr(0, d2 + 1) + b64(sig), kNow).error, TokenError::kSignature);
}

TEST_F(TokenTest, EmptySignatureIsRefused) {
  std::string t = codec_.issue(kSubject, kNow);
  std::string unsigned_token = t.substr(0, t.rfind('.') + 1);
  VerifiedToken v = codec_.verify(unsigned_token, kNow);
  EXPECT_TRUE(v.error == TokenError::kSignature || v.error == TokenError::kMalformed)
      << static_cast<int>(v.error);
  EXPECT_TRUE(v.subject.empty());
}

// -------------------------------------------------------------- algorithm

TEST_F(TokenTest, AlgNoneIsAnAlgorithmError) {
  std::string payload = b64(claims(kSubject, kNow, kNow + 3600));
  for (std::string_view header : {R"({"alg":"none","typ":"JWT"})", R"({"alg":"None"})",
                                  R"({"alg":"NONE"})", R"({"alg":""})"}) {
    std::string unsigned_token = b64(header) + "." + payload + ".";
    EXPECT_EQ(codec_.verify(unsigned_token, kNow).error, TokenError::kAlgorithm) << header;
    // Even with a (HS256) signature appended.
    std::string input = b64(header) + "." + payload;
    EXPECT_EQ(codec_.verify(input + "." + b64(hmac256(key_, input)), kNow).error,
              TokenError::kAlgorithm)
        << header;
  }
}

TEST_F(TokenTest, Hs512IsAnAlgorithmErrorEvenWhenCorrectlySigned) {
  std::string input =
      b64(R"({"alg":"HS512","typ":"JWT"})") + "." + b64(claims(kSubject, kNow, kNow + 3600));
  EXPECT_EQ(codec_.verify(input + "." + b64(hmac512(key_, input)), kNow).error,
            TokenError::kAlgorithm);
}

TEST_F(TokenTest, OtherAlgorithmsAreAlgorithmErrors) {
  std::string payload = b64(claims(kSubject, kNow, kNow + 3600));
  for (std::string_view header :
       {R"({"alg":"RS256","typ":"JWT"})", R"({"alg":"HS384"})", R"({"alg":"ES256"})",
        R"({"alg":"hs256"})", R"({"alg":"HS256 "})"}) {
    std::string input = b64(header) + "." + payload;
    EXPECT_EQ(codec_.verify(input + "." + b64(hmac256(key_, input)), kNow).error,
              TokenError::kAlgorithm)
        << header;
  }
}

// -------------------------------------------------------------- malformed

TEST_F(TokenTest, ExtraDotsAreMalformed) {
  std::string t = codec_.issue(kSubject, kNow);
  EXPECT_EQ(codec_.verify(t + ".", kNow).error, TokenError::kMalformed);
  EXPECT_EQ(codec_.verify(t + "." + t.substr(t.rfind('.') + 1), kNow).error,
            TokenError::kMalformed);
  EXPECT_EQ(codec_.verify("." + t, kNow).error, TokenError::kMalformed);
  std::string doubled = t;
  doubled.insert(t.find('.'), ".");
  EXPECT_EQ(codec_.verify(doubled, kNow).error, TokenError::kMalformed);
  EXPECT_EQ(codec_.verify("a.b.c.d", kNow).error, TokenError::kMalformed);
  EXPECT_EQ(codec_.verify("....", kNow).error, TokenError::kMalformed);
}

TEST_F(TokenTest, MissingPartsAreMalformed) {
  std::string t = codec_.issue(kSubject, kNow);
  auto d1 = t.find('.');
  auto d2 = t.rfind('.');
  EXPECT_EQ(codec_.verify("", kNow).error, TokenError::kMalformed);
  EXPECT_EQ(codec_.verify(t.substr(0, d1), kNow).error, TokenError::kMalformed);
  EXPECT_EQ(codec_.verify(t.substr(0, d2), kNow).error, TokenError::kMalformed);   // no signature
  EXPECT_EQ(codec_.verify(t.substr(d1 + 1), kNow).error, TokenError::kMalformed);  // no header
  EXPECT_EQ(codec_.verify(t.substr(d1), kNow).error, TokenError::kMalformed);      // empty header
  EXPECT_EQ(codec_.verify(t.substr(0, d1 + 1) + t.substr(d2), kNow).error,
            TokenError::kMalformed);  // empty payload
  EXPECT_EQ(codec_.verify("..", kNow).error, TokenError::kMalformed);
  EXPECT_EQ(codec_.verify("garbage", kNow).error, TokenError::kMalformed);
}

TEST_F(TokenTest, BadBase64IsMalformed) {
  std::string t = good_token(key_);
  auto d1 = t.find('.');
  auto d2 = t.rfind('.');
  std::string header = t.substr(0, d1);
  std::string payload = t.substr(d1 + 1, d2 - d1 - 1);
  std::string sig = t.substr(d2 + 1);
  // Characters outside the base64url alphabet, padding, or a length that
  // cannot be base64 (len % 4 == 1) in the header or the payload.
  for (const std::string& h : {"*" + header.substr(1), header + "=", header + "A",
                               header.substr(0, 4) + "+" + header.substr(5), std::string("%%%")}) {
    EXPECT_EQ(codec_.verify(h + "." + payload + "." + sig, kNow).error, TokenError::kMalformed)
        << h;
  }
  for (const std::string& p : {payload.substr(0, 3) + "/" + payload.substr(4), payload + "==",
                               payload + "A", payload.substr(0, 5) + " " + payload.substr(6)}) {
    EXPECT_EQ(codec_.verify(header + "." + p + "." + sig, kNow).error, TokenError::kMalformed) << p;
  }
  // A signature that is not base64url never verifies.
  for (const std::string& s :
       {sig + "=", "!" + sig.substr(1), sig + "A", sig.substr(0, 10) + "/"}) {
    VerifiedToken v = codec_.verify(header + "." + payload + "." + s, kNow);
    EXPECT_TRUE(v.error == TokenError::kSignature || v.error == TokenError::kMalformed)
        << s << " -> " << static_cast<int>(v.error);
  }
}

TEST_F(TokenTest, PartsThatAreNotJsonObjectsAreMalformed) {
  std::string payload = claims(kSubject, kNow, kNow + 3600);
  EXPECT_EQ(codec_.verify(sign(key_, "not json", payload), kNow).error, TokenError::kMalformed);
  EXPECT_EQ(codec_.verify(sign(key_, R"(["HS256"])", payload), kNow).error, TokenError::kMalformed);
  EXPECT_EQ(codec_.verify(sign(key_, R"({"typ":"JWT"})", payload), kNow).error,
            TokenError::kMalformed);  // no alg
  EXPECT_EQ(codec_.verify(sign(key_, R"({"alg":256})", payload), kNow).error,
            TokenError::kMalformed);  // alg not a string
  EXPECT_EQ(codec_.verify(sign(key_, kHs256Header, "not json"), kNow).error,
            TokenError::kMalformed);
  EXPECT_EQ(codec_.verify(sign(key_, kHs256Header, "[1,2]"), kNow).error, TokenError::kMalformed);
  EXPECT_EQ(
      codec_.verify(sign(key_, kHs256Header, payload.substr(0, payload.size() - 1)), kNow).error,
      TokenError::kMalformed);  // truncated JSON
}

TEST_F(TokenTest, MissingOrMistypedClaimsAreMalformed) {
  const std::string sub = R"("sub":")" + std::string(kSubject) + "\"";
  const std::string iat = R"("iat":)" + std::to_string(kNow);
  const std::string exp = R"("exp":)" + std::to_string(kNow + 3600);
  for (const std::string& payload : {
           "{" + sub + "," + iat + "}",                 // no exp
           "{" + iat + "," + exp + "}",                 // no sub
           "{" + sub + "," + exp + "}",                 // no iat
           std::string("{}"),                           // nothing
           R"({"sub":"",)" + iat + "," + exp + "}",     // empty sub
           R"({"sub":12345,)" + iat + "," + exp + "}",  // sub a number
           R"({"sub":null,)" + iat + "," + exp + "}",   // sub null
       }) {
    VerifiedToken v = codec_.verify(sign(key_, kHs256Header, payload), kNow);
    EXPECT_EQ(v.error, TokenError::kMalformed) << payload;
    EXPECT_TRUE(v.subject.empty()) << payload;
  }
}

TEST_F(TokenTest, MistypedTimeClaimsAreMalformed) {
  // exp, iat and nbf are NumericDates (RFC 7519 2, 4.1.4-4.1.6): any other
  // JSON type makes the token malformed, whatever the time is.
  const std::string sub = R"("sub":")" + std::string(kSubject) + "\"";
  const std::string iat = R"("iat":)" + std::to_string(kNow);
  const std::string exp = R"("exp":)" + std::to_string(kNow + 3600);
  for (const std::string& payload : {
           "{" + sub + "," + iat + R"(,"exp":")" + std::to_string(kNow + 3600) + "\"}",
           "{" + sub + "," + iat + R"(,"exp":null})",
           "{" + sub + "," + iat + R"(,"exp":true})",
           "{" + sub + "," + iat + R"(,"exp":[1]})",
           "{" + sub + "," + exp + R"(,"iat":")" + std::to_string(kNow) + "\"}",
           "{" + sub + "," + exp + R"(,"iat":null})",
           "{" + sub + "," + iat + "," + exp + R"(,"nbf":"soon"})",
       }) {
    VerifiedToken v = codec_.verify(sign(key_, kHs256Header, payload), kNow);
    EXPECT_EQ(v.error, TokenError::kMalformed) << payload << " -> " << describe(v.error);
  }
}

TEST_F(TokenTest, OversizedTokenIsMalformed) {
  // Validly signed, but a claim makes it longer than 4096 bytes.
  std::string big = R"({"sub":")" + std::string(kSubject) + R"(","iat":)" + std::to_string(kNow) +
                    R"(,"exp":)" + std::to_string(kNow + 3600) + R"(,"pad":")" +
                    std::string(4000, 'x') + "\"}";
  std::string t = sign(key_, kHs256Header, big);
  ASSERT_GT(t.size(), 4096u);
  EXPECT_EQ(codec_.verify(t, kNow).error, TokenError::kMalformed);
  EXPECT_EQ(codec_.verify(std::string(100000, 'a'), kNow).error, TokenError::kMalformed);
  // The same kind of token under the limit is fine.
  std::string small = R"({"sub":")" + std::string(kSubject) + R"(","iat":)" + std::to_string(kNow) +
                      R"(,"exp":)" + std::to_string(kNow + 3600) + R"(,"pad":")" +
                      std::string(2000, 'x') + "\"}";
  std::string ok = sign(key_, kHs256Header, small);
  ASSERT_LT(ok.size(), 4096u);
  EXPECT_EQ(codec_.verify(ok, kNow).error, TokenError::kNone);
}

TEST_F(TokenTest, FailuresCarryNoSubject) {
  TokenCodec other(key_of('o'));
  VerifiedToken v = other.verify(codec_.issue(kSubject, kNow), kNow);
  EXPECT_NE(v.error, TokenError::kNone);
  EXPECT_TRUE(v.subject.empty());
}

TEST(TokenDescribe, SaysWhichCheckFailedWithoutSecrets) {
  const TokenError all[] = {TokenError::kMalformed, TokenError::kAlgorithm, TokenError::kSignature,
                            TokenError::kExpired, TokenError::kNotYetValid};
  for (std::size_t i = 0; i < std::size(all); ++i) {
    EXPECT_FALSE(describe(all[i]).empty());
    for (std::size_t j = i + 1; j < std::size(all); ++j) {
      EXPECT_NE(describe(all[i]), describe(all[j]));
    }
  }
  EXPECT_NE(describe(TokenError::kExpired).find("expired"), std::string_view::npos);
  EXPECT_NE(describe(TokenError::kAlgorithm).find("HS256"), std::string_view::npos);
  EXPECT_NE(describe(TokenError::kSignature).find("signature"), std::string_view::npos);
  EXPECT_NE(describe(TokenError::kMalformed).find("malformed"), std::string_view::npos);
}

// ---------------------------------------------------------------- throttle

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = LoginThrottle::Clock;

TEST(LoginThrottle, TenFailuresBlock) {
  LoginThrottle th;
  const Clock::time_point t0{};
  for (int i = 0; i < 9; ++i) {
    th.record_failure("user:alice", t0 + seconds(i));
    EXPECT_EQ(th.retry_after("user:alice", t0 + seconds(i)), 0u) << "after " << i + 1;
  }
  th.record_failure("user:alice", t0 + seconds(9));
  EXPECT_GT(th.retry_after("user:alice", t0 + seconds(9)), 0u);
  // Other keys are not affected.
  EXPECT_EQ(th.retry_after("user:bob", t0 + seconds(9)), 0u);
  EXPECT_EQ(th.retry_after("addr:127.0.0.1", t0 + seconds(9)), 0u);
}

TEST(LoginThrottle, UnknownKeyIsAllowed) {
  LoginThrottle th;
  EXPECT_EQ(th.retry_after("user:nobody", Clock::now()), 0u);
}

TEST(LoginThrottle, RetryAfterCountsDownToTheWindowsEnd) {
  LoginThrottle th;
  const Clock::time_point t0{};
  for (int i = 0; i < 10; ++i) th.record_failure("k", t0);
  EXPECT_EQ(th.retry_after("k", t0), 60u);
  EXPECT_EQ(th.retry_after("k", t0 + seconds(1)), 59u);
  EXPECT_EQ(th.retry_after("k", t0 + milliseconds(30500)), 30u);  // rounded up
  EXPECT_EQ(th.retry_after("k", t0 + seconds(59)), 1u);
  EXPECT_EQ(th.retry_after("k", t0 + milliseconds(59999)), 1u);  // never 0 while blocked
}

TEST(LoginThrottle, WindowIsCountedFromTheFirstFailure) {
  LoginThrottle th;
  const Clock::time_point t0{};
  th.record_failure("k", t0);
  for (int i = 0; i < 9; ++i) th.record_failure("k", t0 + seconds(40));
  // Blocked until 60 s after the first failure of the window.
  EXPECT_EQ(th.retry_after("k", t0 + seconds(40)), 20u);
}

TEST(LoginThrottle, WindowExpiryUnblocks) {
  LoginThrottle th;
  const Clock::time_point t0{};
  for (int i = 0; i < 12; ++i) th.record_failure("k", t0);
  EXPECT_GT(th.retry_after("k", t0 + seconds(59)), 0u);
  EXPECT_EQ(th.retry_after("k", t0 + seconds(60)), 0u);
  EXPECT_EQ(th.retry_after("k", t0 + seconds(61)), 0u);
  // A new window: one failure does not block again.
  th.record_failure("k", t0 + seconds(61));
  EXPECT_EQ(th.retry_after("k", t0 + seconds(61)), 0u);
}

TEST(LoginThrottle, FailuresOfAnExpiredWindowDoNotCount) {
  LoginThrottle th;
  const Clock::time_point t0{};
  for (int i = 0; i < 9; ++i) th.record_failure("k", t0);
  // The tenth failure comes after the window: a fresh window with one failure.
  th.record_failure("k", t0 + seconds(61));
  EXPECT_EQ(th.retry_after("k", t0 + seconds(61)), 0u);
  for (int i = 0; i < 8; ++i) th.record_failure("k", t0 + seconds(62));
  EXPECT_EQ(th.retry_after("k", t0 + seconds(62)), 0u);  // 9 in this window
  th.record_failure("k", t0 + seconds(62));
  EXPECT_EQ(th.retry_after("k", t0 + seconds(62)), 59u);  // window started at 61
}

TEST(LoginThrottle, SuccessResetsTheKey) {
  LoginThrottle th;
  const Clock::time_point t0{};
  for (int i = 0; i < 9; ++i) th.record_failure("user:alice", t0);
  th.record_success("user:alice");
  th.record_failure("user:alice", t0 + seconds(1));
  EXPECT_EQ(th.retry_after("user:alice", t0 + seconds(1)), 0u);  // 1 failure, not 10
  for (int i = 0; i < 8; ++i) th.record_failure("user:alice", t0 + seconds(1));
  EXPECT_EQ(th.retry_after("user:alice", t0 + seconds(1)), 0u);  // 9
  th.record_failure("user:alice", t0 + seconds(1));
  EXPECT_GT(th.retry_after("user:alice", t0 + seconds(1)), 0u);  // 10

  // Success also lifts a block at once, and only for its own key.
  for (int i = 0; i < 10; ++i) th.record_failure("addr:10.0.0.1", t0 + seconds(1));
  th.record_success("user:alice");
  EXPECT_EQ(th.retry_after("user:alice", t0 + seconds(2)), 0u);
  EXPECT_GT(th.retry_after("addr:10.0.0.1", t0 + seconds(2)), 0u);
}

TEST(LoginThrottle, CustomLimitAndWindow) {
  LoginThrottle th(3, seconds(10));
  const Clock::time_point t0{};
  th.record_failure("k", t0);
  th.record_failure("k", t0);
  EXPECT_EQ(th.retry_after("k", t0), 0u);
  th.record_failure("k", t0);
  EXPECT_EQ(th.retry_after("k", t0), 10u);
  EXPECT_EQ(th.retry_after("k", t0 + seconds(10)), 0u);
}

TEST(LoginThrottle, ManyKeysStayBoundedAndStillBlock) {
  LoginThrottle th;
  const Clock::time_point t0{};
  // Past the internal key limit: expired windows are dropped, live ones kept.
  for (int i = 0; i < 100'000; ++i) th.record_failure("old" + std::to_string(i), t0);
  const Clock::time_point t1 = t0 + seconds(120);
  for (int i = 0; i < 10; ++i) th.record_failure("victim", t1);
  EXPECT_GT(th.retry_after("victim", t1), 0u);
  EXPECT_EQ(th.retry_after("old1", t1), 0u);
}

}  // namespace
}  // namespace brisk::auth
