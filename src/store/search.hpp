// Turning a user's search text into the store's full-text query. The user's
// text is never passed to the search engine as query syntax: it is split
// into words at white space, each word is tokenized exactly as the index
// tokenizes documents (case folded, diacritics removed, one token per CJK
// character), and every word becomes a quoted phrase matched by prefix.
#pragma once
#include <string>
#include <string_view>

namespace brisk::store {

inline constexpr int kMaxSearchWords = 32;

enum class SearchStatus {
  kOk,
  kNoWords,       // nothing searchable: only white space and punctuation
  kTooManyWords,  // more than kMaxSearchWords words
};

// Writes the full-text query for `text` to `out` (cleared first). `text` is
// valid UTF-8. The result is canonical: two texts that search for the same
// thing ("Café  Report", "cafe report") give the same query.
SearchStatus build_search(std::string_view text, std::string& out);

}  // namespace brisk::store
