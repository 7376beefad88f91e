// The tsvector and tsquery literals the PostgreSQL store writes and
// searches with: brisk's tokens, positions per field, weights, quoting.
#include "store/postgres/text_index.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/postgres/pg.hpp"
#include "store/search.hpp"

namespace brisk::store::postgres {
namespace {

TEST(SearchVector, FoldsTokensAndWeighsFieldsApart) {
  // Title A from position 1; tags B and description C each after a gap, so
  // a phrase cannot run from one field into the next.
  std::vector<std::string> tags = {"x y", "Été"};
  EXPECT_EQ(search_vector("Café Report", "the report", tags),
            "'cafe':1A 'ete':15B 'report':2A,27C 'the':26C 'x':13B 'y':14B");
  EXPECT_EQ(search_vector("", "", {}), "");
}

TEST(SearchVector, CjkCharactersAreTokensOfTheirOwn) {
  EXPECT_EQ(search_vector("月次報告", "", {}), "'告':4A '報':3A '月':1A '次':2A");
}

TEST(SearchVector, RepeatedTokensKeepEveryPosition) {
  EXPECT_EQ(search_vector("a a b", "", {}), "'a':1A,2A 'b':3A");
}

TEST(SearchQuery, WordsArePrefixPhrasesAnded) {
  SearchTerms t;
  ASSERT_EQ(parse_search("Rép e-mail 東京", t), SearchStatus::kOk);
  EXPECT_EQ(search_query(t), "'rep':* & ('e' <-> 'mail':*) & ('東' <-> '京':*)");
  // Relevance's tier 0: every lexeme in the title (weight A).
  EXPECT_EQ(search_query(t, true), "'rep':*A & ('e':A <-> 'mail':*A) & ('東':A <-> '京':*A)");
}

TEST(ByteaArray, EveryByteSurvivesIncludingNulAndQuotes) {
  std::vector<std::string> tags = {std::string("t\0", 2), "a\"b\\c"};
  // Elements are \x hex inside double quotes, the backslash escaped.
  EXPECT_EQ(bytea_array(tags), "{\"\\\\x7400\",\"\\\\x6122625c63\"}");
  EXPECT_EQ(bytea_of("\\x7400"), std::string("t\0", 2));
}

}  // namespace
}  // namespace brisk::store::postgres
