#include "store/search_match.hpp"

#include <algorithm>

namespace brisk::store {

SearchMatcher::SearchMatcher(SearchTerms terms)
    : terms_(std::move(terms)), found_(terms_.words.size(), 0) {}

void SearchMatcher::mark_found() {
  for (std::size_t w = 0; w < terms_.words.size(); ++w) {
    if (found_[w]) continue;
    const std::vector<std::string>& word = terms_.words[w];
    const std::size_t n = word.size();
    if (n == 0 || n > count_) continue;
    for (std::size_t i = 0; i + n <= count_ && !found_[w]; ++i) {
      bool run = true;
      for (std::size_t k = 0; k + 1 < n && run; ++k) run = tokens_[i + k] == word[k];
      // The last token by prefix: FTS5's "..."* compares bytes.
      found_[w] = run && tokens_[i + n - 1].starts_with(word[n - 1]);
    }
  }
}

bool SearchMatcher::matches(std::span<const std::string_view> columns) {
  std::fill(found_.begin(), found_.end(), 0);
  for (std::string_view text : columns) {
    if (text.empty()) continue;
    count_ = 0;
    const bool ok = tokenizer_.run(text, false, [this](std::string_view tok) {
      if (count_ == tokens_.size()) tokens_.emplace_back();
      tokens_[count_++].assign(tok);
    });
    if (!ok) return false;
    mark_found();
    if (std::all_of(found_.begin(), found_.end(), [](char f) { return f != 0; })) return true;
  }
  return false;
}

bool parse_search_text(std::string_view text, SearchTerms& out) {
  out.words.clear();
  std::size_t i = 0;
  while (i < text.size()) {
    if (!out.words.empty()) {
      if (!text.substr(i).starts_with(" AND ")) return false;
      i += 5;
    }
    if (i >= text.size() || text[i] != '"') return false;
    ++i;
    std::vector<std::string> word(1);
    for (;;) {
      if (i >= text.size()) return false;
      const char c = text[i++];
      if (c == '"') {
        if (i < text.size() && text[i] == '"') {  // a doubled quote (see search_text)
          word.back() += '"';
          ++i;
          continue;
        }
        break;
      }
      if (c == ' ') {
        word.emplace_back();
      } else {
        word.back() += c;
      }
    }
    if (i >= text.size() || text[i] != '*') return false;
    ++i;
    if (std::any_of(word.begin(), word.end(), [](const std::string& t) { return t.empty(); })) {
      return false;
    }
    out.words.push_back(std::move(word));
  }
  return !out.words.empty();
}

}  // namespace brisk::store
