#include "store/sqlite/rank.hpp"

#include <array>

#include "store/fts5.hpp"

namespace brisk::store::sqlite {

namespace {

// tasks_fts's columns (migration 002): title, description, tags.
constexpr int kColumns = 3;
constexpr std::array<double, kColumns> kWeight = {4.0, 1.0, 2.0};
constexpr std::array<double, kColumns> kTypicalLength = {6.0, 16.0, 2.0};
constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
// Words beyond this many share the last slot (a query has at most
// store::kMaxSearchWords = 32).
constexpr int kMaxPhrases = 32;

void rank(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int /*n*/,
          sqlite3_value** /*args*/) {
  int instances = 0;
  if (api->xInstCount(fts, &instances) != SQLITE_OK) {
    sqlite3_result_error(ctx, "brisk_rank: no instances", -1);
    return;
  }
  // hits[phrase][column]
  std::array<std::array<int, kColumns>, kMaxPhrases> hits{};
  for (int i = 0; i < instances; ++i) {
    int phrase = 0, column = 0, offset = 0;
    if (api->xInst(fts, i, &phrase, &column, &offset) != SQLITE_OK) continue;
    if (column < 0 || column >= kColumns || phrase < 0) continue;
    ++hits[phrase < kMaxPhrases ? phrase : kMaxPhrases - 1][column];
  }
  const int phrases = std::min(api->xPhraseCount(fts), kMaxPhrases);
  double score = 0;
  for (int c = 0; c < kColumns; ++c) {
    int length = 0;
    if (api->xColumnSize(fts, c, &length) != SQLITE_OK) length = 0;
    const double norm = 1 - kB + kB * length / kTypicalLength[c];
    for (int p = 0; p < phrases; ++p) {
      const double h = hits[p][c];
      if (h > 0) score += kWeight[c] * h * (kK1 + 1) / (h + kK1 * norm);
    }
  }
  sqlite3_result_double(ctx, -score);
}

}  // namespace

bool register_rank_function(sqlite3* db) {
  fts5_api* api = fts5_api_of(db);
  return api && api->xCreateFunction(api, kRankFunction, nullptr, &rank, nullptr) == SQLITE_OK;
}

}  // namespace brisk::store::sqlite
