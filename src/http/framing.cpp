#include "http/framing.hpp"

#include <boost/beast/http/error.hpp>

namespace brisk::http {

namespace bhttp = boost::beast::http;

namespace {
// True when `head` starts with a request line whose version is HTTP, but
// not 1.x ("GET / HTTP/2.0", "PRI * HTTP/2.0"): a 505, where anything else
// malformed is a 400. Only the method, the target and the eight bytes of
// the version are looked at (what Beast has read when it refuses the
// version), so the answer does not depend on how much of the rest of the
// line has arrived.
bool other_http_version(std::string_view head) {
  auto sp1 = head.find(' ');
  if (sp1 == std::string_view::npos || sp1 == 0) return false;
  auto sp2 = head.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || sp2 == sp1 + 1) return false;
  for (std::size_t i = 0; i < sp1; ++i) {
    if (head[i] < 'A' || head[i] > 'Z') return false;
  }
  for (std::size_t i = sp1 + 1; i < sp2; ++i) {
    if (head[i] == '\r' || head[i] == '\n') return false;
  }
  std::string_view version = head.substr(sp2 + 1, 8);
  return version.size() == 8 && version.starts_with("HTTP/") && version[5] >= '0' &&
         version[5] <= '9' && version[5] != '1' && version[6] == '.' && version[7] >= '0' &&
         version[7] <= '9';
}
}  // namespace

FramingError parse_error_answer(const boost::beast::error_code& ec, const RequestHead& head,
                                std::string_view unparsed) {
  if (ec == bhttp::error::header_limit) {
    return {431, "the request line and headers exceed 16 KiB"};
  }
  if (ec == bhttp::error::body_limit) return {413, "the request body exceeds 1 MiB"};
  if (ec == bhttp::error::bad_transfer_encoding && head.unsupported_coding() &&
      head.te_ends_chunked()) {
    return {501, "unsupported transfer coding: brisk accepts only chunked"};
  }
  if (ec == bhttp::error::bad_version && other_http_version(unparsed)) {
    // "HTTP/2.0", or an HTTP/2 connection preface ("PRI * HTTP/2.0").
    return {505, "only HTTP/1.0 and HTTP/1.1 are supported"};
  }
  return {400, "malformed HTTP request"};
}

FramingError check_complete_request(const RequestHead& head, int version) {
  if (version != 10 && version != 11) return {505, "only HTTP/1.0 and HTTP/1.1 are supported"};
  if (head.error_status()) return {head.error_status(), head.error_text()};
  // RFC 9112 3.2: HTTP/1.1 requests carry exactly one Host header.
  const unsigned hosts = head.host_count();
  if (hosts > 1) return {400, "more than one Host header"};
  if (version == 11 && hosts == 0) return {400, "HTTP/1.1 requests need a Host header"};
  return {};
}

}  // namespace brisk::http
