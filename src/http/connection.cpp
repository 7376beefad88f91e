#include "http/connection.hpp"

#include <cstring>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>

#include "http/access_log.hpp"
#include "http/framing.hpp"
#include "http/problem.hpp"
#include "http/server.hpp"
#include "util/text.hpp"

namespace brisk::http {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

// ---- connection ------------------------------------------------------------

Connection::Connection(Worker& w, Socket s)
    : worker_(w), sock_(std::move(s)), in_(new char[kInBufferSize]) {
  boost::system::error_code ec;
  auto ep = sock_.remote_endpoint(ec);
  if (!ec) peer_ = ep.address().to_string();
  sock_.set_option(asio::ip::tcp::no_delay(true), ec);
  last_activity_ = Clock::now();
}

// A connection is closed before it goes, except when its event loop is torn
// down with it: its stream's observer is told then.
Connection::~Connection() {
  if (stream_) stream_->closed();
}

void Connection::start() {
  worker_.add(this);
  registered_ = true;
  if (worker_.server().draining()) {
    close();
    return;
  }
  pump();
}

void Connection::reset_request() {
  head_.clear();
  parser_.emplace(head_, worker_.server().limits());
  req_ = Request{};
  route_stats_ = nullptr;
  route_ = nullptr;
  param_ = {};
  request_started_ = false;
  continue_sent_ = false;
}

bool Connection::idle() const {
  return !paused_ && !request_started_ && in_begin_ == in_end_ && out_.empty() && !writing_;
}

// Decides what happens next. Called after every read, write and deferred
// completion; it is the only place that starts reads and writes.
void Connection::pump() {
  if (closed_) return;
  if (!stream_ && !paused_ && !close_after_) process_buffered();
  if (stream_) return stream_->pump();
  if (!writing_ && !out_.empty()) start_write();
  if (close_after_) {
    if (!paused_ && !writing_ && out_.empty()) close();
    return;
  }
  // A paused request that asked to hear of its client leaving keeps a read
  // open (bytes that come meanwhile wait in the buffer, unparsed).
  const bool watch = paused_ && gone_ && in_end_ < kInBufferSize;
  if (!reading_ && (!paused_ || watch) &&
      out_.size() < worker_.server().limits().max_pending_output)
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
      FramingError e = parse_error_answer(ec, head_, {in_.get() + in_begin_, in_end_ - in_begin_});
      fail_request(e.status, e.detail);
      return;
    }
    if (parser_->is_done()) {
      dispatch();
      if (!paused_) log_response();
      continue;
    }
    if (used == 0) break;
  }
  // Headers are in and acceptable, the body is not: a client that sent
  // Expect: 100-continue waits for this before sending it.
  if (head_.expect_continue() && !continue_sent_ && !paused_ && !close_after_ && parser_ &&
      parser_->is_header_done() && !parser_->is_done() && head_.version() == 11) {
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
  if (req_.request_id.empty()) req_.request_id = worker_.request_ids().next(request_id_);
  answer_status_ = status;
  answer_start_ = out_.size();
  answer_logged_ = false;
  return ResponseBuilder(out_, status, worker_.date(),
                         {.head_only = req_.method == Method::kHead,
                          .close = close_after_,
                          .keep_alive_10 = keep10,
                          .request_id = req_.request_id});
}

void Connection::assign_request_id() {
  std::string_view theirs = req_.header("x-request-id");
  req_.request_id =
      acceptable_request_id(theirs) ? theirs : worker_.request_ids().next(request_id_);
}

void Connection::log_response() {
  if (answer_logged_) return;
  answer_logged_ = true;
  AccessLog* log = worker_.access_log();
  if (!log) return;
  log->record({.method = req_.method,
               .path = req_.path,
               .status = answer_status_,
               .bytes = out_.size() - answer_start_,
               .duration = Clock::now() - request_start_,
               .client = peer_,
               .request_id = req_.request_id});
}

void Connection::fail_request(int status, std::string_view detail) {
  close_after_ = true;
  if (!req_.version) req_.version = 11;
  ResponseBuilder rb = begin_response(status);
  write_problem(rb, detail);
  paused_ = false;
  log_response();
}

void Connection::dispatch() {
  head_.fill(req_);
  req_.peer = peer_;
  req_.keep_alive = parser_->keep_alive();
  assign_request_id();
  request_started_ = false;
  last_activity_ = dispatched_at_ = Clock::now();
  route_stats_ = nullptr;
  route_ = nullptr;
  if (!req_.keep_alive || worker_.server().draining()) close_after_ = true;

  if (FramingError e = check_complete_request(head_, req_.version); e.status) {
    if (req_.version != 10 && req_.version != 11) req_.version = 11;
    fail_request(e.status, e.detail);
    return;
  }
  route(worker_.server().router().match(req_.method, req_.path));
}

void Connection::route(const RouteMatch& m) {
  const Router& router = worker_.server().router();
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
  gone_ = nullptr;  // answered: nobody is left to tell
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
  if (!paused_) log_response();
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
        if (self->stream_) {  // a stream opened meanwhile: nothing more is parsed
          if (ec && !self->closed_) return self->close();
          return self->pump();
        }
        if (ec) {
          // The client left while a costly read waits for it: stop that
          // read, and close without an answer.
          if (self->paused_ && self->gone_) return self->close();
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
  if (stream_) return stream_->tick(now);  // a stream is never idle
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
  if (stream_) return close();  // a client of a stream reconnects elsewhere
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
  if (stream_) stream_->closed();
  if (gone_) {
    std::function<void()> gone = std::move(gone_);
    gone_ = nullptr;
    gone();
  }
}

}  // namespace brisk::http
