#include "store/postgres/text_index.hpp"

#include <map>
#include <vector>

#include "store/tokenizer.hpp"

namespace brisk::store::postgres {

namespace {

// PostgreSQL keeps positions 1..16383 (larger ones would be clamped).
constexpr int kMaxPosition = 16383;
// Positions skipped between fields: more than 1, so `<->` cannot bridge them.
constexpr int kFieldGap = 10;

void quote_lexeme(std::string_view tok, std::string& out) {
  out += '\'';
  for (char c : tok) {
    if (c == '\'') out += '\'';  // '' inside quotes
    if (c == '\\') out += '\\';  // backslash escapes the next character
    out += c;
  }
  out += '\'';
}

}  // namespace

std::string search_vector(std::string_view title, std::string_view description,
                          std::span<const std::string> tags) {
  // Token -> its positions, each with its field's weight letter.
  std::map<std::string, std::vector<std::pair<int, char>>, std::less<>> lexemes;
  int pos = 0;
  const Tokenizer tokenizer;  // one for the three fields
  auto field = [&](std::string_view text, char weight) {
    if (text.empty()) return;
    tokenizer.run(text, false, [&](std::string_view tok) {
      if (pos < kMaxPosition) ++pos;
      auto it = lexemes.find(tok);
      if (it == lexemes.end())
        it = lexemes.emplace(std::string(tok), std::vector<std::pair<int, char>>{}).first;
      // PostgreSQL keeps at most 256 positions per lexeme.
      if (it->second.size() < 256) it->second.emplace_back(pos, weight);
    });
    pos = std::min(pos + kFieldGap, kMaxPosition);
  };
  field(title, 'A');
  std::string joined;
  for (const std::string& t : tags) {
    if (!joined.empty()) joined += ' ';
    joined += t;
  }
  field(joined, 'B');
  field(description, 'C');

  std::string out;
  for (const auto& [tok, positions] : lexemes) {
    if (!out.empty()) out += ' ';
    quote_lexeme(tok, out);
    char sep = ':';
    int last = -1;
    for (const auto& [p, w] : positions) {
      if (p == last) continue;  // clamped duplicates
      last = p;
      out += sep;
      out += std::to_string(p);
      out += w;
      sep = ',';
    }
  }
  return out;
}

std::string search_query(const SearchTerms& terms, bool title_only) {
  std::string out;
  for (const std::vector<std::string>& word : terms.words) {
    if (!out.empty()) out += " & ";
    if (word.size() > 1) out += '(';
    for (std::size_t i = 0; i < word.size(); ++i) {
      if (i) out += " <-> ";
      quote_lexeme(word[i], out);
      const bool prefix = i + 1 == word.size();
      if (prefix || title_only) out += ':';
      if (prefix) out += '*';
      if (title_only) out += 'A';
    }
    if (word.size() > 1) out += ')';
  }
  return out;
}

}  // namespace brisk::store::postgres
