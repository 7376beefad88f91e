#include "http/connection.hpp"

#include <cstring>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>

#include "http/problem.hpp"
#include "http/server.hpp"
#include "util/text.hpp"

namespace brisk::http {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {
// Large enough for a full header block (16 KiB) plus pipelined requests;
// the parser needs the whole header contiguous.
constexpr std::size_t kInBufferSize = std::size_t{32} * 1024;
// simdjson reads up to this many bytes past the end of its input.
constexpr std::size_t kJsonPadding = 64;

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
}  // namespace

// ---- parser callbacks ----------------------------------------------------

void RequestParser::on_request_impl(bhttp::verb method, string_view, string_view target,
                                    int version, error_code&) {
  c_.req_.method = to_method(method);
  c_.req_.version = version;
  c_.set_slot(Connection::kTarget, {target.data(), target.size()}, false);
}

void RequestParser::on_response_impl(int, string_view, int, error_code& ec) {
  ec = bhttp::error::bad_method;  // never called for a request parser
}

void RequestParser::on_field_impl(bhttp::field name, string_view name_str, string_view value,
                                  error_code&) {
  std::string_view v(value.data(), value.size());
  switch (name) {
    case bhttp::field::content_type:
      c_.set_slot(Connection::kContentType, v, false);
      break;
    case bhttp::field::if_match:
      c_.set_slot(Connection::kIfMatch, v, true);
      break;
    case bhttp::field::if_none_match:
      c_.set_slot(Connection::kIfNoneMatch, v, true);
      break;
    case bhttp::field::authorization:
      c_.set_slot(Connection::kAuthorization, v, false);
      break;
    case bhttp::field::accept_encoding:
      c_.set_slot(Connection::kAcceptEncoding, v, true);
      break;
    case bhttp::field::host:
      ++c_.host_count_;
      break;
    case bhttp::field::transfer_encoding: {
      c_.has_transfer_encoding_ = true;
      // brisk decodes no transfer coding but chunked (RFC 9112 6.1: 501).
      util::for_each_item(v, [&](std::string_view tok) {
        c_.te_ends_chunked_ = util::iequals(tok, "chunked");
        if (!c_.te_ends_chunked_) c_.unsupported_coding_ = true;
      });
      break;
    }
    case bhttp::field::expect:
      if (util::iequals(v, "100-continue")) c_.expect_continue_ = true;
      break;
    case bhttp::field::unknown: {
      std::string_view n(name_str.data(), name_str.size());
      if (util::iequals(n, "idempotency-key"))
        c_.set_slot(Connection::kIdemKey, v, false);
      else if (util::iequals(n, "last-event-id"))
        c_.set_slot(Connection::kLastEventId, v, false);
      break;
    }
    default:
      break;
  }
}

void RequestParser::on_header_impl(error_code& ec) {
  // RFC 9112 6.1: a request whose transfer coding does not end in chunked
  // has no determinable length; Beast would read it to EOF. Refuse it, as
  // that is a classic request-smuggling vector.
  if (c_.has_transfer_encoding_ && !chunked()) ec = bhttp::error::bad_transfer_encoding;
  if (!ec && c_.unsupported_coding_) ec = bhttp::error::bad_transfer_encoding;
}

void RequestParser::on_body_init_impl(boost::optional<std::uint64_t> const& length, error_code&) {
  c_.body_.clear();
  // body_limit has already rejected lengths over the limit.
  if (length) c_.body_.reserve(*length + kJsonPadding);
}

std::size_t RequestParser::on_body_impl(string_view body, error_code&) {
  c_.body_.append(body.data(), body.size());
  return body.size();
}

void RequestParser::on_chunk_header_impl(std::uint64_t, string_view, error_code&) {}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view body, error_code&) {
  c_.body_.append(body.data(), body.size());
  return body.size();
}

void RequestParser::on_finish_impl(error_code&) {}

// ---- connection ------------------------------------------------------------

Connection::Connection(Worker& w, Socket s)
    : worker_(w), sock_(std::move(s)), in_(new char[kInBufferSize]) {
  boost::system::error_code ec;
  auto ep = sock_.remote_endpoint(ec);
  if (!ec) peer_ = ep.address().to_string();
  sock_.set_option(asio::ip::tcp::no_delay(true), ec);
  last_activity_ = Clock::now();
}

Connection::~Connection() = default;

