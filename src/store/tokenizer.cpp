#include "store/tokenizer.hpp"

#include <mutex>
#include <new>

#include "store/fts5.hpp"
#include "store/sqlite_library.hpp"

namespace brisk::store {

fts5_api* fts5_api_of(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &s, nullptr) == SQLITE_OK) {
    sqlite3_bind_pointer(s, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
    sqlite3_step(s);
  }
  sqlite3_finalize(s);
  return api && api->iVersion >= 2 ? api : nullptr;
}

namespace {

// unicode61, found once on a private connection that stays open for the
// life of the process: its xCreate/xTokenize are SQLite's own functions and
// need no particular connection, so every brisk tokenizer can wrap them.
struct Parent {
  bool ok = false;
  fts5_tokenizer api{};
  void* ctx = nullptr;
};

const Parent& parent() {
  static Parent p;
  static std::once_flag once;
  std::call_once(once, [] {
    configure_sqlite_library();
    sqlite3* host = nullptr;
    if (sqlite3_open_v2(":memory:", &host, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
        SQLITE_OK) {
      sqlite3_close_v2(host);
      return;
    }
    fts5_api* api = fts5_api_of(host);
    if (api && api->xFindTokenizer(api, "unicode61", &p.ctx, &p.api) == SQLITE_OK) p.ok = true;
    // `host` is intentionally never closed: p.ctx belongs to it.
  });
  return p;
}

struct Instance {
  Fts5Tokenizer* inner;
};

using TokenFn = int (*)(void*, int, const char*, int, int, int);

struct SplitCtx {
  void* ctx;
  TokenFn token;
};

// Decodes the code point at s[i] (valid UTF-8 from unicode61) and advances i.
char32_t next_code_point(const char* s, int n, int& i) {
  auto b = static_cast<unsigned char>(s[i++]);
  if (b < 0x80) return b;
  int more = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : 1;
  char32_t cp = b & (0x3F >> more);
  for (; more > 0 && i < n; --more) cp = cp << 6 | (static_cast<unsigned char>(s[i++]) & 0x3F);
  return cp;
}

// Forwards a unicode61 token, split at CJK characters.
int split(void* p, int tflags, const char* tok, int n, int start, int end) {
  auto* s = static_cast<SplitCtx*>(p);
  int run = 0;  // start of the pending non-CJK run
  int i = 0;
  while (i < n) {
    int at = i;
    if (!is_cjk(next_code_point(tok, n, i))) continue;
    if (at > run) {
      if (int rc = s->token(s->ctx, tflags, tok + run, at - run, start, end); rc != SQLITE_OK) {
        return rc;
      }
      tflags = 0;
    }
    if (int rc = s->token(s->ctx, tflags, tok + at, i - at, start, end); rc != SQLITE_OK) return rc;
    tflags = 0;
    run = i;
  }
  if (run == 0) return s->token(s->ctx, tflags, tok, n, start, end);  // no CJK: as is
  if (n > run) return s->token(s->ctx, tflags, tok + run, n - run, start, end);
  return SQLITE_OK;
}

int create(void*, const char** args, int n, Fts5Tokenizer** out) {
  const Parent& par = parent();
  if (!par.ok) return SQLITE_ERROR;
  Fts5Tokenizer* inner = nullptr;
  if (int rc = par.api.xCreate(par.ctx, args, n, &inner); rc != SQLITE_OK) return rc;
  auto* inst = new (std::nothrow) Instance{inner};
  if (!inst) {
    par.api.xDelete(inner);
    return SQLITE_NOMEM;
  }
  *out = reinterpret_cast<Fts5Tokenizer*>(inst);
  return SQLITE_OK;
}

void destroy(Fts5Tokenizer* t) {
  auto* inst = reinterpret_cast<Instance*>(t);
  parent().api.xDelete(inst->inner);
  delete inst;
}

int run(Fts5Tokenizer* t, void* ctx, int flags, const char* text, int n, TokenFn token) {
  SplitCtx s{ctx, token};
  return parent().api.xTokenize(reinterpret_cast<Instance*>(t)->inner, &s, flags, text, n, split);
}

fts5_tokenizer kBrisk{create, destroy, run};

}  // namespace

bool is_cjk(char32_t c) {
  return (c >= 0x3005 && c <= 0x3007) ||  // 々 〆 〇
         (c >= 0x3040 && c <= 0x30FF) ||  // hiragana, katakana
         (c >= 0x3100 && c <= 0x312F) ||  // bopomofo
         (c >= 0x31A0 && c <= 0x31BF) ||  // bopomofo extended
         (c >= 0x31F0 && c <= 0x31FF) ||  // katakana phonetic extensions
         (c >= 0x3400 && c <= 0x4DBF) ||  // CJK extension A
         (c >= 0x4E00 && c <= 0x9FFF) ||  // CJK unified ideographs
         (c >= 0xF900 && c <= 0xFAFF) ||  // CJK compatibility ideographs
         (c >= 0xFF66 && c <= 0xFF9F) ||  // halfwidth katakana
         (c >= 0x20000 && c <= 0x323AF);  // CJK extensions B..H
}

bool register_tokenizer(sqlite3* db) {
  if (!parent().ok) return false;
  fts5_api* api = fts5_api_of(db);
  return api && api->xCreateTokenizer(api, "brisk", nullptr, &kBrisk, nullptr) == SQLITE_OK;
}

Tokenizer::Tokenizer() {
  if (create(nullptr, const_cast<const char**>(kTokenizerArgs), 2, &t_) != SQLITE_OK) {
    t_ = nullptr;
  }
}

Tokenizer::~Tokenizer() {
  if (t_) destroy(t_);
}

bool Tokenizer::run(std::string_view text, bool query,
                    const std::function<void(std::string_view)>& token) const {
  if (!t_) return false;
  auto emit = [](void* p, int, const char* tok, int n, int, int) {
    (*static_cast<const std::function<void(std::string_view)>*>(p))(
        std::string_view(tok, static_cast<std::size_t>(n)));
    return SQLITE_OK;
  };
  const int rc = brisk::store::run(t_, const_cast<std::function<void(std::string_view)>*>(&token),
                                   query ? kFts5TokenizeQuery : kFts5TokenizeDocument, text.data(),
                                   static_cast<int>(text.size()), emit);
  return rc == SQLITE_OK;
}

bool tokenize(std::string_view text, bool query,
              const std::function<void(std::string_view)>& token) {
  return Tokenizer().run(text, query, token);
}

}  // namespace brisk::store
