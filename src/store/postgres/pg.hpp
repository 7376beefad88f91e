// Thin C++ over libpq: owning handles for connections and results, text
// parameters, blocking helpers for start-up, and the connection options
// every brisk connection uses. All values cross in libpq's text format.
#pragma once
#include <libpq-fe.h>

#include <charconv>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/uuid.hpp"

namespace brisk::store::postgres {

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using Conn = std::unique_ptr<PGconn, ConnDeleter>;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// Opens a blocking connection to `url` (a postgres:// or postgresql://
// URI, libpq parameters passed through) with brisk's defaults: a connect
// timeout, TCP keep-alives and a statement timeout, so that a dead server
// or network is noticed instead of waited on forever. The URL's own
// parameters win over the defaults. On failure returns null and sets
// `error` to libpq's message (which never contains the password).
Conn connect(const std::string& url, std::string& error);

// The SQLSTATE of a failed result ("" when none).
std::string_view sqlstate(const PGresult* r);
// libpq's message for a failed result or connection, on one line.
std::string message(const PGresult* r);
std::string message(const PGconn* c);
// True when the error means the server or the connection went away (the
// outcome of a statement in flight is unknown), as opposed to an error of
// the statement itself.
bool connection_lost(const PGconn* c, const PGresult* r);

// Runs one statement (no parameters or text parameters) on a blocking
// connection. Throws std::runtime_error with `what` and libpq's message
// unless the status is COMMAND_OK or TUPLES_OK.
Result exec(PGconn* c, const std::string& sql, const char* what);
Result exec(PGconn* c, const std::string& sql,
            const std::vector<std::optional<std::string>>& params, const char* what);

// Text parameters for PQsend*Prepared: owned strings, pointers, lengths.
class Params {
 public:
  void clear() {
    values_.clear();
    null_.clear();
  }
  Params& text(std::string_view v) {
    values_.emplace_back(v);
    null_.push_back(false);
    return *this;
  }
  Params& text(std::string&& v) {
    values_.push_back(std::move(v));
    null_.push_back(false);
    return *this;
  }
  Params& integer(std::int64_t v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return text(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
  }
  Params& integer(const std::optional<std::int64_t>& v) { return v ? integer(*v) : null(); }
  Params& uuid(const util::Uuid& id) {
    char buf[36];
    util::format_uuid(id, buf);
    return text(std::string_view(buf, 36));
  }
  Params& null() {
    values_.emplace_back();
    null_.push_back(true);
    return *this;
  }
  // Bytes as bytea's hex input ("\x..."), so any byte goes through text.
  Params& bytea(std::string_view bytes);
  int size() const { return static_cast<int>(values_.size()); }
  // Pointers valid until the next change.
  const char* const* values();
  const int* lengths();

 private:
  std::vector<std::string> values_;
  std::vector<bool> null_;
  std::vector<const char*> ptrs_;
  std::vector<int> lens_;
};

// The bytes of a bytea value in libpq's text output ("\x" and hex).
std::string bytea_of(std::string_view text);
// A bytea[] literal of `items` (each as its bytes).
template <class Range>
std::string bytea_array(const Range& items) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "{";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += "\"\\\\x";  // "\\x: the element's text is \x...
    for (unsigned char ch : std::string_view(item)) {
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
    out += '"';
  }
  out += '}';
  return out;
}

// Parses libpq text of an integer or a UUID column.
std::int64_t int64_of(const PGresult* r, int row, int col);
bool uuid_of(const PGresult* r, int row, int col, util::Uuid& out);
inline std::string_view text_of(const PGresult* r, int row, int col) {
  return {PQgetvalue(r, row, col), static_cast<std::size_t>(PQgetlength(r, row, col))};
}

}  // namespace brisk::store::postgres
