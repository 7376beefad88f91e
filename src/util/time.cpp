#include "util/time.hpp"

#include <chrono>

namespace brisk::util {

namespace {

constexpr std::int64_t kMsPerDay = 86'400'000;

// Howard Hinnant's algorithms (http://howardhinnant.github.io/date_algorithms.html):
// proleptic Gregorian calendar <-> days since 1970-01-01, exact for any year.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);                 // [0, 399]
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month;  // [1, 12]
  unsigned day;    // [1, 31]
};

constexpr Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);                    // [0, 146096]
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const unsigned mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(civil_from_days(0).year == 1970);

constexpr bool is_leap(std::int64_t y) {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

constexpr unsigned days_in_month(std::int64_t y, unsigned m) {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// The representable range: 0000-01-01T00:00:00.000Z .. 9999-12-31T23:59:59.999Z.
constexpr std::int64_t kMinMs = days_from_civil(0, 1, 1) * kMsPerDay;
constexpr std::int64_t kMaxMs = days_from_civil(10000, 1, 1) * kMsPerDay - 1;

constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

// Writes value as exactly `width` decimal digits (value must fit).
void put_digits(char* out, unsigned value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// Reads exactly `width` ASCII digits; false if any is not a digit.
bool get_digits(std::string_view s, std::size_t pos, int width, unsigned& value) {
  value = 0;
  for (int i = 0; i < width; ++i) {
    const char c = s[pos + static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return true;
}

}  // namespace

std::int64_t now_unix_ms() {
  // Since C++20 system_clock's epoch is the Unix epoch.
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void format_rfc3339_ms(std::int64_t unix_ms, char out[24]) {
  // Out-of-range input is clamped rather than written as garbage digits.
  if (unix_ms < kMinMs) unix_ms = kMinMs;
  if (unix_ms > kMaxMs) unix_ms = kMaxMs;
  const std::int64_t days = floor_div(unix_ms, kMsPerDay);
  const auto ms_of_day = static_cast<unsigned>(unix_ms - days * kMsPerDay);
  const Civil c = civil_from_days(days);
  put_digits(out, static_cast<unsigned>(c.year), 4);
  out[4] = '-';
  put_digits(out + 5, c.month, 2);
  out[7] = '-';
  put_digits(out + 8, c.day, 2);
  out[10] = 'T';
  put_digits(out + 11, ms_of_day / 3'600'000, 2);
  out[13] = ':';
  put_digits(out + 14, ms_of_day / 60'000 % 60, 2);
  out[16] = ':';
  put_digits(out + 17, ms_of_day / 1000 % 60, 2);
  out[19] = '.';
  put_digits(out + 20, ms_of_day % 1000, 3);
  out[23] = 'Z';
}

std::optional<std::int64_t> parse_rfc3339(std::string_view s) {
  // Fixed-width prefix "YYYY-MM-DDTHH:MM:SS", then fraction and offset.
  if (s.size() < 20) return std::nullopt;
  unsigned year, month, day, hour, minute, second;
  if (!get_digits(s, 0, 4, year) || s[4] != '-' || !get_digits(s, 5, 2, month) || s[7] != '-' ||
      !get_digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't') || !get_digits(s, 11, 2, hour) ||
      s[13] != ':' || !get_digits(s, 14, 2, minute) || s[16] != ':' ||
      !get_digits(s, 17, 2, second)) {
    return std::nullopt;
  }
  // No leap seconds: a Unix timestamp cannot represent second 60.
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return std::nullopt;
  }

  std::size_t pos = 19;
  unsigned millis = 0;
  if (s[pos] == '.') {
    ++pos;
    const std::size_t first = pos;
    for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos) {
      if (pos - first < 3) millis = millis * 10 + static_cast<unsigned>(s[pos] - '0');
    }
    const std::size_t n = pos - first;
    if (n == 0) return std::nullopt;
    for (std::size_t i = n; i < 3; ++i) millis *= 10;  // ".5" is 500 ms
  }

  if (pos >= s.size()) return std::nullopt;  // the offset is mandatory
  std::int64_t offset_minutes = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    unsigned oh, om;
    if (s.size() - pos != 6 || !get_digits(s, pos + 1, 2, oh) || s[pos + 3] != ':' ||
        !get_digits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_minutes = (s[pos] == '-' ? -1 : 1) * static_cast<std::int64_t>(oh * 60 + om);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;

  const std::int64_t local_ms =
      days_from_civil(year, month, day) * kMsPerDay +
      static_cast<std::int64_t>((hour * 3600 + minute * 60 + second) * 1000 + millis);
  const std::int64_t utc_ms = local_ms - offset_minutes * 60'000;
  // An offset can push an edge date outside 0000..9999 UTC; reject it so that
  // every parsed value can be formatted back.
  if (utc_ms < kMinMs || utc_ms > kMaxMs) return std::nullopt;
  return utc_ms;
}

void format_http_date(std::int64_t unix_seconds, char out[29]) {
  // Fixed English names: IMF-fixdate is not localised (RFC 9110 5.6.7).
  constexpr char kWeekdays[] = "SunMonTueWedThuFriSat";
  constexpr char kMonths[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  constexpr std::int64_t kMinS = kMinMs / 1000;
  constexpr std::int64_t kMaxS = kMaxMs / 1000;
  if (unix_seconds < kMinS) unix_seconds = kMinS;
  if (unix_seconds > kMaxS) unix_seconds = kMaxS;
  const std::int64_t days = floor_div(unix_seconds, 86'400);
  const auto secs = static_cast<unsigned>(unix_seconds - days * 86'400);
  const Civil c = civil_from_days(days);
  // 1970-01-01 was a Thursday (index 4).
  const std::int64_t w = (days + 4) % 7;
  const auto weekday = static_cast<unsigned>(w < 0 ? w + 7 : w);
  for (int i = 0; i < 3; ++i) {
    out[i] = kWeekdays[weekday * 3 + static_cast<unsigned>(i)];
    out[8 + i] = kMonths[(c.month - 1) * 3 + static_cast<unsigned>(i)];
  }
  out[3] = ',';
  out[4] = ' ';
  put_digits(out + 5, c.day, 2);
  out[7] = ' ';
  out[11] = ' ';
  put_digits(out + 12, static_cast<unsigned>(c.year), 4);
  out[16] = ' ';
  put_digits(out + 17, secs / 3600, 2);
  out[19] = ':';
  put_digits(out + 20, secs / 60 % 60, 2);
  out[22] = ':';
  put_digits(out + 23, secs % 60, 2);
  out[25] = ' ';
  out[26] = 'G';
  out[27] = 'M';
  out[28] = 'T';
}

}  // namespace brisk::util