void Connection::start() {
  worker_.add(this);
  registered_ = true;
  if (worker_.server().draining()) {
    close();
    return;
  }
  pump();
}

void Connection::set_slot(Slot s, std::string_view value, bool list) {
  Span& sp = slots_[s];
  if (sp.present) {
    if (!list) {
      header_error_ = true;
      header_error_text_ = "a header that takes one value was sent twice";
      return;
    }
    // Repeated list headers combine as one comma-separated list (RFC 9110
    // 5.3); the earlier value must be the last thing in head_.
    if (sp.off + sp.len == head_.size()) {
      head_.append(", ").append(value);
      sp.len = static_cast<std::uint32_t>(head_.size() - sp.off);
      return;
    }
    std::string prev = head_.substr(sp.off, sp.len);
    sp.off = static_cast<std::uint32_t>(head_.size());
    head_.append(prev).append(", ").append(value);
    sp.len = static_cast<std::uint32_t>(head_.size() - sp.off);
    return;
  }
  sp.present = true;
  sp.off = static_cast<std::uint32_t>(head_.size());
  sp.len = static_cast<std::uint32_t>(value.size());
  head_.append(value);
}

void Connection::reset_request() {
  parser_.emplace(*this);
  const Limits& lim = worker_.server().limits();
  parser_->header_limit(static_cast<std::uint32_t>(lim.max_header_bytes));
  parser_->body_limit(lim.max_body_bytes);
  parser_->eager(true);
  head_.clear();
  for (Span& s : slots_) s = Span{};
  body_.clear();
  req_ = Request{};
  route_stats_ = nullptr;
  route_ = nullptr;
  param_ = {};
  header_error_ = false;
  request_started_ = false;
  host_count_ = 0;
  has_transfer_encoding_ = false;
  unsupported_coding_ = false;
  te_ends_chunked_ = false;
  expect_continue_ = false;
  continue_sent_ = false;
}

bool Connection::idle() const {
  return !paused_ && !request_started_ && in_begin_ == in_end_ && out_.empty() && !writing_;
}

// Decides what happens next. Called after every read, write and deferred
// completion; it is the only place that starts reads and writes.
void Connection::pump() {
  if (closed_) return;
  if (!paused_ && !close_after_) process_buffered();
  if (!writing_ && !out_.empty()) start_write();
  if (close_after_) {
    if (!paused_ && !writing_ && out_.empty()) close();
    return;
  }
  if (!reading_ && !paused_ && out_.size() < worker_.server().limits().max_pending_output)
    start_read();
}

void Connection::process_buffered() {
  while (!paused_ && !close_after_ && !closed_) {
    if (!parser_ || parser_->is_done()) reset_request();
    std::size_t avail = in_end_ - in_begin_;
    if (avail == 0) break;
    if (!request_started_) {
      request_started_ = true;
      request_start_ = Clock::now();
    }
    boost::beast::error_code ec;
    std::size_t used = parser_->put(asio::buffer(in_.get() + in_begin_, avail), ec);
    in_begin_ += used;
    if (ec == bhttp::error::need_more) break;
    if (ec) {
      if (ec == bhttp::error::header_limit) {
        fail_request(431, "the request line and headers exceed 16 KiB");
      } else if (ec == bhttp::error::body_limit) {
        fail_request(413, "the request body exceeds 1 MiB");
      } else if (ec == bhttp::error::bad_transfer_encoding && unsupported_coding_ &&
                 te_ends_chunked_) {
        fail_request(501, "unsupported transfer coding: brisk accepts only chunked");
      } else {
        fail_request(400, "malformed HTTP request");
      }
      return;
    }
    if (parser_->is_done()) {
      dispatch();
      continue;
    }
    if (used == 0) break;
  }
  // Headers are in and acceptable, the body is not: a client that sent
  // Expect: 100-continue waits for this before sending it.
  if (expect_continue_ && !continue_sent_ && !paused_ && !close_after_ && parser_ &&
      parser_->is_header_done() && !parser_->is_done() && req_.version == 11) {
    continue_sent_ = true;
    out_.append("HTTP/1.1 100 Continue\r\n\r\n");
  }
  // Keep unparsed bytes at the front so a full header block always fits.
  if (in_begin_ == in_end_) {
    in_begin_ = in_end_ = 0;
  } else if (in_begin_ > 0 && kInBufferSize - in_end_ < kInBufferSize / 2) {
    std::memmove(in_.get(), in_.get() + in_begin_, in_end_ - in_begin_);
    in_end_ -= in_begin_;
    in_begin_ = 0;
  }
}

