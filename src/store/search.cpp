// parse_search() and search_text() (store/search.hpp).
#include "store/search.hpp"

#include "store/tokenizer.hpp"

namespace brisk::store {

namespace {

// Length in bytes of the Unicode White_Space character at s[i], or 0.
// Precondition: s is valid UTF-8.
std::size_t white_space_at(std::string_view s, std::size_t i) {
  auto at = [&](std::size_t k) {
    return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0;
  };
  const unsigned c = at(0);
  if ((c >= 0x09 && c <= 0x0D) || c == 0x20) return 1;
  if (c == 0xC2 && (at(1) == 0x85 || at(1) == 0xA0)) return 2;  // U+0085, U+00A0
  if (c == 0xE1 && at(1) == 0x9A && at(2) == 0x80) return 3;    // U+1680
  if (c == 0xE2 && at(1) == 0x80 &&
      ((at(2) >= 0x80 && at(2) <= 0x8A) || at(2) == 0xA8 || at(2) == 0xA9 || at(2) == 0xAF)) {
    return 3;  // U+2000..U+200A, U+2028, U+2029, U+202F
  }
  if (c == 0xE2 && at(1) == 0x81 && at(2) == 0x9F) return 3;  // U+205F
  if (c == 0xE3 && at(1) == 0x80 && at(2) == 0x80) return 3;  // U+3000
  return 0;
}

}  // namespace

SearchStatus parse_search(std::string_view text, SearchTerms& out) {
  out.words.clear();
  const Tokenizer tokenizer;  // one for every word
  std::size_t i = 0;
  while (i < text.size()) {
    if (std::size_t w = white_space_at(text, i)) {
      i += w;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && white_space_at(text, end) == 0) ++end;
    std::string_view word = text.substr(i, end - i);
    i = end;
    std::vector<std::string> tokens;
    bool ok = tokenizer.run(word, true, [&](std::string_view tok) { tokens.emplace_back(tok); });
    if (!ok || tokens.empty()) continue;  // nothing searchable in this word
    if (static_cast<int>(out.words.size()) == kMaxSearchWords) {
      out.words.clear();
      return SearchStatus::kTooManyWords;
    }
    out.words.push_back(std::move(tokens));
  }
  return out.words.empty() ? SearchStatus::kNoWords : SearchStatus::kOk;
}

std::string search_text(const SearchTerms& terms) {
  std::string out;
  for (const std::vector<std::string>& word : terms.words) {
    if (!out.empty()) out += " AND ";
    out += '"';
    for (std::size_t t = 0; t < word.size(); ++t) {
      if (t) out += ' ';
      for (char c : word[t]) {
        if (c == '"') out += '"';  // cannot occur (see SearchTerms); kept safe anyway
        out += c;
      }
    }
    out += "\"*";
  }
  return out;
}

}  // namespace brisk::store
