// brisk_rank(tasks_fts): the relevance of one full-text match on SQLite,
// lower is better (as store::ListPosition::rank is).
//
// Unlike bm25(), it depends on the task's own text and the query only: no
// statistics of the whole index (bm25's inverse document frequency reads
// every match of each word once per statement, which made a page of a word
// in 800k tasks cost 40 ms before the first row). So a rank never changes
// while other tasks are added or removed, and a cursor's (rank, id) keeps
// its place in a window (store/sqlite/lister_relevance.cpp).
//
// Score, per word and column: the word's hits h in the column, saturated as
// bm25 does (h (k1 + 1) / (h + k1 (1 - b + b len / typical)), k1 = 1.2,
// b = 0.75) against a fixed typical length per column instead of the
// index's average, weighted title 4, tags 2, description 1 (bm25(tasks_fts,
// 4, 1, 2) weighted them so); summed; the rank is its negation.
#pragma once
#include <sqlite3.h>

namespace brisk::store::sqlite {

inline constexpr const char* kRankFunction = "brisk_rank";

// Registers brisk_rank on `db` (FTS5 must be available). False on failure.
bool register_rank_function(sqlite3* db);

}  // namespace brisk::store::sqlite
