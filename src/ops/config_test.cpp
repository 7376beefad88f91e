#include "ops/config.hpp"

#include <gtest/gtest.h>

#include <string>

#include <sched.h>

namespace brisk::ops {
namespace {

struct Listen {
  bool ok;
  std::string host;
  unsigned short port;
  std::string error;
};

Listen listen(const std::string& text) {
  Listen l{false, "unset", 12345, ""};
  l.ok = parse_listen(text, l.host, l.port, l.error);
  return l;
}

TEST(ParseListen, Ipv4) {
  Listen l = listen("127.0.0.1:0");
  ASSERT_TRUE(l.ok) << l.error;
  EXPECT_EQ(l.host, "127.0.0.1");
  EXPECT_EQ(l.port, 0);

  Listen all = listen("0.0.0.0:65535");
  ASSERT_TRUE(all.ok) << all.error;
  EXPECT_EQ(all.host, "0.0.0.0");
  EXPECT_EQ(all.port, 65535);
}

TEST(ParseListen, Ipv6InBrackets) {
  Listen l = listen("[::1]:8000");
  ASSERT_TRUE(l.ok) << l.error;
  EXPECT_EQ(l.host, "::1");
  EXPECT_EQ(l.port, 8000);

  Listen any = listen("[::]:1");
  ASSERT_TRUE(any.ok) << any.error;
  EXPECT_EQ(any.host, "::");
  EXPECT_EQ(any.port, 1);
}

TEST(ParseListen, LocalhostIsLoopbackV4) {
  Listen l = listen("localhost:80");
  ASSERT_TRUE(l.ok) << l.error;
  EXPECT_EQ(l.host, "127.0.0.1");
  EXPECT_EQ(l.port, 80);
}

TEST(ParseListen, Malformed) {
  for (const char* text : {"",
                           "8000",
                           ":8000",
                           "127.0.0.1",
                           "127.0.0.1:",
                           "127.0.0.1:65536",
                           "127.0.0.1:99999",
                           "127.0.0.1:-1",
                           "127.0.0.1:abc",
                           "127.0.0.1:80x",
                           "127.0.0.1: 80",
                           "127.0.0.1:+80",
                           "example.com:80",
                           "256.0.0.1:80",
                           "[::1]",
                           "[::1]8000",
                           "[::1]:",
                           "[::1:8000",
                           "[]:80",
                           "[zz::1]:80",
                           "1.2.3:80"}) {
    SCOPED_TRACE(text);
    Listen l = listen(text);
    EXPECT_FALSE(l.ok) << l.host << " " << l.port;
    EXPECT_FALSE(l.error.empty());
    // Outputs are left alone on failure.
    EXPECT_EQ(l.host, "unset");
    EXPECT_EQ(l.port, 12345);
  }
}

TEST(IsLoopback, Addresses) {
  EXPECT_TRUE(is_loopback("127.0.0.1"));
  EXPECT_TRUE(is_loopback("127.0.0.5"));
  EXPECT_TRUE(is_loopback("127.255.255.254"));
  EXPECT_TRUE(is_loopback("::1"));
  EXPECT_FALSE(is_loopback("0.0.0.0"));
  EXPECT_FALSE(is_loopback("10.0.0.1"));
  EXPECT_FALSE(is_loopback("128.0.0.1"));
  EXPECT_FALSE(is_loopback("192.168.1.1"));
  EXPECT_FALSE(is_loopback("::"));
  EXPECT_FALSE(is_loopback("::2"));
  EXPECT_FALSE(is_loopback(""));
  EXPECT_FALSE(is_loopback("garbage"));
}

TEST(IsLoopback, LocalhostThroughParseListen) {
  Listen l = listen("localhost:0");
  ASSERT_TRUE(l.ok);
  EXPECT_TRUE(is_loopback(l.host));
}

TEST(ParseRateLimit, Valid) {
  const std::pair<const char*, unsigned> cases[] = {
      {"1/s", 1}, {"10/s", 10}, {"250/s", 250}, {"1000000/s", 1000000}};
  for (auto [text, want] : cases) {
    unsigned v = 0;
    EXPECT_TRUE(parse_rate_limit(text, v)) << text;
    EXPECT_EQ(v, want) << text;
  }
}

TEST(ParseRateLimit, Invalid) {
  for (const char* text :
       {"", "/s", "0/s", "1000001/s", "4294967296/s", "-1/s", "+5/s", "10", "10/m", "10/S", "10 /s",
        " 10/s", "10/s ", "1e3/s", "1.5/s", "ten/s", "10/s/s", "10//s"}) {
    unsigned v = 777;
    EXPECT_FALSE(parse_rate_limit(text, v)) << text;
    EXPECT_EQ(v, 777u) << text;
  }
}

TEST(ParseTimeout, Valid) {
  const std::pair<const char*, std::int64_t> cases[] = {
      {"0", 0}, {"1ms", 1}, {"250ms", 250}, {"2s", 2000}, {"3600s", 3'600'000}};
  for (auto [text, want] : cases) {
    std::int64_t v = -1;
    EXPECT_TRUE(parse_timeout(text, v)) << text;
    EXPECT_EQ(v, want) << text;
  }
}

TEST(ParseTimeout, Invalid) {
  for (const char* text : {"", "s", "ms", "0s", "0ms", "2", "-1s", "+2s", "1.5s", "2 s", "2S",
                           "3601s", "3600001ms", "99999999999999999999s", "2m", "2sec"}) {
    std::int64_t v = 777;
    EXPECT_FALSE(parse_timeout(text, v)) << text;
    EXPECT_EQ(v, 777) << text;
  }
}

}  // namespace
}  // namespace brisk::ops

// Pinned to one core (as `taskset -c 0` does), brisk runs one event loop.
TEST(UsableCores, FollowsTheAffinityMask) {
  cpu_set_t all;
  ASSERT_EQ(sched_getaffinity(0, sizeof all, &all), 0);
  EXPECT_EQ(brisk::ops::usable_cores(), static_cast<unsigned>(CPU_COUNT(&all)));
  int first = 0;
  while (!CPU_ISSET(first, &all)) ++first;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
  unsigned pinned = brisk::ops::usable_cores();
  ASSERT_EQ(sched_setaffinity(0, sizeof all, &all), 0);
  EXPECT_EQ(pinned, 1u);
}
