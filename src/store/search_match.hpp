// A search decided for one task's text in brisk, with the answer tasks_fts
// gives: each column is tokenized as FTS5 tokenizes documents (the same
// "brisk" tokenizer, tokenizer.hpp), and a word (its tokens, search.hpp)
// matches a run of adjacent tokens within one column, the last one by
// prefix; every word must match, each in any column. Equivalent to
// `tasks_fts MATCH search_text(terms)` for the row.
//
// Why: a sorted list of a common word walks the sort key's index and checks
// each row (list_plan.hpp). Tokenizing a row costs microseconds; asking the
// full-text index about one row costs ~100 us (FTS5 parses the query and
// opens every segment per call), and building the set of every match costs
// in proportion to the matches (228 ms at 1M tasks for a word in 80%).
#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/search.hpp"
#include "store/tokenizer.hpp"

namespace brisk::store {

class SearchMatcher {
 public:
  explicit SearchMatcher(SearchTerms terms);

  // `columns`: a task's title, description and tags (joined by spaces, as
  // tasks_fts holds them); an empty view for a missing one.
  bool matches(std::span<const std::string_view> columns);

 private:
  // Marks in found_ the words that match a run of tokens_.
  void mark_found();

  SearchTerms terms_;
  Tokenizer tokenizer_;              // one for every row
  std::vector<std::string> tokens_;  // the current column's; reused
  std::size_t count_ = 0;            // tokens_[0, count_) hold them
  std::vector<char> found_;          // per word
};

// The terms whose search_text() is `text` (the inverse: the FTS5 query
// text of a search). False if `text` is not such a text.
bool parse_search_text(std::string_view text, SearchTerms& out);

}  // namespace brisk::store
