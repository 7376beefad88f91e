#include "store/postgres/pg.hpp"

#include "store/postgres/libpq_shim.hpp"

#include <stdexcept>

namespace brisk::store::postgres {

namespace {
// One line: libpq's messages end with a newline and may hold several.
std::string one_line(const char* m) {
  std::string s = m ? m : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (char& ch : s) {
    if (ch == '\n' || ch == '\t') ch = ' ';
  }
  return s;
}
}  // namespace

Conn connect(const std::string& url, std::string& error) {
  if (!load_libpq(error)) return nullptr;
  // Defaults first: the URL (dbname, expanded) overrides any of them.
  const char* keys[] = {"connect_timeout",  "keepalives",
                        "keepalives_idle",  "keepalives_interval",
                        "keepalives_count", "application_name",
                        "options",          "client_encoding",
                        "dbname",           nullptr};
  const char* values[] = {
      "5",    "1",         "10",   "5", "3", "brisk", "-c statement_timeout=30000",
      "UTF8", url.c_str(), nullptr};
  Conn c(PQconnectdbParams(keys, values, 1));
  if (!c) {
    error = "out of memory";
    return nullptr;
  }
  if (PQstatus(c.get()) != CONNECTION_OK) {
    error = one_line(PQerrorMessage(c.get()));
    return nullptr;
  }
  // Notices ("relation ... already exists, skipping") are not brisk's output.
  PQsetNoticeProcessor(
      c.get(), [](void*, const char*) {}, nullptr);
  return c;
}

std::string_view sqlstate(const PGresult* r) {
  const char* s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  return s ? std::string_view(s) : std::string_view();
}

std::string message(const PGresult* r) {
  return one_line(r ? PQresultErrorMessage(r) : "no result");
}

std::string message(const PGconn* c) {
  return one_line(PQerrorMessage(c));
}

bool connection_lost(const PGconn* c, const PGresult* r) {
  if (PQstatus(c) != CONNECTION_OK) return true;
  std::string_view st = sqlstate(r);
  // Class 08: connection exception; 57P01..57P03: the server is shutting
  // down or not accepting connections (an administrator or crash).
  return st.starts_with("08") || st == "57P01" || st == "57P02" || st == "57P03";
}

Result exec(PGconn* c, const std::string& sql, const char* what) {
  // The simple protocol: a migration file holds many statements.
  Result r(PQexec(c, sql.c_str()));
  ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    throw std::runtime_error(std::string(what) + ": " + (r ? message(r.get()) : message(c)));
  }
  return r;
}

Result exec(PGconn* c, const std::string& sql,
            const std::vector<std::optional<std::string>>& params, const char* what) {
  std::vector<const char*> v;
  for (const auto& p : params) v.push_back(p ? p->c_str() : nullptr);
  Result r(PQexecParams(c, sql.c_str(), static_cast<int>(v.size()), nullptr, v.data(), nullptr,
                        nullptr, 0));
  ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    throw std::runtime_error(std::string(what) + ": " + (r ? message(r.get()) : message(c)));
  }
  return r;
}

Params& Params::bytea(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(2 + bytes.size() * 2);
  s += "\\x";
  for (unsigned char ch : bytes) {
    s += kHex[ch >> 4];
    s += kHex[ch & 15];
  }
  return text(std::move(s));
}

const char* const* Params::values() {
  ptrs_.clear();
  for (std::size_t i = 0; i < values_.size(); ++i) {
    ptrs_.push_back(null_[i] ? nullptr : values_[i].c_str());
  }
  return ptrs_.data();
}

const int* Params::lengths() {
  lens_.clear();
  for (const std::string& v : values_) lens_.push_back(static_cast<int>(v.size()));
  return lens_.data();
}

std::string bytea_of(std::string_view t) {
  std::string out;
  if (!t.starts_with("\\x")) return out;
  auto nib = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (std::size_t i = 2; i + 1 < t.size(); i += 2) {
    out += static_cast<char>(nib(t[i]) << 4 | nib(t[i + 1]));
  }
  return out;
}

std::int64_t int64_of(const PGresult* r, int row, int col) {
  std::string_view t = text_of(r, row, col);
  std::int64_t v = 0;
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}

bool uuid_of(const PGresult* r, int row, int col, util::Uuid& out) {
  return util::parse_uuid(text_of(r, row, col), out);
}

}  // namespace brisk::store::postgres
