// The command line (and BRISK_* environment): parsed and validated into a
// Config, with clear messages for bad values.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace brisk::ops {

enum class AuthMode { kRequired, kOff };

struct Config {
  std::string host = "127.0.0.1";
  unsigned short port = 8000;
  std::string db = "brisk.db";
  AuthMode auth = AuthMode::kRequired;
  bool allow_open = false;
  unsigned threads = 1;
  unsigned db_pool = 0;          // PostgreSQL read connections; 0: two per thread
  unsigned rate_limit = 0;       // requests per second per client; 0: none
  unsigned max_connections = 0;  // 0: http::kDefaultMaxConnections
  // Costly reads stop after this long (--query-timeout); 0: never.
  std::int64_t query_timeout_ms = 2000;
  std::string log_level = "info";
  bool access_log = true;         // a line per request, when the level is info or finer
  bool json_logs = false;         // --log-format json
  bool skip_quick_check = false;  // start without PRAGMA quick_check (huge files)
  bool read_cache = true;         // --read-cache off: every read runs its query (benchmarks)
};

// Splits "HOST:PORT" or "[V6]:PORT"; `localhost` becomes 127.0.0.1.
// Returns false with `error` set on malformed input.
bool parse_listen(const std::string& text, std::string& host, unsigned short& port,
                  std::string& error);

// The cores this process may run on (its affinity mask, as nproc counts
// them), at least 1: the default --threads. Under `taskset -c 0` that is 1,
// and a second event loop on the same core would only add context switches.
unsigned usable_cores();

// True for 127.0.0.0/8 and ::1.
bool is_loopback(const std::string& host);

// "N/s" -> N. Returns false on anything else (N must be 1..1000000).
bool parse_rate_limit(const std::string& text, unsigned& per_second);

// "Nms" or "Ns" (N a whole number; 0 alone: no limit) -> milliseconds, at
// most an hour. Returns false on anything else.
bool parse_timeout(const std::string& text, std::int64_t& ms);

}  // namespace brisk::ops
