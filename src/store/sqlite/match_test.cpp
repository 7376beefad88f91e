// brisk_match against FTS5 itself: for random documents and searches, the
// rows brisk_match accepts are exactly those tasks_fts MATCH returns.
#include "store/sqlite/match.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "store/search.hpp"
#include "store/sqlite/collation.hpp"
#include "store/sqlite/db.hpp"

namespace brisk::store::sqlite {
namespace {

constexpr const char* kWords[] = {"update",     "Updated", "up",       "report", "RÉSUMÉ", "resume",
                                  "café",       "cafe",    "e-mail",   "mail",   "e",      "報告",
                                  "月次報告書", "team",    "teammate", "x1",     "naïve",  "a.b"};

std::string text(std::mt19937& rng, int max_words) {
  std::uniform_int_distribution<int> count(0, max_words);
  std::uniform_int_distribution<std::size_t> pick(0, std::size(kWords) - 1);
  std::string s;
  for (int i = count(rng); i > 0; --i) {
    if (!s.empty()) s += ' ';
    s += kWords[pick(rng)];
  }
  return s;
}

TEST(MatchFunction, AgreesWithFts5OnRandomRowsAndSearches) {
  Db db;
  ASSERT_EQ(db.open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr), "");
  ASSERT_TRUE(register_extensions(db.get()));
  // tasks_fts's declaration (migration 008) beside the text it indexes.
  ASSERT_EQ(db.exec("CREATE TABLE docs (seq INTEGER PRIMARY KEY, title, description, tags);"
                    "CREATE VIRTUAL TABLE f USING fts5(title, description, tags, content = '',"
                    " prefix = '1 2 3 4 5 6', tokenize = 'brisk remove_diacritics 2');"),
            "");
  std::mt19937 rng(7);
  Stmt ins = db.prepare("INSERT INTO docs VALUES (?1, ?2, ?3, ?4)");
  Stmt fts = db.prepare("INSERT INTO f (rowid, title, description, tags) VALUES (?1, ?2, ?3, ?4)");
  for (int seq = 1; seq <= 400; ++seq) {
    const std::string title = text(rng, 4), description = text(rng, 6), tags = text(rng, 3);
    for (Stmt* s : {&ins, &fts}) {
      s->bind(1, static_cast<std::int64_t>(seq));
      s->bind(2, std::string_view(title));
      // A missing description or tags is NULL in both, as the writer stores it.
      if (description.empty()) {
        s->bind_null(3);
      } else {
        s->bind(3, std::string_view(description));
      }
      if (tags.empty()) {
        s->bind_null(4);
      } else {
        s->bind(4, std::string_view(tags));
      }
      ASSERT_EQ(s->step(), SQLITE_DONE) << db.error();
      s->reset();
    }
  }
  Stmt by_fts = db.prepare(
      "SELECT group_concat(rowid) FROM (SELECT rowid FROM f WHERE f MATCH ?1 ORDER BY rowid)");
  Stmt by_fn = db.prepare(
      "SELECT group_concat(seq) FROM (SELECT seq FROM docs"
      " WHERE brisk_match(?1, title, description, tags) ORDER BY seq)");
  int searches = 0, nonempty = 0;
  std::uniform_int_distribution<std::size_t> cut(1, 4);
  for (int i = 0; i < 300; ++i) {
    // One to three words, some cut to a prefix.
    std::string q = text(rng, 3);
    if (i % 2 && q.size() > 4) q.resize(q.size() - cut(rng));
    SearchTerms terms;
    if (parse_search(q, terms) != SearchStatus::kOk) continue;
    const std::string expr = search_text(terms);
    std::string want, got;
    for (auto [s, out] : {std::pair{&by_fts, &want}, std::pair{&by_fn, &got}}) {
      s->bind(1, std::string_view(expr));
      ASSERT_EQ(s->step(), SQLITE_ROW) << db.error();
      *out = s->is_null(0) ? "" : std::string(s->text(0));
      s->reset();
    }
    EXPECT_EQ(got, want) << "search " << q << " (" << expr << ")";
    ++searches;
    nonempty += !want.empty();
  }
  // The test means something only if many searches match some rows.
  EXPECT_GT(searches, 200);
  EXPECT_GT(nonempty, 100);
}

TEST(MatchFunction, RefusesWhatIsNotASearchText) {
  Db db;
  ASSERT_EQ(db.open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr), "");
  ASSERT_TRUE(register_extensions(db.get()));
  EXPECT_NE(db.exec("SELECT brisk_match('cafe OR x', 'cafe', NULL, NULL)"), "");
}

}  // namespace
}  // namespace brisk::store::sqlite
