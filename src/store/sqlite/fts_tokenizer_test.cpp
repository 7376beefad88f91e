// brisk's tokenizer registered with SQLite's FTS5 (tasks_fts): documents
// and searches tokenized alike, so search_text() queries match.
#include <gtest/gtest.h>

#include <string>

#include "store/search.hpp"
#include "store/sqlite/db.hpp"
#include "store/tokenizer.hpp"

namespace brisk::store::sqlite {
namespace {

TEST(Tokenizer, RegistersOnAConnection) {
  Db db;
  ASSERT_EQ(db.open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr), "");
  ASSERT_TRUE(register_tokenizer(db.get()));
  EXPECT_EQ(db.exec("CREATE VIRTUAL TABLE f USING fts5(a, tokenize = 'brisk remove_diacritics 2');"
                    "INSERT INTO f (rowid, a) VALUES (1, 'Le café de Zoë'), (2, '月次報告書'),"
                    " (3, 'reporting');"),
            "");
  auto match = [&](std::string_view q) {
    SearchTerms terms;
    EXPECT_EQ(parse_search(q, terms), SearchStatus::kOk) << q;
    const std::string expr = search_text(terms);
    Stmt s = db.prepare(
        "SELECT group_concat(rowid) FROM (SELECT rowid FROM f WHERE f MATCH ?1 "
        "ORDER BY rowid)");
    s.bind(1, std::string_view(expr));
    EXPECT_EQ(s.step(), SQLITE_ROW) << db.error();
    return std::string(s.text(0));
  };
  EXPECT_EQ(match("cafe"), "1");
  EXPECT_EQ(match("CAFÉ zoe"), "1");
  EXPECT_EQ(match("rep"), "3");
  EXPECT_EQ(match("報告"), "2");
  EXPECT_EQ(match("報"), "2");
  EXPECT_EQ(match("次報告"), "2");
  EXPECT_EQ(match("告報"), "") << "CJK characters must be adjacent and in order";
  EXPECT_EQ(match("cafe nothing"), "") << "every word must match";
  EXPECT_EQ(match("\"de\" (café)"), "1");
}

TEST(Tokenizer, UnregisteredConnectionCannotUseTheIndex) {
  Db db;
  ASSERT_EQ(db.open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr), "");
  EXPECT_NE(db.exec("CREATE VIRTUAL TABLE f USING fts5(a, tokenize = 'brisk');"), "");
}

}  // namespace
}  // namespace brisk::store::sqlite
