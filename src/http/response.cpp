#include "http/response.hpp"

#include <charconv>
#include <cstring>

namespace brisk::http {

namespace {
// A body streamed into the buffer (begin_body) gets a Content-Length field
// with room for the longest length; end_body writes the digits and closes
// the gap left by a shorter one, so the header is exact.
constexpr std::string_view kLengthName = "Content-Length: ";
constexpr std::size_t kLengthDigits = 10;  // up to 9,999,999,999 bytes
}  // namespace

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 304:
      return "Not Modified";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    case 507:
      return "Insufficient Storage";
    default:
      return "Unknown";
  }
}

ResponseBuilder::ResponseBuilder(std::string& out, int status, std::string_view date,
                                 const ResponseOptions& opts)
    : out_(out),
      status_(status),
      head_only_(opts.head_only),
      request_id_(opts.request_id),
      start_pos_(out.size()) {
  char code[4];
  std::to_chars(code, code + 3, status);
  out_.append("HTTP/1.1 ").append(code, 3).append(" ").append(reason_phrase(status));
  out_.append("\r\nServer: brisk\r\nDate: ").append(date).append("\r\n");
  if (!request_id_.empty()) out_.append("X-Request-Id: ").append(request_id_).append("\r\n");
  if (opts.close) {
    out_.append("Connection: close\r\n");
  } else if (opts.keep_alive_10) {
    out_.append("Connection: keep-alive\r\n");
  }
}

ResponseBuilder& ResponseBuilder::header(std::string_view name, std::string_view value) {
  out_.append(name).append(": ").append(value).append("\r\n");
  return *this;
}

ResponseBuilder& ResponseBuilder::header(std::string_view name, std::int64_t value) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  return header(name, std::string_view(buf, r.ptr - buf));
}

std::string& ResponseBuilder::begin_body(std::string_view content_type) {
  out_.append("Content-Type: ").append(content_type).append("\r\n").append(kLengthName);
  length_pos_ = out_.size();
  out_.append(kLengthDigits, ' ').append("\r\n\r\n");
  body_pos_ = out_.size();
  return out_;
}

void ResponseBuilder::end_body() {
  const std::size_t len = out_.size() - body_pos_;
  char* const digits = &out_[length_pos_];  // kLengthDigits reserved (spaces)
  auto r = std::to_chars(digits, digits + kLengthDigits, len);
  const std::size_t n = static_cast<std::size_t>(r.ptr - digits);
  // Close the gap after the digits: a move of the body by a few bytes.
  out_.erase(length_pos_ + n, kLengthDigits - n);
  body_pos_ -= kLengthDigits - n;
  if (head_only_) out_.resize(body_pos_);
}

void ResponseBuilder::body(std::string_view content_type, std::string_view data) {
  // The length is known: written exactly, no gap to close.
  char digits[24];
  auto r = std::to_chars(digits, digits + sizeof digits, data.size());
  out_.append("Content-Type: ").append(content_type).append("\r\n").append(kLengthName);
  out_.append(digits, r.ptr).append("\r\n\r\n");
  if (!head_only_) out_.append(data);
}

void ResponseBuilder::open_body(std::string_view content_type) {
  out_.append("Content-Type: ").append(content_type).append("\r\n\r\n");
}

void ResponseBuilder::no_body() {
  if (status_ == 204 || status_ == 304) {
    out_.append("\r\n");
  } else {
    out_.append("Content-Length: 0\r\n\r\n");
  }
}

}  // namespace brisk::http