ResponseBuilder Connection::begin_response(int status) {
  RouteStats* rs = route_stats_ ? route_stats_
                                : &worker_.stats().unmatched[static_cast<std::size_t>(req_.method)];
  rs->record(status, request_started_ || dispatched_at_ == Clock::time_point{}
                         ? std::chrono::nanoseconds(0)
                         : Clock::now() - dispatched_at_);
  bool keep10 = req_.version == 10 && !close_after_;
  return ResponseBuilder(out_, status, worker_.date(), req_.method == Method::kHead, close_after_,
                         keep10);
}

void Connection::fail_request(int status, std::string_view detail) {
  close_after_ = true;
  if (!req_.version) req_.version = 11;
  ResponseBuilder rb = begin_response(status);
  write_problem(rb, detail);
  paused_ = false;
}

void Connection::dispatch() {
  const char* base = head_.data();
  auto view = [&](Slot s) { return std::string_view(base + slots_[s].off, slots_[s].len); };
  req_.target = view(kTarget);
  // Absolute form ("http://host/tasks?x") is accepted as RFC 9112 3.2.2 asks;
  // only its path and query matter.
  std::string_view origin = req_.target;
  if (!origin.empty() && origin.front() != '/') {
    auto scheme = origin.find("://");
    if (scheme != std::string_view::npos) {
      auto slash = origin.find('/', scheme + 3);
      origin = slash == std::string_view::npos ? std::string_view("/") : origin.substr(slash);
    }
  }
  auto q = origin.find('?');
  req_.path = origin.substr(0, q);
  req_.query = q == std::string_view::npos ? std::string_view{} : origin.substr(q + 1);
  req_.content_type = view(kContentType);
  req_.has_content_type = slots_[kContentType].present;
  req_.if_match = view(kIfMatch);
  req_.if_none_match = view(kIfNoneMatch);
  req_.idempotency_key = view(kIdemKey);
  req_.has_idempotency_key = slots_[kIdemKey].present;
  req_.authorization = view(kAuthorization);
  req_.accept_encoding = view(kAcceptEncoding);
  req_.last_event_id = view(kLastEventId);
  if (body_.capacity() < body_.size() + kJsonPadding) body_.reserve(body_.size() + kJsonPadding);
  req_.body = body_;
  req_.peer = peer_;
  req_.keep_alive = parser_->keep_alive();
  request_started_ = false;
  last_activity_ = dispatched_at_ = Clock::now();
  route_stats_ = nullptr;
  route_ = nullptr;
  if (!req_.keep_alive || worker_.server().draining()) close_after_ = true;

  if (req_.version != 10 && req_.version != 11) {
    req_.version = 11;
    fail_request(505, "only HTTP/1.0 and HTTP/1.1 are supported");
    return;
  }
  if (header_error_) {
    fail_request(400, header_error_text_);
    return;
  }
  // RFC 9112 3.2: HTTP/1.1 requests carry exactly one Host header.
  if (host_count_ > 1 || (req_.version == 11 && host_count_ == 0)) {
    fail_request(
        400, host_count_ ? "more than one Host header" : "HTTP/1.1 requests need a Host header");
    return;
  }
  const Router& router = worker_.server().router();
  RouteMatch m = router.match(req_.method, req_.path);
  if (m.route)
    route_stats_ =
        &worker_.stats().routes[static_cast<std::size_t>(m.route - router.routes().data())];
  if (!m.route) {
    if (m.path_known) {
      ResponseBuilder rb = begin_response(405);
      rb.header("Allow", m.allow);
      write_problem(rb, "method not allowed on this path");
    } else {
      ResponseBuilder rb = begin_response(404);
      write_problem(rb, "no such resource");
    }
    return;
  }
  if (RateLimiter* rl = worker_.server().rate_limiter(); rl && m.route->rate_limited) {
    if (unsigned wait = rl->acquire(peer_, last_activity_)) {
      ResponseBuilder rb = begin_response(429);
      rb.header("Retry-After", static_cast<std::int64_t>(wait));
      write_problem(rb, "too many requests from this address; retry later");
      return;
    }
  }
  route_ = m.route;
  param_ = m.param;
  Exchange ex(*this, req_, m.param);
  try {
    m.route->handler->handle(ex);
  } catch (const std::exception& e) {
    spdlog::error("handler for {} {} failed: {}", method_name(req_.method), m.route->pattern,
                  e.what());
    if (!ex.responded()) {
      ResponseBuilder rb = begin_response(500);
      write_problem(rb, "internal error");
    }
    return;
  }
  if (paused_) return;  // deferred
  if (!ex.responded()) {
    ResponseBuilder rb = begin_response(500);
    write_problem(rb, "internal error");
  }
}

