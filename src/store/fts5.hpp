// The parts of SQLite's FTS5 extension API that brisk uses (custom
// tokenizers). Debian's libsqlite3-dev ships no fts5.h; these declarations
// follow the public, stable ABI of fts5.h (API version 2, SQLite >= 3.20).
#pragma once
#include <sqlite3.h>

namespace brisk::store {

struct Fts5Tokenizer;  // opaque: one tokenizer instance

struct fts5_tokenizer {
  int (*xCreate)(void* ctx, const char** azArg, int nArg, Fts5Tokenizer** ppOut);
  void (*xDelete)(Fts5Tokenizer*);
  int (*xTokenize)(Fts5Tokenizer*, void* pCtx, int flags, const char* pText, int nText,
                   int (*xToken)(void* pCtx, int tflags, const char* pToken, int nToken, int iStart,
                                 int iEnd));
};

struct fts5_api {
  int iVersion;
  int (*xCreateTokenizer)(fts5_api* pApi, const char* zName, void* pContext,
                          fts5_tokenizer* pTokenizer, void (*xDestroy)(void*));
  int (*xFindTokenizer)(fts5_api* pApi, const char* zName, void** ppContext,
                        fts5_tokenizer* pTokenizer);
  void (*xCreateFunction)();  // not used by brisk; keeps the layout
};

inline constexpr int kFts5TokenizeQuery = 0x0001;
inline constexpr int kFts5TokenizeDocument = 0x0004;

// The FTS5 API of a connection, or null if FTS5 is not available.
fts5_api* fts5_api_of(sqlite3* db);

}  // namespace brisk::store
