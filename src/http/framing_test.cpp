// The connection's framing decisions (framing.hpp) and the parser's
// callbacks (request_parser.hpp), on inputs fuzz/http_framing.cpp found.
#include "http/framing.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include "http/limits.hpp"
#include "http/request.hpp"
#include "http/request_parser.hpp"

namespace brisk::http {
namespace {

namespace bhttp = boost::beast::http;

// Feeds `bytes` to a fresh parser in pieces of `piece` bytes (the
// connection's buffer keeps what was not parsed); returns the answer that
// ends the connection (0: none, the request was read or more is awaited).
int answer_for(std::string_view bytes, std::size_t piece, RequestHead& head) {
  Limits limits;
  std::optional<RequestParser> parser;
  parser.emplace(head, limits);
  std::string buffered;
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    buffered.append(bytes.substr(at, piece));
    boost::beast::error_code ec;
    std::size_t used = parser->put(boost::asio::buffer(buffered), ec);
    buffered.erase(0, used);
    if (ec == bhttp::error::need_more) continue;
    if (ec) return parse_error_answer(ec, head, buffered).status;
    if (parser->is_done()) return 0;
  }
  return 0;
}

TEST(Framing, OtherHttpVersionsAre505) {
  for (std::string_view req : {"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n",
                               "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "GET / HTTP/3.0\r\n\r\n"}) {
    RequestHead head;
    EXPECT_EQ(answer_for(req, req.size(), head), 505) << req;
  }
  for (std::string_view req :
       {"GET /healthz HTTQ/1.1\r\nHost: x\r\n\r\n", "HELLO\r\n\r\n", "get / HTTP/2.0\r\n\r\n"}) {
    RequestHead head;
    EXPECT_EQ(answer_for(req, req.size(), head), 400) << req;
  }
}

// Found by the fuzz target (fuzz/regressions/http_framing/): the answer to
// "PRI * HTTP/2.0'" was 400 when it came in one read and 505 when it came
// in pieces: the check looked at the whole buffered line, whose length
// depended on how much had arrived. Only the version's 8 bytes count now.
TEST(Framing, TheAnswerToABadVersionDoesNotDependOnTheReads) {
  const std::string_view req = "PRI * HTTP/2.0'";
  int first = -1;
  for (std::size_t piece = 1; piece <= req.size(); ++piece) {
    RequestHead head;
    int got = answer_for(req, piece, head);
    if (got == 0) continue;  // still waiting for the end of the header block
    if (first < 0) first = got;
    EXPECT_EQ(got, first) << "reads of " << piece << " bytes";
  }
  EXPECT_EQ(first, 505);
}

// Found by the fuzz target: a field sent twice, the second time empty,
// was joined as "a, " (a trailing space no single field line can carry),
// so the request written out again was read back differently.
TEST(RequestHead, JoinedEmptyValuesLeaveNoTrailingSpace) {
  const std::string_view req =
      "GET / HTTP/1.1\r\nHost: x\r\nX-A: ffff\r\nX-A:\t\t\r\nX-B:\r\nX-B: b\r\n\r\n";
  RequestHead head;
  ASSERT_EQ(answer_for(req, req.size(), head), 0);
  Request r;
  head.fill(r);
  ASSERT_NE(r.find_header("x-a"), nullptr);
  EXPECT_EQ(r.header("x-a"), "ffff,");
  EXPECT_TRUE(r.find_header("x-a")->repeated);
  EXPECT_EQ(r.header("x-b"), ", b");
}

TEST(Framing, CompleteRequestChecks) {
  RequestHead head;
  const std::string_view no_host = "GET / HTTP/1.1\r\n\r\n";
  ASSERT_EQ(answer_for(no_host, no_host.size(), head), 0);
  EXPECT_EQ(check_complete_request(head, 11).status, 400);
  EXPECT_EQ(check_complete_request(head, 10).status, 0);
  EXPECT_EQ(check_complete_request(head, 20).status, 505);
}

}  // namespace
}  // namespace brisk::http
