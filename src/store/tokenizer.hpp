// The "brisk" FTS5 tokenizer that indexes and queries tasks_fts: SQLite's
// unicode61 tokenizer (case folding; its arguments, e.g. remove_diacritics 2,
// are passed through) whose tokens are further split so that every CJK
// character (ideographs, kana, bopomofo) is a token of its own. Chinese and
// Japanese are written without spaces, so unicode61 alone would index a whole
// sentence as one token; one token per character lets a search for any
// substring match, as a phrase of adjacent characters (docs/DECISIONS.md).
//
// Every connection that reads or writes tasks_fts must register it first.
#pragma once
#include <sqlite3.h>

#include <functional>
#include <string_view>

namespace brisk::store {

struct Fts5Tokenizer;  // fts5.hpp

// The tokenizer arguments tasks_fts is declared with (002_query.sql), used
// when brisk tokenizes search text itself.
inline constexpr const char* kTokenizerArgs[] = {"remove_diacritics", "2"};

// Registers the tokenizer as "brisk" on `db`. Returns false if FTS5 or
// unicode61 is unavailable.
bool register_tokenizer(sqlite3* db);

// Tokenizes `text` as FTS5 tokenizes query text (query = true) or documents,
// calling `token` with each folded token in order. Thread-safe. Returns
// false if the tokenizer is unavailable or fails.
bool tokenize(std::string_view text, bool query,
              const std::function<void(std::string_view)>& token);

// One tokenizer instance kept for many texts (tokenize() creates and
// deletes one per call: unicode61's allocation and argument parsing, about
// a tenth of a per-row search check). Not thread-safe: one user at a time.
class Tokenizer {
 public:
  Tokenizer();
  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  // As tokenize(); false also when the instance could not be created.
  bool run(std::string_view text, bool query,
           const std::function<void(std::string_view)>& token) const;

 private:
  Fts5Tokenizer* t_ = nullptr;  // null: unavailable
};

// True for the code points indexed one per token (CJK ideographs, kana,
// bopomofo).
bool is_cjk(char32_t cp);

}  // namespace brisk::store
