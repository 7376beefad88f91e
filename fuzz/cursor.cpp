// The GET /tasks cursor decoder (tasks::CursorCodec).
//
// The input chooses one of three uses:
// 0. raw text as a cursor: it never decodes (no forgery without the key);
// 1. raw payload bytes signed with the codec's key (the layout of
//    cursor.hpp: payload, then keyed BLAKE2b-128 over payload and context):
//    they decode exactly when the payload is one of the documented layouts
//    in its one canonical form, checked here by an independent reading;
//    a decoded cursor encodes back to the same text; the same cursor under
//    another context, or with any one bit flipped, does not decode;
// 2. a position made from the input: encode then decode gives it back.
#include <sodium.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include <fuzzer/FuzzedDataProvider.h>

#include "check.hpp"
#include "tasks/cursor.hpp"
#include "util/text.hpp"

namespace {

using namespace brisk;
using tasks::CursorPosition;
using Kind = CursorPosition::Kind;

const std::string kKey(32, 'c');

const tasks::CursorCodec& codec() {
  static const tasks::CursorCodec c(kKey);
  return c;
}

std::string sign(std::string payload, std::string_view context) {
  unsigned char mac[16];
  crypto_generichash_state st;
  crypto_generichash_init(&st, reinterpret_cast<const unsigned char*>(kKey.data()), kKey.size(),
                          16);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(payload.data()),
                            payload.size());
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(context.data()),
                            context.size());
  crypto_generichash_final(&st, mac, 16);
  payload.append(reinterpret_cast<const char*>(mac), 16);
  return util::base64url_encode(payload);
}

// cursor.hpp's layouts, read independently: true when `p` is one of them.
bool canonical_payload(std::string_view p) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(p[i]); };
  if (p.size() < 3) return false;
  if (b(0) == 1) return p.size() == 1 + 1 + 8 + 16;
  if (b(0) != 2) return false;
  switch (b(2)) {
    case 1:
      return p.size() == 3 + 16;
    case 3:
      return p.size() == 3 + 8 + 16;
    case 4:  // a relevance window: rank, tier, low, high
      return p.size() == 3 + 8 + 1 + 16 + 16;
    case 2: {
      if (p.size() < 5) return false;
      const std::size_t len = std::size_t{b(3)} << 8 | b(4);
      return len <= tasks::kMaxCursorText && p.size() == 5 + len + 16 &&
             util::utf8_valid(p.substr(5, len));
    }
    default:
      return false;
  }
}

bool same(const CursorPosition& a, const CursorPosition& b) {
  std::uint64_t ra, rb;
  std::memcpy(&ra, &a.real, 8);
  std::memcpy(&rb, &b.real, 8);
  return a.sort == b.sort && a.kind == b.kind && a.key == b.key && a.text == b.text && ra == rb &&
         a.tier == b.tier && a.low == b.low && a.high == b.high && a.id == b.id;
}

void signed_payload(FuzzedDataProvider& in) {
  const std::string context = in.ConsumeRandomLengthString(64);
  const std::size_t flip = in.ConsumeIntegral<std::size_t>();
  const std::string payload = in.ConsumeRemainingBytesAsString();
  const std::string text = sign(payload, context);
  const std::optional<CursorPosition> p = codec().decode(text, context);
  FUZZ_CHECK(p.has_value() == canonical_payload(payload));
  if (!p) return;
  FUZZ_CHECK(codec().encode(*p, context) == text);  // one encoding per position
  FUZZ_CHECK(!codec().decode(text, context + "x"));
  std::string raw;
  FUZZ_CHECK(util::base64url_decode(text, raw));
  const std::size_t bit = flip % (raw.size() * 8);
  raw[bit / 8] = static_cast<char>(raw[bit / 8] ^ (1 << (bit % 8)));
  FUZZ_CHECK(!codec().decode(util::base64url_encode(raw), context));
}

void made_position(FuzzedDataProvider& in) {
  CursorPosition p;
  p.sort = in.ConsumeIntegral<std::uint8_t>();
  p.kind = static_cast<Kind>(in.ConsumeIntegralInRange<int>(0, 3));
  if (p.kind == Kind::kInt) p.key = in.ConsumeIntegral<std::int64_t>();
  if (p.kind == Kind::kReal) {
    const std::uint64_t bits = in.ConsumeIntegral<std::uint64_t>();
    std::memcpy(&p.real, &bits, 8);
  }
  const std::string id = in.ConsumeBytesAsString(16);
  std::memcpy(p.id.bytes.data(), id.data(), id.size());
  const std::string context = in.ConsumeRandomLengthString(64);
  if (p.kind == Kind::kText) p.text = in.ConsumeRandomLengthString(tasks::kMaxCursorText);
  const std::optional<CursorPosition> back = codec().decode(codec().encode(p, context), context);
  // Text positions must be UTF-8 (titles are); anything else round-trips.
  FUZZ_CHECK(back.has_value() == (p.kind != Kind::kText || util::utf8_valid(p.text)));
  if (back) FUZZ_CHECK(same(p, *back));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  FuzzedDataProvider in(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      const std::string text = in.ConsumeRandomLengthString(2048);
      const std::string context = in.ConsumeRemainingBytesAsString();
      FUZZ_CHECK(!codec().decode(text, context));
      return 0;
    }
    case 1:
      signed_payload(in);
      return 0;
    default:
      made_position(in);
      return 0;
  }
}
