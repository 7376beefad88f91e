// The parts of SQLite's FTS5 extension API that brisk uses (a custom
// tokenizer and a ranking function). Debian's libsqlite3-dev ships no fts5.h; these declarations
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

struct Fts5Context;  // opaque: the row an auxiliary function is called for

// The first members of Fts5ExtensionApi (version 2), up to those brisk
// calls; the struct is only ever used through SQLite's pointer.
struct Fts5ExtensionApi {
  int iVersion;
  void* (*xUserData)(Fts5Context*);
  int (*xColumnCount)(Fts5Context*);
  int (*xRowCount)(Fts5Context*, sqlite3_int64* pnRow);
  int (*xColumnTotalSize)(Fts5Context*, int iCol, sqlite3_int64* pnToken);
  int (*xTokenize)(Fts5Context*, const char* pText, int nText, void* pCtx,
                   int (*xToken)(void*, int, const char*, int, int, int));
  int (*xPhraseCount)(Fts5Context*);
  int (*xPhraseSize)(Fts5Context*, int iPhrase);
  int (*xInstCount)(Fts5Context*, int* pnInst);
  int (*xInst)(Fts5Context*, int iIdx, int* piPhrase, int* piCol, int* piOff);
  sqlite3_int64 (*xRowid)(Fts5Context*);
  int (*xColumnText)(Fts5Context*, int iCol, const char** pz, int* pn);
  int (*xColumnSize)(Fts5Context*, int iCol, int* pnToken);
};

using fts5_extension_function = void (*)(const Fts5ExtensionApi* pApi, Fts5Context* pFts,
                                         sqlite3_context* pCtx, int nVal, sqlite3_value** apVal);

struct fts5_api {
  int iVersion;
  int (*xCreateTokenizer)(fts5_api* pApi, const char* zName, void* pContext,
                          fts5_tokenizer* pTokenizer, void (*xDestroy)(void*));
  int (*xFindTokenizer)(fts5_api* pApi, const char* zName, void** ppContext,
                        fts5_tokenizer* pTokenizer);
  int (*xCreateFunction)(fts5_api* pApi, const char* zName, void* pContext,
                         fts5_extension_function xFunction, void (*xDestroy)(void*));
};

inline constexpr int kFts5TokenizeQuery = 0x0001;
inline constexpr int kFts5TokenizeDocument = 0x0004;

// The FTS5 API of a connection, or null if FTS5 is not available.
fts5_api* fts5_api_of(sqlite3* db);

}  // namespace brisk::store
