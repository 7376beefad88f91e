#include "util/time.hpp"

#include <gtest/gtest.h>

#include <string>

namespace brisk::util {
namespace {

constexpr std::int64_t kYear0Ms = -62'167'219'200'000;     // 0000-01-01T00:00:00.000Z
constexpr std::int64_t kYear9999Ms = 253'402'300'799'999;  // 9999-12-31T23:59:59.999Z

std::string rfc3339(std::int64_t ms) {
  char buf[24];
  format_rfc3339_ms(ms, buf);
  return std::string(buf, sizeof buf);
}

std::string http_date(std::int64_t s) {
  char buf[29];
  format_http_date(s, buf);
  return std::string(buf, sizeof buf);
}

TEST(NowUnixMs, IsPlausible) {
  const std::int64_t now = now_unix_ms();
  EXPECT_GT(now, 1'700'000'000'000);  // after 2023-11
  EXPECT_LT(now, kYear9999Ms);
}

TEST(FormatRfc3339, KnownValues) {
  EXPECT_EQ(rfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(rfc3339(1'795'339'800'123), "2026-11-22T09:30:00.123Z");
  EXPECT_EQ(rfc3339(1'709'164'800'000), "2024-02-29T00:00:00.000Z");
  EXPECT_EQ(rfc3339(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(rfc3339(-14'182'940'000), "1969-07-20T20:17:40.000Z");
  EXPECT_EQ(rfc3339(-2'203'891'200'000), "1900-03-01T00:00:00.000Z");
  EXPECT_EQ(rfc3339(-11'670'998'400'000), "1600-02-29T00:00:00.000Z");
  EXPECT_EQ(rfc3339(kYear0Ms), "0000-01-01T00:00:00.000Z");
  EXPECT_EQ(rfc3339(kYear9999Ms), "9999-12-31T23:59:59.999Z");
}

TEST(FormatRfc3339, AlwaysTwentyFourCharsEndingInZ) {
  for (std::int64_t ms = kYear0Ms; ms < kYear9999Ms; ms += 7'777'777'777'777) {
    const std::string s = rfc3339(ms);
    ASSERT_EQ(s.size(), 24u);
    ASSERT_EQ(s.back(), 'Z');
    ASSERT_EQ(s[10], 'T');
    ASSERT_EQ(s[19], '.');
  }
}

TEST(FormatRfc3339, ClampsOutOfRange) {
  EXPECT_EQ(rfc3339(kYear0Ms - 1), "0000-01-01T00:00:00.000Z");
  EXPECT_EQ(rfc3339(kYear9999Ms + 1), "9999-12-31T23:59:59.999Z");
}

TEST(ParseRfc3339, Basic) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339("2026-11-22T09:30:00.123Z"), 1'795'339'800'123);
  EXPECT_EQ(parse_rfc3339("2026-11-22t09:30:00.123z"), 1'795'339'800'123);
}

TEST(ParseRfc3339, Offsets) {
  const std::int64_t utc = 1'795'339'800'000;  // 2026-11-22T09:30:00Z
  EXPECT_EQ(parse_rfc3339("2026-11-22T15:00:00+05:30"), utc);
  EXPECT_EQ(parse_rfc3339("2026-11-22T01:30:00-08:00"), utc);
  EXPECT_EQ(parse_rfc3339("2026-11-22T09:30:00+00:00"), utc);
  EXPECT_EQ(parse_rfc3339("2026-11-22T09:30:00-00:00"), utc);  // "unknown offset" is still UTC
  EXPECT_EQ(parse_rfc3339("2026-11-23T09:29:00+23:59"), utc);
  EXPECT_EQ(parse_rfc3339("2026-11-21T09:31:00-23:59"), utc);
  // Offset crosses a year boundary.
  EXPECT_EQ(parse_rfc3339("1969-12-31T19:00:00-05:00"), 0);
  EXPECT_EQ(parse_rfc3339("1970-01-01T05:30:00.001+05:30"), 1);
}

TEST(ParseRfc3339, RejectsBadOffsets) {
  EXPECT_FALSE(parse_rfc3339("2026-11-22T09:30:00"));  // offset is mandatory
  EXPECT_FALSE(parse_rfc3339("2026-11-22T09:30:00.123"));
  EXPECT_FALSE(parse_rfc3339("2026-11-22T09:30:00+24:00"));
  EXPECT_FALSE(parse_rfc3339("2026-11-22T09:30:00+05:60"));
  EXPECT_FALSE(parse_rfc3339("2026-11-22T09:30:00+0530"));
  EXPECT_FALSE(parse_rfc3339("2026-11-22T09:30:00+05"));
  EXPECT_FALSE(parse_rfc3339("2026-11-22T09:30:00+05:3"));
  EXPECT_FALSE(parse_rfc3339("2026-11-22T09:30:00+5:30"));
  EXPECT_FALSE(parse_rfc3339("2026-11-22T09:30:00 +05:30"));
  EXPECT_FALSE(parse_rfc3339("2026-11-22T09:30:00UTC"));
  EXPECT_FALSE(parse_rfc3339("2026-11-22T09:30:00GMT"));
}

TEST(ParseRfc3339, FractionsOfOneToNineDigitsTruncateToMs) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00.1Z"), 100);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00.12Z"), 120);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00.123Z"), 123);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00.1239Z"), 123);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00.12399Z"), 123);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00.123999Z"), 123);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00.1239999Z"), 123);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00.12399999Z"), 123);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00.999999999Z"), 999);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00.000000001Z"), 0);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00.0+00:00"), 0);
  // Before the epoch truncation still drops the sub-ms digits: the instant is
  // the earlier (floor) millisecond.
  EXPECT_EQ(parse_rfc3339("1969-12-31T23:59:59.9999Z"), -1);
}

