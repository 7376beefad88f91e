// The "brisk_title" collation of the title sort (index tasks_owner_title,
// migration 005): ASCII letters compare case-insensitively, every other byte
// by value (UTF-8 bytes, so code point order), a prefix before any longer
// string. It is the order API.md gives for sort=title; ties are broken by id
// in the index itself.
//
// Every connection that writes tasks or sorts by title must register it
// (register_extensions does, with the tokenizer).
#pragma once
#include <sqlite3.h>

#include <string_view>

namespace brisk::store::sqlite {

inline constexpr const char* kTitleCollation = "brisk_title";

// <0, 0 or >0 as `a` sorts before, with or after `b`.
int compare_titles(std::string_view a, std::string_view b);

bool register_title_collation(sqlite3* db);

// The tokenizer, the collation and brisk_rank (rank.hpp): what every brisk
// connection needs before it touches tasks. Returns false if SQLite lacks FTS5 or unicode61.
bool register_extensions(sqlite3* db);

}  // namespace brisk::store::sqlite
