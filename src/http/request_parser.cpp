#include "http/request_parser.hpp"

#include <boost/beast/http/error.hpp>

#include "util/text.hpp"

namespace brisk::http {

namespace bhttp = boost::beast::http;

namespace {

Method to_method(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get:
      return Method::kGet;
    case bhttp::verb::head:
      return Method::kHead;
    case bhttp::verb::post:
      return Method::kPost;
    case bhttp::verb::put:
      return Method::kPut;
    case bhttp::verb::patch:
      return Method::kPatch;
    case bhttp::verb::delete_:
      return Method::kDelete;
    case bhttp::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

// Fields the HTTP layer reads and that take one value (RFC 9110): a repeat
// is a malformed request. (Content-Length repeats are Beast's to refuse.)
bool single_valued(bhttp::field f) {
  return f == bhttp::field::content_type || f == bhttp::field::authorization;
}

}  // namespace

// ---- the head -------------------------------------------------------------

void RequestHead::clear() {
  head_.clear();
  target_len_ = 0;
  fields_.clear();
  views_.clear();
  body_.clear();
  method_ = Method::kOther;
  version_ = 0;
  error_status_ = 0;
  error_text_ = {};
  host_count_ = 0;
  has_transfer_encoding_ = false;
  unsupported_coding_ = false;
  te_ends_chunked_ = false;
  expect_continue_ = false;
}

void RequestHead::release() {
  clear();
  std::string().swap(head_);
  std::vector<FieldSpan>().swap(fields_);
  std::vector<HeaderField>().swap(views_);
  std::string().swap(body_);
}

void RequestHead::fail(int status, std::string_view why) {
  if (error_status_ == 0) {
    error_status_ = status;
    error_text_ = why;
  }
}

void RequestHead::set_start(Method m, int version, std::string_view target) {
  method_ = m;
  version_ = version;
  head_.assign(target);  // the target first: at offset 0
  target_len_ = static_cast<std::uint32_t>(target.size());
}

void RequestHead::add_field(bhttp::field f, std::string_view name, std::string_view value) {
  switch (f) {
    case bhttp::field::host:
      ++host_count_;
      break;
    case bhttp::field::transfer_encoding:
      has_transfer_encoding_ = true;
      // brisk decodes no transfer coding but chunked (RFC 9112 6.1: 501).
      util::for_each_item(value, [&](std::string_view tok) {
        te_ends_chunked_ = util::iequals(tok, "chunked");
        if (!te_ends_chunked_) unsupported_coding_ = true;
      });
      break;
    case bhttp::field::expect:
      if (util::iequals(value, "100-continue")) expect_continue_ = true;
      break;
    default:
      break;
  }
  for (FieldSpan& fs : fields_) {
    if (!util::iequals(at(fs.name_off, fs.name_len), name)) continue;
    if (single_valued(f)) return fail(400, "a header that takes one value was sent twice");
    // Join the lines as one list; the earlier value moves to the end of
    // head_ first unless it is there already.
    if (fs.value_off + fs.value_len != head_.size()) {
      const std::size_t start = head_.size();
      head_.append(head_, fs.value_off, fs.value_len);
      fs.value_off = static_cast<std::uint32_t>(start);
    }
    // ", " between values, but no trailing space after an empty one: the
    // joined value stays one a single field line could carry.
    head_.append(value.empty() ? "," : ", ").append(value);
    fs.value_len = static_cast<std::uint32_t>(head_.size() - fs.value_off);
    fs.repeated = true;
    return;
  }
  if (fields_.size() >= max_fields_) return fail(431, "too many header fields");
  FieldSpan fs{static_cast<std::uint32_t>(head_.size()), static_cast<std::uint32_t>(name.size()), 0,
               static_cast<std::uint32_t>(value.size()), false};
  head_.append(name);
  fs.value_off = static_cast<std::uint32_t>(head_.size());
  head_.append(value);
  fields_.push_back(fs);
}

void RequestHead::fill(Request& req) {
  req.method = method_;
  req.version = version_;
  req.target = at(0, target_len_);
  // Absolute form ("http://host/tasks?x") is accepted as RFC 9112 3.2.2 asks;
  // only its path and query matter.
  std::string_view origin = req.target;
  if (!origin.empty() && origin.front() != '/') {
    auto scheme = origin.find("://");
    if (scheme != std::string_view::npos) {
      auto slash = origin.find('/', scheme + 3);
      origin = slash == std::string_view::npos ? std::string_view("/") : origin.substr(slash);
    }
  }
  auto q = origin.find('?');
  req.path = origin.substr(0, q);
  req.query = q == std::string_view::npos ? std::string_view{} : origin.substr(q + 1);
  views_.clear();
  for (const FieldSpan& fs : fields_) {
    views_.push_back({at(fs.name_off, fs.name_len), at(fs.value_off, fs.value_len), fs.repeated});
  }
  req.headers = views_;
  // The padding a body parser may read past the end (Limits::body_padding).
  if (body_.capacity() < body_.size() + body_padding_) body_.reserve(body_.size() + body_padding_);
  req.body = body_;
}

// ---- the parser -----------------------------------------------------------

RequestParser::RequestParser(RequestHead& head, const Limits& limits) : head_(head) {
  header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  body_limit(limits.max_body_bytes);
  eager(true);
  head_.configure(limits);
}

void RequestParser::on_request_impl(bhttp::verb method, string_view, string_view target,
                                    int version, error_code&) {
  head_.set_start(to_method(method), version, {target.data(), target.size()});
}

void RequestParser::on_response_impl(int, string_view, int, error_code& ec) {
  ec = bhttp::error::bad_method;  // never called for a request parser
}

void RequestParser::on_field_impl(bhttp::field name, string_view name_str, string_view value,
                                  error_code&) {
  head_.add_field(name, {name_str.data(), name_str.size()}, {value.data(), value.size()});
}

void RequestParser::on_header_impl(error_code& ec) {
  // RFC 9112 6.1: a request whose transfer coding does not end in chunked
  // has no determinable length; Beast would read it to EOF. Refuse it, as
  // that is a classic request-smuggling vector.
  if (head_.has_transfer_encoding() && !chunked()) ec = bhttp::error::bad_transfer_encoding;
  if (!ec && head_.unsupported_coding()) ec = bhttp::error::bad_transfer_encoding;
}

void RequestParser::on_body_init_impl(boost::optional<std::uint64_t> const& length, error_code&) {
  // body_limit has already rejected lengths over the limit.
  if (length) head_.reserve_body(*length);
}

std::size_t RequestParser::on_body_impl(string_view body, error_code&) {
  head_.append_body({body.data(), body.size()});
  return body.size();
}

void RequestParser::on_chunk_header_impl(std::uint64_t, string_view, error_code&) {}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  head_.append_body({body.data(), body.size()});
  return body.size();
}

void RequestParser::on_finish_impl(error_code&) {}

}  // namespace brisk::http