void Connection::finish_deferred(const std::function<void(Exchange&)>& fn) {
  if (closed_) return;
  // The completion may answer, or defer again (a write retried after a
  // concurrent change): then the connection stays paused.
  paused_ = false;
  Exchange ex(*this, req_, param_);
  try {
    fn(ex);
  } catch (const std::exception& e) {
    spdlog::error("deferred completion failed: {}", e.what());
  }
  if (!ex.responded() && !paused_) {
    ResponseBuilder rb = begin_response(500);
    write_problem(rb, "internal error");
  }
  pump();
}

void Connection::start_read() {
  if (in_end_ == kInBufferSize) {
    // Cannot happen: a full header fits and bodies are drained into body_.
    fail_request(431, "the request line and headers exceed 16 KiB");
    pump();
    return;
  }
  reading_ = true;
  sock_.async_read_some(
      asio::buffer(in_.get() + in_end_, kInBufferSize - in_end_),
      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
        self->reading_ = false;
        if (ec) {
          // EOF or reset: nothing more will arrive. Answers already queued
          // are still written (a client may half-close after pipelining).
          if (self->paused_ || !self->out_.empty() || self->writing_) {
            self->close_after_ = true;
            self->pump();
          } else {
            self->close();
          }
          return;
        }
        self->in_end_ += n;
        self->last_activity_ = Clock::now();
        self->worker_.poll_completions();
        self->pump();
      });
}

void Connection::start_write() {
  std::swap(out_, wbuf_);
  writing_ = true;
  asio::async_write(sock_, asio::buffer(wbuf_),
                    [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                      self->writing_ = false;
                      self->wbuf_.clear();
                      if (ec) {
                        self->close();
                        return;
                      }
                      self->last_activity_ = Clock::now();
                      self->pump();
                    });
}

void Connection::check_timeouts(Clock::time_point now) {
  if (closed_) return;
  const Limits& lim = worker_.server().limits();
  bool awaiting_headers = request_started_ && parser_ && !parser_->is_header_done();
  if (awaiting_headers && !paused_ && now - request_start_ >= lim.header_timeout) {
    fail_request(408, "the request headers did not arrive in time");
    boost::system::error_code ec;
    sock_.cancel(ec);  // the pending read ends; pump() then writes and closes
    pump();
    return;
  }
  if (!paused_ && !writing_ && now - last_activity_ >= lim.idle_timeout) close();
}

void Connection::drain() {
  if (closed_) return;
  bool headers_in = request_started_ && parser_ && parser_->is_header_done();
  if (!paused_ && !headers_in && out_.empty() && !writing_) {
    close();
    return;
  }
  close_after_ = !headers_in || paused_ ? true : close_after_;
  // A request whose headers have arrived keeps reading its body; its answer
  // carries Connection: close (dispatch() sees draining()).
  if (!headers_in) pump();
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ec;
  sock_.shutdown(Socket::shutdown_both, ec);
  sock_.close(ec);
  if (registered_) worker_.remove(this);
  registered_ = false;
}

// ---- exchange ----------------------------------------------------------------

unsigned Exchange::worker_index() const {
  return conn_.worker_.index();
}

ResponseBuilder Exchange::respond(int status) {
  responded_ = true;
  return conn_.begin_response(status);
}

void Exchange::redispatch() {
  if (conn_.route_) conn_.route_->handler->handle(*this);
}

Deferred Exchange::defer() {
  conn_.paused_ = true;
  return Deferred(conn_.shared_from_this());
}

void Exchange::at_round_end(std::function<void()> fn) {
  // A handler posted from inside the loop goes behind every operation already
  // queued, including the readiness events of this round's epoll_wait.
  asio::post(conn_.worker_.io(), std::move(fn));
}

void Deferred::complete(std::function<void(Exchange&)> fn) {
  Worker& w = conn_->worker_;
  w.complete(std::move(conn_), std::move(fn));
}

}  // namespace brisk::http
