// The request parser's callbacks into RequestHead.
#include "http/request_parser.hpp"

#include <gtest/gtest.h>

#include <string_view>

#include <boost/asio/buffer.hpp>

#include "http/limits.hpp"
#include "http/request.hpp"

namespace brisk::http {
namespace {

// Parses one whole request head; true when Beast accepted it.
bool parse_head(std::string_view bytes, RequestHead& head) {
  Limits limits;
  RequestParser parser(head, limits);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  return !ec && parser.is_done();
}

// (An empty repeat: framing_test.cpp, JoinedEmptyValuesLeaveNoTrailingSpace.)
TEST(RequestHead, JoinedValuesAreCommaSpaceSeparated) {
  const std::string_view req = "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\nX-A: b\r\n\r\n";
  RequestHead head;
  ASSERT_TRUE(parse_head(req, head));
  Request r;
  head.fill(r);
  EXPECT_EQ(r.header("x-a"), "a, b");
}

}  // namespace
}  // namespace brisk::http
