#include "store/tokenizer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/search.hpp"

namespace brisk::store {
namespace {

std::vector<std::string> tokens(std::string_view text, bool query = false) {
  std::vector<std::string> out;
  EXPECT_TRUE(tokenize(text, query, [&](std::string_view t) { out.emplace_back(t); }));
  return out;
}

using Tokens = std::vector<std::string>;

TEST(Tokenizer, FoldsCaseAndDiacritics) {
  EXPECT_EQ(tokens("Write the REPORT"), (Tokens{"write", "the", "report"}));
  EXPECT_EQ(tokens("Café crème brûlée"), (Tokens{"cafe", "creme", "brulee"}));
  EXPECT_EQ(tokens("ZOË Ångström naïve"), (Tokens{"zoe", "angstrom", "naive"}));
}

TEST(Tokenizer, PunctuationSeparates) {
  EXPECT_EQ(tokens("e-mail: \"quoted\" (x) a*b NEAR/3"),
            (Tokens{"e", "mail", "quoted", "x", "a", "b", "near", "3"}));
  EXPECT_TRUE(tokens("!?*\"()-:^{}").empty());
  EXPECT_TRUE(tokens("").empty());
}

TEST(Tokenizer, EveryCjkCharacterIsAToken) {
  EXPECT_EQ(tokens("月次報告書"), (Tokens{"月", "次", "報", "告", "書"}));
  EXPECT_EQ(tokens("東京タワーを予約"), (Tokens{"東", "京", "タ", "ワ", "ー", "を", "予", "約"}));
  // Mixed with other letters: the non-CJK runs stay whole.
  EXPECT_EQ(tokens("Tokyo東京Tower 2026年"), (Tokens{"tokyo", "東", "京", "tower", "2026", "年"}));
  // Korean is written with spaces: words stay whole.
  EXPECT_EQ(tokens("보고서 작성"), (Tokens{"보고서", "작성"}));
  // Fullwidth punctuation separates.
  EXPECT_EQ(tokens("会議、報告。"), (Tokens{"会", "議", "報", "告"}));
}

TEST(Tokenizer, QueriesTokenizeLikeDocuments) {
  for (std::string_view t : {"Café Report", "月次報告書", "e-mail", "Tokyo東京"}) {
    EXPECT_EQ(tokens(t, true), tokens(t, false)) << t;
  }
}

// One instance for many texts (SearchMatcher's) gives each text the tokens
// a new instance gives it: nothing of one text carries into the next.
TEST(Tokenizer, AKeptInstanceTokenizesEachTextAfresh) {
  const Tokenizer kept;
  for (std::string_view t :
       {"Café Report", "月次報告書", "", "e-mail: x", "Tokyo東京Tower", "ZOË"}) {
    std::vector<std::string> out;
    EXPECT_TRUE(kept.run(t, false, [&](std::string_view tok) { out.emplace_back(tok); }));
    EXPECT_EQ(out, tokens(t)) << t;
  }
}

TEST(Tokenizer, CjkRanges) {
  EXPECT_TRUE(is_cjk(U'報'));
  EXPECT_TRUE(is_cjk(U'あ'));
  EXPECT_TRUE(is_cjk(U'ア'));
  EXPECT_TRUE(is_cjk(U'ｱ'));
  EXPECT_TRUE(is_cjk(U'々'));
  EXPECT_TRUE(is_cjk(U'\U00020B9F'));  // 𠮟, extension B
  EXPECT_FALSE(is_cjk(U'a'));
  EXPECT_FALSE(is_cjk(U'é'));
  EXPECT_FALSE(is_cjk(U'보'));
  EXPECT_FALSE(is_cjk(U'、'));
}

// ---------------------------------------------------------------- parse_search

// The canonical text (= FTS5 query) of a search.
std::string search(std::string_view text) {
  SearchTerms out;
  EXPECT_EQ(parse_search(text, out), SearchStatus::kOk) << text;
  return search_text(out);
}

TEST(ParseSearch, WordsArePrefixPhrasesJoinedByAnd) {
  EXPECT_EQ(search("report"), R"("report"*)");
  EXPECT_EQ(search("  Weekly   REPORT "), R"("weekly"* AND "report"*)");
  EXPECT_EQ(search("e-mail"), R"("e mail"*)");
  EXPECT_EQ(search("東京タワー"), R"("東 京 タ ワ ー"*)");
  EXPECT_EQ(search("Café"), search("cafe"));
}

TEST(ParseSearch, SplitsAtUnicodeWhiteSpace) {
  EXPECT_EQ(search("a\u00A0b"), R"("a"* AND "b"*)");
  EXPECT_EQ(search("a\u3000b"), R"("a"* AND "b"*)");
  EXPECT_EQ(search("a\u2003b\tc\nd"), R"("a"* AND "b"* AND "c"* AND "d"*)");
}

TEST(ParseSearch, SyntaxCharactersAreNeverOperators) {
  EXPECT_EQ(search("\"report"), R"("report"*)");
  EXPECT_EQ(search("NEAR(a b)"), R"("near a"* AND "b"*)");
  EXPECT_EQ(search("a OR b NOT c"), R"("a"* AND "or"* AND "b"* AND "not"* AND "c"*)");
  EXPECT_EQ(search("title:x"), R"("title x"*)");
  EXPECT_EQ(search("-x *y ^z"), R"("x"* AND "y"* AND "z"*)");
  EXPECT_EQ(search("{title description}: x"), R"("title"* AND "description"* AND "x"*)");
  // Punctuation-only words are dropped; the rest still searches.
  EXPECT_EQ(search("!!! report ???"), R"("report"*)");
}

TEST(ParseSearch, NothingSearchable) {
  SearchTerms out{{{"stale"}}};
  for (std::string_view t : {"", " ", "\t\n", "\"", "\"\"", "*", "-", "()", "!?.,;:", "\u3000"}) {
    EXPECT_EQ(parse_search(t, out), SearchStatus::kNoWords) << t;
    EXPECT_TRUE(out.empty()) << t;
  }
}

TEST(ParseSearch, AtMostMaxWords) {
  std::string text;
  SearchTerms out;
  for (int i = 0; i < kMaxSearchWords; ++i) text += "w" + std::to_string(i) + " ";
  EXPECT_EQ(parse_search(text, out), SearchStatus::kOk);
  EXPECT_EQ(parse_search(text + "! ? -", out), SearchStatus::kOk) << "punctuation is no word";
  EXPECT_EQ(parse_search(text + "more", out), SearchStatus::kTooManyWords);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace brisk::store
