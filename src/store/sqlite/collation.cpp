#include "store/sqlite/collation.hpp"

#include <algorithm>

#include "store/sqlite/match.hpp"
#include "store/sqlite/rank.hpp"
#include "store/tokenizer.hpp"

namespace brisk::store::sqlite {

namespace {

constexpr unsigned char fold(unsigned char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c + ('a' - 'A')) : c;
}

int collate(void*, int n1, const void* p1, int n2, const void* p2) {
  return compare_titles({static_cast<const char*>(p1), static_cast<std::size_t>(n1)},
                        {static_cast<const char*>(p2), static_cast<std::size_t>(n2)});
}

}  // namespace

int compare_titles(std::string_view a, std::string_view b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char x = fold(static_cast<unsigned char>(a[i]));
    unsigned char y = fold(static_cast<unsigned char>(b[i]));
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

bool register_title_collation(sqlite3* db) {
  return sqlite3_create_collation_v2(db, kTitleCollation, SQLITE_UTF8, nullptr, &collate,
                                     nullptr) == SQLITE_OK;
}

bool register_extensions(sqlite3* db) {
  return register_tokenizer(db) && register_title_collation(db) && register_rank_function(db) &&
         register_match_function(db);
}

}  // namespace brisk::store::sqlite
