// Opaque pagination cursors: base64url of a versioned position, signed with
// a key kept in the database. The signature also covers the query's filters
// and the owner, so a cursor is refused (422) when replayed with other
// filters or by another user, and any tampering is detected.
//
// Layouts (all integers big-endian; mac = keyed BLAKE2b-128 over the
// payload, then the context):
//  v1: version=1 sort key(int64) id(16) mac(16)                    42 bytes
//      an integer key: created_at, updated_at, priority, due_at.
//  v2: version=2 sort kind key id(16) mac(16)
//      kind 1 (null): no key bytes; a due_at sort row without due_at.
//      kind 2 (text): length(2) + UTF-8 bytes (<= kMaxCursorText); title.
//      kind 3 (real): 8 bytes, IEEE 754 binary64; relevance by bm25 over
//             every match, no longer issued (its order is gone) and refused
//             where relevance is asked for.
//      kind 4 (window): real as kind 3, then tier(1) low(8) high(8): the
//             relevance of the last row served, its tier and the seq range
//             of its window (store::ListPosition).
// Each position has exactly one encoding; anything else is refused.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/uuid.hpp"

namespace brisk::tasks {

inline constexpr std::size_t kMaxCursorText = 1024;

struct CursorPosition {
  enum class Kind : std::uint8_t { kInt = 0, kNull = 1, kText = 2, kReal = 3, kWindow = 4 };
  std::uint8_t sort = 0;  // the sort order's code (list_params.hpp); 0: -created_at
  Kind kind = Kind::kInt;
  std::int64_t key = 0;            // kInt: the sort key of the last row served
  std::string text;                // kText
  double real = 0;                 // kReal, kWindow
  std::uint8_t tier = 0;           // kWindow
  std::int64_t low = 0, high = 0;  // kWindow
  util::Uuid id;                   // its id (ties)
};

class CursorCodec {
 public:
  explicit CursorCodec(std::string key) : key_(std::move(key)) {}
  // `context` is a canonical form of everything the cursor must fit: the
  // owner and the filters (not the limit, which may change between pages).
  // Precondition: kText positions hold at most kMaxCursorText bytes.
  std::string encode(const CursorPosition& p, std::string_view context) const;
  std::optional<CursorPosition> decode(std::string_view text, std::string_view context) const;

 private:
  void mac(const unsigned char* payload, std::size_t n, std::string_view context,
           unsigned char out[16]) const;
  std::string key_;  // 32 bytes
};

}  // namespace brisk::tasks
