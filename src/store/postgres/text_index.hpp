// What PostgreSQL's indexes hold of a task's text, made by brisk's own
// tokenizer (store/tokenizer.hpp) so that a search matches exactly what it
// matches on SQLite: PostgreSQL's parser and dictionaries never see the
// text. The writer stores `search` as a tsvector literal of the tokens
// (already case- and accent-folded), with their positions and a weight per
// field (title A, tags B, description C), and a query is a tsquery literal
// of the search words: each word a phrase of its tokens (<->) with a prefix
// match on its last token, the words ANDed.
//
// Fields are separated by a gap of positions, so that a phrase never spans
// two fields (FTS5's columns). Tags are one field, joined by spaces as
// SQLite's tags column is.
#pragma once
#include <span>
#include <string>
#include <string_view>

#include "store/search.hpp"

namespace brisk::store::postgres {

// The tsvector literal of a task's searchable text (may be empty: '').
std::string search_vector(std::string_view title, std::string_view description,
                          std::span<const std::string> tags);

// The tsquery literal of `terms` (not empty). `title_only`: every lexeme
// restricted to weight A, the title (relevance's tier 0).
std::string search_query(const SearchTerms& terms, bool title_only = false);

}  // namespace brisk::store::postgres
