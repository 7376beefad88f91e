#include "store/sqlite/collation.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <string>
#include <vector>

#include "store/sqlite/db.hpp"

namespace brisk::store::sqlite {
namespace {

using namespace std::string_literals;

TEST(TitleCollation, FoldsAsciiLettersOnly) {
  EXPECT_EQ(compare_titles("Report", "report"), 0);
  EXPECT_LT(compare_titles("apple", "Banana"), 0);
  EXPECT_GT(compare_titles("Zebra", "apple"), 0);
  // Not folded: non-ASCII letters compare by code point (UTF-8 byte order).
  EXPECT_NE(compare_titles("\xc3\x89t\xc3\xa9", "\xc3\xa9t\xc3\xa9"), 0);  // Été / été
  EXPECT_LT(compare_titles("z", "\xc3\xa9"), 0);                           // z < é (U+00E9)
  // Letters fold to lowercase, so '_' (0x5F) sorts before every letter:
  // "A_" compares as "a_".
  EXPECT_LT(compare_titles("A_", "ab"), 0);
  EXPECT_LT(compare_titles("_", "A"), 0);
}

TEST(TitleCollation, PrefixFirstAndNulIsAByte) {
  EXPECT_LT(compare_titles("task", "Task 2"), 0);
  EXPECT_EQ(compare_titles("", ""), 0);
  EXPECT_LT(compare_titles("", "a"), 0);
  // A title may hold U+0000; it compares as a byte like any other.
  EXPECT_LT(compare_titles("a\0b"s, "a\0c"s), 0);
  EXPECT_GT(compare_titles("a\0c"s, "a\0B"s), 0);
}

// The collation orders rows exactly as the former title_key (ASCII letters
// lowered, compared BINARY), through SQLite, NULs included.
TEST(TitleCollation, OrdersLikeTheLoweredTitleInSqlite) {
  Db db;
  ASSERT_EQ(db.open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr), "");
  ASSERT_TRUE(register_title_collation(db.get()));
  ASSERT_EQ(db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, title TEXT NOT NULL);"
                    "CREATE INDEX t_title ON t (title COLLATE brisk_title, id);"),
            "");
  const std::vector<std::string> titles = {
      "beta", "Alpha", "alpha", "ALPHA2", "a\0z"s, "a\0Y"s, "\xc3\xa9t\xc3\xa9",
      "Zed",  "_x",    "",      "[x",     "a",     "A"};
  Stmt ins = db.prepare("INSERT INTO t (title) VALUES (?1)");
  for (const std::string& t : titles) {
    ins.bind(1, std::string_view(t));
    ASSERT_EQ(ins.step(), SQLITE_DONE);
    ins.reset();
  }
  auto lowered = [](std::string s) {
    for (char& c : s) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    return s;
  };
  std::vector<std::pair<std::string, int>> expected;
  for (std::size_t i = 0; i < titles.size(); ++i) {
    expected.emplace_back(lowered(titles[i]), static_cast<int>(i + 1));
  }
  std::sort(expected.begin(), expected.end());
  Stmt q = db.prepare("SELECT id FROM t INDEXED BY t_title ORDER BY title COLLATE brisk_title, id");
  std::vector<int> got;
  while (q.step() == SQLITE_ROW) got.push_back(static_cast<int>(q.int64(0)));
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i], expected[i].second) << "position " << i;
  }
  // A range from a lowered key finds the same rows as comparing the lowered titles.
  Stmt r = db.prepare("SELECT count(*) FROM t WHERE title COLLATE brisk_title > ?1");
  r.bind(1, std::string_view("alpha"));
  ASSERT_EQ(r.step(), SQLITE_ROW);
  std::int64_t n = 0;
  for (const auto& e : expected) n += e.first > "alpha" ? 1 : 0;
  EXPECT_EQ(r.int64(0), n);
}

}  // namespace
}  // namespace brisk::store::sqlite
