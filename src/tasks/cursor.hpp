// Opaque pagination cursors: base64url of a versioned position, signed with
// a key kept in the database. The signature also covers the query's filters
// and the owner, so a cursor is refused (422) when replayed with other
// filters or by another user, and any tampering is detected.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/uuid.hpp"

namespace brisk::tasks {

struct CursorPosition {
  std::uint8_t sort = 0;  // the sort order's code; 0: -created_at
  std::int64_t key = 0;   // the sort key of the last row served
  util::Uuid id;          // its id (ties)
};

class CursorCodec {
 public:
  explicit CursorCodec(std::string key) : key_(std::move(key)) {}
  // `context` is a canonical form of everything the cursor must fit: the
  // owner and the filters (not the limit, which may change between pages).
  std::string encode(const CursorPosition& p, std::string_view context) const;
  std::optional<CursorPosition> decode(std::string_view text, std::string_view context) const;

 private:
  void mac(const unsigned char* payload, std::size_t n, std::string_view context,
           unsigned char out[16]) const;
  std::string key_;  // 32 bytes
};

}  // namespace brisk::tasks
