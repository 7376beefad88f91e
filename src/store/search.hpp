// What a search for text means, for every backend. The user's text is
// never passed to a search engine as query syntax: it is split into words
// at Unicode white space, and each word is tokenized exactly as the index
// tokenizes documents (tokenizer.hpp: case folded, diacritics removed, one
// token per CJK character). A word matches a run of adjacent tokens in a
// document, the last one by prefix; every word must match.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace brisk::store {

inline constexpr int kMaxSearchWords = 32;

// The searched words, each as its tokens (never empty, ASCII-free of
// quotes: tokens hold only letters, digits and private-use characters).
struct SearchTerms {
  std::vector<std::vector<std::string>> words;
  bool empty() const { return words.empty(); }
  bool operator==(const SearchTerms&) const = default;
};

enum class SearchStatus {
  kOk,
  kNoWords,       // nothing searchable: only white space and punctuation
  kTooManyWords,  // more than kMaxSearchWords words
};

// Splits and tokenizes `text` (valid UTF-8) into `out` (cleared first).
// Two texts that search for the same thing ("Café  Report", "cafe report")
// give equal terms.
SearchStatus parse_search(std::string_view text, SearchTerms& out);

// A canonical text of the terms: equal terms, equal text, and different
// terms, different text ("tok tok"* AND "tok"*: it is also the FTS5 query
// of the terms).
std::string search_text(const SearchTerms& terms);

}  // namespace brisk::store
