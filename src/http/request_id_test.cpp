#include "http/request_id.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace brisk::http {
namespace {

TEST(RequestId, AcceptsWhatTracingSystemsSend) {
  EXPECT_TRUE(acceptable_request_id("0190b6a2-7c1e-7f00-8000-0123456789ab"));
  EXPECT_TRUE(acceptable_request_id("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  EXPECT_TRUE(acceptable_request_id("YWJj+/=:@_."));
  EXPECT_TRUE(acceptable_request_id(std::string(64, 'a')));
}

TEST(RequestId, RefusesWhatCouldBreakAHeaderOrALogLine) {
  EXPECT_FALSE(acceptable_request_id(""));
  EXPECT_FALSE(acceptable_request_id(std::string(65, 'a')));
  for (std::string bad : {"a b", "a\"b", "a\\b", "a\nb", "a\rb", "a,b", "é", "a;b", "a\tb"}) {
    EXPECT_FALSE(acceptable_request_id(bad)) << bad;
  }
}

TEST(RequestId, MadeIdsAreSixteenHexDigitsAndDoNotRepeat) {
  RequestIdSource src(42);
  std::set<std::string> seen;
  char buf[kMaxRequestId];
  for (int i = 0; i < 100'000; ++i) {
    std::string_view id = src.next(buf);
    ASSERT_EQ(id.size(), 16u);
    ASSERT_TRUE(acceptable_request_id(id));
    ASSERT_EQ(id.find_first_not_of("0123456789abcdef"), std::string_view::npos) << id;
    ASSERT_TRUE(seen.emplace(id).second) << "repeated: " << id;
  }
  // Two sources with different seeds make different ids.
  RequestIdSource a(1), b(2);
  char ba[kMaxRequestId], bb[kMaxRequestId];
  EXPECT_NE(a.next(ba), b.next(bb));
}

}  // namespace
}  // namespace brisk::http
