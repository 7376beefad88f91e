// Time: RFC 3339 with milliseconds (the API's only format) and HTTP dates.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace brisk::util {

// Milliseconds since the Unix epoch, from the system clock.
std::int64_t now_unix_ms();

// "2026-11-22T09:30:00.123Z": always 24 characters, UTC, milliseconds.
// Valid for years 0000..9999.
void format_rfc3339_ms(std::int64_t unix_ms, char out[24]);

// Parses an RFC 3339 date-time ("YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)",
// 'T' and 'Z' in either case) to UTC Unix milliseconds. Fraction digits
// beyond milliseconds are truncated. Rejects invalid calendar dates
// (2026-02-30), hour > 23, minute > 59, second > 59, offsets beyond +-23:59,
// and anything trailing. Years 0000..9999.
std::optional<std::int64_t> parse_rfc3339(std::string_view text);

// IMF-fixdate for the Date header: "Sun, 22 Nov 2026 09:30:00 GMT" (29 chars).
void format_http_date(std::int64_t unix_seconds, char out[29]);

}  // namespace brisk::util
