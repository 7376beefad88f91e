#include "store/search_match.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace brisk::store {
namespace {

SearchTerms terms_of(std::string_view q) {
  SearchTerms t;
  EXPECT_EQ(parse_search(q, t), SearchStatus::kOk) << q;
  return t;
}

bool match(std::string_view q, std::string_view title, std::string_view description = {},
           std::string_view tags = {}) {
  SearchMatcher m(terms_of(q));
  const std::array<std::string_view, 3> columns = {title, description, tags};
  return m.matches(columns);
}

TEST(SearchText, ParsesBackWhatSearchTextWrites) {
  for (std::string_view q : {"cafe", "Café  Report", "e-mail 月次報告書 x", "a b c d e f"}) {
    const SearchTerms terms = terms_of(q);
    SearchTerms back;
    ASSERT_TRUE(parse_search_text(search_text(terms), back)) << q;
    EXPECT_EQ(back, terms) << q;
  }
}

TEST(SearchText, RefusesOtherText) {
  SearchTerms t;
  for (std::string_view bad : {"", "cafe", "\"cafe\"", "\"cafe\"* AND", "\"cafe\"* OR \"x\"*",
                               "\"\"*", "\"a  b\"*", "\"cafe*"}) {
    EXPECT_FALSE(parse_search_text(bad, t)) << bad;
  }
}

TEST(SearchMatcher, WordsMatchByPrefixFoldedInAnyColumn) {
  EXPECT_TRUE(match("rep", "Write the REPORT"));
  EXPECT_TRUE(match("CAFÉ", "le cafe"));
  EXPECT_TRUE(match("report cafe", "report", "at the café"));
  EXPECT_TRUE(match("urg", "title", "", "work urgent"));
  EXPECT_FALSE(match("report", "reprt"));
  EXPECT_FALSE(match("port", "report")) << "a prefix of a token, not any part";
  EXPECT_FALSE(match("report nothing", "report")) << "every word must match";
  EXPECT_FALSE(match("x", "", "", ""));
}

TEST(SearchMatcher, AWordOfSeveralTokensIsAPhraseWithinOneColumn) {
  EXPECT_TRUE(match("e-mai", "send the e-mail"));
  EXPECT_TRUE(match("e-mai", "send the e mail"));
  EXPECT_FALSE(match("e-mail", "e", "mail")) << "a phrase never spans two columns";
  EXPECT_FALSE(match("e-mail", "mail e"));
  EXPECT_TRUE(match("次報告", "月次報告書"));
  EXPECT_FALSE(match("告報", "月次報告書"));
  // Tags are one column joined by spaces, as tasks_fts holds them.
  EXPECT_TRUE(match("work-urg", "", "", "work urgent"));
}

TEST(SearchMatcher, ReusableAcrossRows) {
  SearchMatcher m(terms_of("upd team"));
  const std::array<std::string_view, 3> yes = {"Update", "for the team", ""};
  const std::array<std::string_view, 3> no = {"Update", "", "teammate-free"};
  const std::array<std::string_view, 3> long_row = {"a b c d e f g h i j k l m n o p", "", ""};
  EXPECT_TRUE(m.matches(yes));
  EXPECT_TRUE(m.matches(no)) << "team is a prefix of teammate";
  EXPECT_FALSE(m.matches(long_row));
  EXPECT_TRUE(m.matches(yes));
}

}  // namespace
}  // namespace brisk::store
