// brisk serve's log: spdlog's "brisk" logger on standard error, as text
// ("[time] [brisk] [level] message") or JSON Lines for log shippers, one
// object per line with ts (UTC, ms), level, logger and msg.
#pragma once
#include <string>

namespace brisk::ops {

enum class LogFormat { kText, kJson };

// Installs the default logger. `level` is one of spdlog's level names.
void setup_logging(const std::string& level, LogFormat format);

// One message as a JSON line (what the JSON formatter writes), for tests.
std::string json_log_line(long long unix_ms, const std::string& level, const std::string& msg);

}  // namespace brisk::ops
