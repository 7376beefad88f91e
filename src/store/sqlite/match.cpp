#include "store/sqlite/match.hpp"

#include <array>
#include <string_view>

#include "store/search_match.hpp"

namespace brisk::store::sqlite {

namespace {

std::string_view text_of(sqlite3_value* v) {
  const unsigned char* p = sqlite3_value_text(v);
  if (!p) return {};
  return {reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_value_bytes(v))};
}

void match(sqlite3_context* ctx, int n, sqlite3_value** args) {
  if (n != 4) {
    sqlite3_result_error(ctx, "brisk_match: four arguments", -1);
    return;
  }
  auto* matcher = static_cast<SearchMatcher*>(sqlite3_get_auxdata(ctx, 0));
  if (!matcher) {
    SearchTerms terms;
    if (!parse_search_text(text_of(args[0]), terms)) {
      sqlite3_result_error(ctx, "brisk_match: not a search text", -1);
      return;
    }
    sqlite3_set_auxdata(ctx, 0, new SearchMatcher(std::move(terms)),
                        [](void* p) { delete static_cast<SearchMatcher*>(p); });
    // SQLite may drop it at once (under memory pressure): ask again.
    matcher = static_cast<SearchMatcher*>(sqlite3_get_auxdata(ctx, 0));
    if (!matcher) {
      sqlite3_result_error_nomem(ctx);
      return;
    }
  }
  const std::array<std::string_view, 3> columns = {text_of(args[1]), text_of(args[2]),
                                                   text_of(args[3])};
  sqlite3_result_int(ctx, matcher->matches(columns) ? 1 : 0);
}

}  // namespace

bool register_match_function(sqlite3* db) {
  return sqlite3_create_function_v2(db, kMatchFunction, 4,
                                    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, nullptr,
                                    &match, nullptr, nullptr, nullptr) == SQLITE_OK;
}

}  // namespace brisk::store::sqlite
