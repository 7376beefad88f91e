// Reading one request: Beast's parser with callbacks that copy the request
// line, every header field and the body into buffers that a connection
// reuses, so that nothing is allocated per request once warm.
//
// Header fields are kept generically (name and value); repeated lines of
// one field are joined with ", " (RFC 9110 5.3) and marked `repeated`, so
// that a handler can refuse a repeat of a field that takes one value. The
// HTTP layer itself refuses repeats of the fields whose framing or meaning
// it owns (Host, Content-Type, Authorization) and reads Transfer-Encoding
// and Expect; it knows no application header.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/basic_parser.hpp>

#include "http/limits.hpp"
#include "http/request.hpp"

namespace brisk::http {

// What the parser collected of the request being read.
class RequestHead {
 public:
  void clear();
  // clear(), and frees the buffers (a connection that reads no more requests).
  void release();
  void set_start(Method m, int version, std::string_view target);
  // One header field line; a line that makes the request unacceptable sets
  // error_status().
  void add_field(boost::beast::http::field f, std::string_view name, std::string_view value);
  void append_body(std::string_view bytes) { body_.append(bytes); }
  void reserve_body(std::size_t n) { body_.reserve(n + body_padding_); }
  void configure(const Limits& limits) {
    body_padding_ = limits.body_padding;
    max_fields_ = limits.max_header_fields;
  }

  // Fills `req`'s method, version, target, path, query, headers and body;
  // the views stay valid until clear().
  void fill(Request& req);

  // Set when the head is unacceptable: the status (400, 431) and why.
  int error_status() const { return error_status_; }
  std::string_view error_text() const { return error_text_; }
  unsigned host_count() const { return host_count_; }
  bool has_transfer_encoding() const { return has_transfer_encoding_; }
  bool unsupported_coding() const { return unsupported_coding_; }
  bool te_ends_chunked() const { return te_ends_chunked_; }
  bool expect_continue() const { return expect_continue_; }
  int version() const { return version_; }

 private:
  struct FieldSpan {
    std::uint32_t name_off, name_len, value_off, value_len;
    bool repeated;
  };
  std::string_view at(std::uint32_t off, std::uint32_t len) const {
    return {head_.data() + off, len};
  }
  void fail(int status, std::string_view why);

  std::string head_;  // copies of the target and the fields
  std::uint32_t target_len_ = 0;
  std::vector<FieldSpan> fields_;
  std::vector<HeaderField> views_;  // made by fill()
  std::string body_;
  std::size_t body_padding_ = 0;
  std::size_t max_fields_ = 100;
  Method method_ = Method::kOther;
  int version_ = 0;
  int error_status_ = 0;
  std::string_view error_text_;
  unsigned host_count_ = 0;
  bool has_transfer_encoding_ = false;
  bool unsupported_coding_ = false;  // a transfer coding other than chunked
  bool te_ends_chunked_ = false;
  bool expect_continue_ = false;  // the client waits for 100 Continue before the body
};

// Beast's request parser, writing into a RequestHead. One per request
// (Beast's parsers are not reusable); the head outlives it.
class RequestParser : public boost::beast::http::basic_parser<true> {
 public:
  RequestParser(RequestHead& head, const Limits& limits);

 private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;
  void on_request_impl(boost::beast::http::verb method, string_view method_str, string_view target,
                       int version, error_code& ec) override;
  void on_response_impl(int, string_view, int, error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, string_view name_str, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code& ec) override;
  void on_body_init_impl(boost::optional<std::uint64_t> const& length, error_code& ec) override;
  std::size_t on_body_impl(string_view body, error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t size, string_view extensions, error_code& ec) override;
  std::size_t on_chunk_body_impl(std::uint64_t remain, string_view body, error_code& ec) override;
  void on_finish_impl(error_code& ec) override;
  RequestHead& head_;
};

}  // namespace brisk::http
