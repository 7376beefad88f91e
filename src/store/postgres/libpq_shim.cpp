#include "store/postgres/libpq_shim.hpp"

#include <dlfcn.h>
#include <libpq-fe.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace brisk::store::postgres {

namespace {

// Every libpq function brisk calls. A new call site that uses a function
// not listed here fails to link (undefined reference), never at run time.
#define BRISK_LIBPQ(X)    \
  X(PQclear)              \
  X(PQconnectdbParams)    \
  X(PQconsumeInput)       \
  X(PQenterPipelineMode)  \
  X(PQerrorMessage)       \
  X(PQexec)               \
  X(PQexecParams)         \
  X(PQfinish)             \
  X(PQflush)              \
  X(PQgetResult)          \
  X(PQgetisnull)          \
  X(PQgetlength)          \
  X(PQgetvalue)           \
  X(PQisBusy)             \
  X(PQntuples)            \
  X(PQpipelineSync)       \
  X(PQprepare)            \
  X(PQresultErrorField)   \
  X(PQresultErrorMessage) \
  X(PQresultStatus)       \
  X(PQsendPrepare)        \
  X(PQsendQueryParams)    \
  X(PQsendQueryPrepared)  \
  X(PQsetNoticeProcessor) \
  X(PQsetSingleRowMode)   \
  X(PQsetnonblocking)     \
  X(PQsocket)             \
  X(PQstatus)

// The resolved functions, typed from the header's own declarations.
struct Table {
// NOLINTNEXTLINE(bugprone-macro-parentheses): a declaration, not an expression
#define BRISK_LIBPQ_FIELD(name) decltype(&::name) name = nullptr;
  BRISK_LIBPQ(BRISK_LIBPQ_FIELD)
#undef BRISK_LIBPQ_FIELD
};

Table table;
std::once_flag once;
std::string failure;  // set once, under `once`; empty when loaded

void load() {
  // The soname: the ABI brisk was built against, not the -dev symlink.
  void* lib = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* e = dlerror();
    failure = std::string("PostgreSQL support needs libpq (Debian: apt install libpq5): ") +
              (e ? e : "libpq.so.5 not found");
    return;
  }
  Table t;
#define BRISK_LIBPQ_LOAD(name)                                                                   \
  t.name = reinterpret_cast<decltype(t.name)>(dlsym(lib, #name));                                \
  if (!t.name) {                                                                                 \
    failure =                                                                                    \
        "libpq.so.5 is too old for brisk: it has no " #name " (PostgreSQL 14's libpq or newer)"; \
    return;                                                                                      \
  }
  BRISK_LIBPQ(BRISK_LIBPQ_LOAD)
#undef BRISK_LIBPQ_LOAD
  table = t;
}

// For the forwarders: a libpq function called before a successful
// load_libpq() is a bug in brisk, not a state to run on in.
const Table& loaded() {
  std::string why;
  if (!load_libpq(why)) {
    std::fprintf(stderr, "brisk: libpq called but not loaded: %s\n", why.c_str());
    std::abort();
  }
  return table;
}

}  // namespace

bool load_libpq(std::string& why) {
  std::call_once(once, load);
  if (failure.empty()) return true;
  why = failure;
  return false;
}

}  // namespace brisk::store::postgres

// The forwarders, with libpq's names and C linkage: the header declares
// them, these define them. Each forwards its arguments unchanged.
extern "C" {

using brisk::store::postgres::loaded;

void PQclear(PGresult* res) {
  loaded().PQclear(res);
}
PGconn* PQconnectdbParams(const char* const* keywords, const char* const* values,
                          int expand_dbname) {
  return loaded().PQconnectdbParams(keywords, values, expand_dbname);
}
int PQconsumeInput(PGconn* conn) {
  return loaded().PQconsumeInput(conn);
}
int PQenterPipelineMode(PGconn* conn) {
  return loaded().PQenterPipelineMode(conn);
}
char* PQerrorMessage(const PGconn* conn) {
  return loaded().PQerrorMessage(conn);
}
PGresult* PQexec(PGconn* conn, const char* query) {
  return loaded().PQexec(conn, query);
}
PGresult* PQexecParams(PGconn* conn, const char* command, int nParams, const Oid* paramTypes,
                       const char* const* paramValues, const int* paramLengths,
                       const int* paramFormats, int resultFormat) {
  return loaded().PQexecParams(conn, command, nParams, paramTypes, paramValues, paramLengths,
                               paramFormats, resultFormat);
}
void PQfinish(PGconn* conn) {
  loaded().PQfinish(conn);
}
int PQflush(PGconn* conn) {
  return loaded().PQflush(conn);
}
PGresult* PQgetResult(PGconn* conn) {
  return loaded().PQgetResult(conn);
}
int PQgetisnull(const PGresult* res, int tup_num, int field_num) {
  return loaded().PQgetisnull(res, tup_num, field_num);
}
int PQgetlength(const PGresult* res, int tup_num, int field_num) {
  return loaded().PQgetlength(res, tup_num, field_num);
}
char* PQgetvalue(const PGresult* res, int tup_num, int field_num) {
  return loaded().PQgetvalue(res, tup_num, field_num);
}
int PQisBusy(PGconn* conn) {
  return loaded().PQisBusy(conn);
}
int PQntuples(const PGresult* res) {
  return loaded().PQntuples(res);
}
int PQpipelineSync(PGconn* conn) {
  return loaded().PQpipelineSync(conn);
}
PGresult* PQprepare(PGconn* conn, const char* stmtName, const char* query, int nParams,
                    const Oid* paramTypes) {
  return loaded().PQprepare(conn, stmtName, query, nParams, paramTypes);
}
char* PQresultErrorField(const PGresult* res, int fieldcode) {
  return loaded().PQresultErrorField(res, fieldcode);
}
char* PQresultErrorMessage(const PGresult* res) {
  return loaded().PQresultErrorMessage(res);
}
ExecStatusType PQresultStatus(const PGresult* res) {
  return loaded().PQresultStatus(res);
}
int PQsendPrepare(PGconn* conn, const char* stmtName, const char* query, int nParams,
                  const Oid* paramTypes) {
  return loaded().PQsendPrepare(conn, stmtName, query, nParams, paramTypes);
}
int PQsendQueryParams(PGconn* conn, const char* command, int nParams, const Oid* paramTypes,
                      const char* const* paramValues, const int* paramLengths,
                      const int* paramFormats, int resultFormat) {
  return loaded().PQsendQueryParams(conn, command, nParams, paramTypes, paramValues, paramLengths,
                                    paramFormats, resultFormat);
}
int PQsendQueryPrepared(PGconn* conn, const char* stmtName, int nParams,
                        const char* const* paramValues, const int* paramLengths,
                        const int* paramFormats, int resultFormat) {
  return loaded().PQsendQueryPrepared(conn, stmtName, nParams, paramValues, paramLengths,
                                      paramFormats, resultFormat);
}
PQnoticeProcessor PQsetNoticeProcessor(PGconn* conn, PQnoticeProcessor proc, void* arg) {
  return loaded().PQsetNoticeProcessor(conn, proc, arg);
}
int PQsetSingleRowMode(PGconn* conn) {
  return loaded().PQsetSingleRowMode(conn);
}
int PQsetnonblocking(PGconn* conn, int arg) {
  return loaded().PQsetnonblocking(conn, arg);
}
int PQsocket(const PGconn* conn) {
  return loaded().PQsocket(conn);
}
ConnStatusType PQstatus(const PGconn* conn) {
  return loaded().PQstatus(conn);
}

}  // extern "C"