TEST(ParseRfc3339, RejectsEmptyFraction) {
  EXPECT_FALSE(parse_rfc3339("1970-01-01T00:00:00.Z"));
  EXPECT_FALSE(parse_rfc3339("1970-01-01T00:00:00.+00:00"));
  EXPECT_FALSE(parse_rfc3339("1970-01-01T00:00:00,123Z"));
}

TEST(ParseRfc3339, LeapYears) {
  EXPECT_EQ(parse_rfc3339("2024-02-29T00:00:00Z"), 1'709'164'800'000);
  EXPECT_TRUE(parse_rfc3339("2000-02-29T00:00:00Z"));  // divisible by 400
  EXPECT_TRUE(parse_rfc3339("0000-02-29T00:00:00Z"));  // year 0 is a leap year
  EXPECT_FALSE(parse_rfc3339("2023-02-29T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("1900-02-29T00:00:00Z"));  // divisible by 100 only
  EXPECT_FALSE(parse_rfc3339("2024-02-30T00:00:00Z"));
}

TEST(ParseRfc3339, RejectsInvalidCalendarDates) {
  EXPECT_FALSE(parse_rfc3339("2026-02-30T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-04-31T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-00-10T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-13-10T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-01-00T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-01-32T00:00:00Z"));
  EXPECT_TRUE(parse_rfc3339("2026-01-31T00:00:00Z"));
  EXPECT_TRUE(parse_rfc3339("2026-04-30T00:00:00Z"));
  EXPECT_TRUE(parse_rfc3339("2026-12-31T00:00:00Z"));
}

TEST(ParseRfc3339, RejectsInvalidTimes) {
  EXPECT_FALSE(parse_rfc3339("2026-01-01T24:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-01-01T00:60:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-01-01T00:00:60Z"));
  EXPECT_FALSE(parse_rfc3339("2016-12-31T23:59:60Z"));  // a real leap second, still rejected
  EXPECT_TRUE(parse_rfc3339("2026-01-01T23:59:59Z"));
}

TEST(ParseRfc3339, RejectsTrailingGarbageAndBadShape) {
  EXPECT_FALSE(parse_rfc3339(""));
  EXPECT_FALSE(parse_rfc3339("2026-01-01"));
  EXPECT_FALSE(parse_rfc3339("2026-01-01T00:00:00Zx"));
  EXPECT_FALSE(parse_rfc3339("2026-01-01T00:00:00ZZ"));
  EXPECT_FALSE(parse_rfc3339("2026-01-01T00:00:00Z "));
  EXPECT_FALSE(parse_rfc3339(" 2026-01-01T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-01-01T00:00:00+05:30:00"));
  EXPECT_FALSE(parse_rfc3339(std::string_view("2026-01-01T00:00:00Z\0", 21)));
  EXPECT_FALSE(parse_rfc3339("2026-01-01 00:00:00Z"));  // RFC 3339 allows it; the API does not
  EXPECT_FALSE(parse_rfc3339("2026/01/01T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("26-01-01T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("+2026-01-01T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("12026-01-01T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-1-01T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-01-01T0:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-01-01T00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-01-01T00:00:0aZ"));
  EXPECT_FALSE(parse_rfc3339("2026-0-101T00:00:00Z"));
}

TEST(ParseRfc3339, YearBounds) {
  EXPECT_EQ(parse_rfc3339("0000-01-01T00:00:00Z"), kYear0Ms);
  EXPECT_EQ(parse_rfc3339("9999-12-31T23:59:59.999Z"), kYear9999Ms);
  EXPECT_EQ(parse_rfc3339("0000-01-01T05:30:00+05:30"), kYear0Ms);
  EXPECT_EQ(parse_rfc3339("9999-12-31T18:29:59.999-05:30"), kYear9999Ms);
  // Offsets that leave 0000..9999 in UTC cannot be formatted back: rejected.
  EXPECT_FALSE(parse_rfc3339("0000-01-01T00:00:00+00:01"));
  EXPECT_FALSE(parse_rfc3339("9999-12-31T23:59:59-00:01"));
}

TEST(Rfc3339, RoundTrip) {
  // Includes pre-1970 instants, century edges and both ends of the range.
  const std::int64_t samples[] = {0,
                                  1,
                                  -1,
                                  999,
                                  -999,
                                  -1000,
                                  -1001,
                                  86'399'999,
                                  -86'400'000,
                                  -86'400'001,
                                  1'709'164'800'000,
                                  1'795'339'800'123,
                                  -14'182'940'000,
                                  -2'203'891'200'001,
                                  -11'670'998'400'000,
                                  951'782'400'000,
                                  4'107'542'400'000,
                                  kYear0Ms,
                                  kYear0Ms + 1,
                                  kYear9999Ms,
                                  kYear9999Ms - 1};
  for (const std::int64_t ms : samples) {
    EXPECT_EQ(parse_rfc3339(rfc3339(ms)), ms) << rfc3339(ms);
  }
  // A dense sweep across the whole range, with odd steps so that every field varies.
  for (std::int64_t ms = kYear0Ms; ms <= kYear9999Ms; ms += 86'400'000LL * 97 + 3'723'457) {
    ASSERT_EQ(parse_rfc3339(rfc3339(ms)), ms) << rfc3339(ms);
  }
}

TEST(HttpDate, KnownValues) {
  EXPECT_EQ(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(http_date(1'784'712'600), "Wed, 22 Jul 2026 09:30:00 GMT");
  EXPECT_EQ(http_date(1'795'339'800), "Sun, 22 Nov 2026 09:30:00 GMT");  // the header's example
  EXPECT_EQ(http_date(784'111'777), "Sun, 06 Nov 1994 08:49:37 GMT");    // RFC 9110's example
  EXPECT_EQ(http_date(951'782'400), "Tue, 29 Feb 2000 00:00:00 GMT");
  EXPECT_EQ(http_date(-1), "Wed, 31 Dec 1969 23:59:59 GMT");
  EXPECT_EQ(http_date(-2'208'988'800), "Mon, 01 Jan 1900 00:00:00 GMT");
  EXPECT_EQ(http_date(253'402'300'799), "Fri, 31 Dec 9999 23:59:59 GMT");
}

TEST(HttpDate, WeekdayCyclesThroughWeek) {
  const char* const names[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  for (int d = -14; d < 14; ++d) {
    const std::string s = http_date(std::int64_t{d} * 86'400);
    ASSERT_EQ(s.size(), 29u);
    EXPECT_EQ(s.substr(0, 3), names[((d % 7) + 7) % 7]) << s;
  }
}

}  // namespace
}  // namespace brisk::util
