// build_search() for SQLite FTS5 (store/search.hpp). Each word becomes
// "tok1 tok2 ..."* : a phrase of its tokens (adjacent, in order) whose last
// token matches by prefix; the phrases are joined by AND. Tokens come from
// the same tokenizer as the index, so they hold only letters, digits and
// private-use characters: no FTS5 syntax can survive into the query, and the
// quotes are doubled anyway.
#include <string>

#include "store/search.hpp"
#include "store/sqlite/tokenizer.hpp"

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

SearchStatus build_search(std::string_view text, std::string& out) {
  out.clear();
  int words = 0;
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
    std::size_t mark = out.size();
    if (words > 0) out += " AND ";
    out += '"';
    bool any = false;
    bool ok = sqlite::tokenize(word, true, [&](std::string_view tok) {
      if (any) out += ' ';
      any = true;
      for (char c : tok) {
        if (c == '"') out += '"';
        out += c;
      }
    });
    if (!ok || !any) {
      out.resize(mark);  // nothing searchable in this word
      continue;
    }
    out += "\"*";
    if (++words > kMaxSearchWords) {
      out.clear();
      return SearchStatus::kTooManyWords;
    }
  }
  return words == 0 ? SearchStatus::kNoWords : SearchStatus::kOk;
}

}  // namespace brisk::store
