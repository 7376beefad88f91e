// The decisions the connection makes about a request's framing, as plain
// functions of the parser's state: which answer a parse error gets, and
// which complete requests are refused before routing. The connection and
// the HTTP fuzz target (fuzz/http_framing.cpp) both call these, so the
// target checks exactly what the server does.
#pragma once
#include <cstddef>
#include <string_view>

#include <boost/beast/core/error.hpp>

#include "http/request_parser.hpp"

namespace brisk::http {

// The connection's read buffer: large enough for a full header block
// (16 KiB) plus pipelined requests; the parser needs the whole header
// contiguous.
inline constexpr std::size_t kInBufferSize = std::size_t{32} * 1024;

// An answer that ends the connection (status 0: none).
struct FramingError {
  int status = 0;
  std::string_view detail;
};

// The answer to a parse error `ec` (never need_more). `unparsed` is what is
// buffered from where the parser stopped: it tells an HTTP/2 preface or
// "HTTP/2.0" request line (505) from other malformed input (400).
FramingError parse_error_answer(const boost::beast::error_code& ec, const RequestHead& head,
                                std::string_view unparsed);

// The checks of a complete request before it is routed: the HTTP version,
// a head that set its own error (a repeated single-valued field, too many
// fields), and RFC 9112's one Host for HTTP/1.1.
FramingError check_complete_request(const RequestHead& head, int version);

}  // namespace brisk::http
