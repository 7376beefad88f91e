// One client connection: reads, parses with Beast's parser, dispatches to
// the router, and writes every answer of a pipelined batch in one write.
//
// Invariants:
// - All members are touched only on the owning worker's thread.
// - At most one request is being handled at a time (`paused_` while a
//   handler has deferred); answers are appended to `out_` in request order.
// - `wbuf_` is the buffer in flight to the socket; `out_` collects answers
//   while a write is in flight. Neither reallocates once warm.
#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/basic_parser.hpp>

#include "http/exchange.hpp"
#include "http/request.hpp"
#include "http/router.hpp"
#include "http/stats.hpp"

namespace brisk::http {

class Worker;
class Connection;

// Beast's request parser with callbacks that copy only what brisk reads
// into the connection; nothing is allocated per request once warm.
class RequestParser : public boost::beast::http::basic_parser<true> {
 public:
  explicit RequestParser(Connection& c) : c_(c) {}

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
  Connection& c_;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp,
                                                  boost::asio::io_context::executor_type>;
  using Clock = std::chrono::steady_clock;

  Connection(Worker& w, Socket s);
  ~Connection();
  void start();
  // Housekeeping, once a second: header and idle timeouts.
  void check_timeouts(Clock::time_point now);
  // SIGTERM: close if idle, otherwise answer the current request with
  // Connection: close and then close.
  void drain();
  void close();

 private:
  friend class Exchange;
  friend class Deferred;
  friend class RequestParser;
  friend class Worker;  // runs finish_deferred from its inbox

  enum Slot {
    kTarget,
    kContentType,
    kIfMatch,
    kIfNoneMatch,
    kIdemKey,
    kAuthorization,
    kAcceptEncoding,
    kLastEventId,
    kSlotCount
  };
  struct Span {
    std::uint32_t off = 0, len = 0;
    bool present = false;
  };

  void pump();
  void process_buffered();
  void dispatch();
  void start_read();
  void start_write();
  void fail_request(int status, std::string_view detail);
  void finish_deferred(const std::function<void(Exchange&)>& fn);
  ResponseBuilder begin_response(int status);
  void set_slot(Slot s, std::string_view value, bool list);
  void reset_request();
  bool idle() const;

  Worker& worker_;
  Socket sock_;
  std::string peer_;
  // Read buffer: bytes [in_begin_, in_end_) are received but not yet parsed.
  std::unique_ptr<char[]> in_;
  std::size_t in_begin_ = 0, in_end_ = 0;
  // The request being parsed or handled.
  std::optional<RequestParser> parser_;
  std::string head_;  // copies of the header values brisk reads
  Span slots_[kSlotCount];
  std::string body_;
  Request req_;
  bool header_error_ = false;
  std::string_view header_error_text_;
  unsigned host_count_ = 0;
  bool has_transfer_encoding_ = false;
  bool unsupported_coding_ = false;  // a transfer coding other than chunked
  bool te_ends_chunked_ = false;
  bool expect_continue_ = false;  // the client waits for 100 Continue before the body
  bool continue_sent_ = false;
  bool request_started_ = false;
  Clock::time_point request_start_{};
  Clock::time_point last_activity_{};
  Clock::time_point dispatched_at_{};
  RouteStats* route_stats_ = nullptr;  // where this request's answer is counted
  // The route being served and its {param} (a view into head_), so that a
  // deferred request can run its handler again (Exchange::redispatch).
  const Route* route_ = nullptr;
  std::string_view param_;
  // Output.
  std::string out_, wbuf_;
  bool reading_ = false, writing_ = false, paused_ = false;
  bool close_after_ = false;  // close once everything queued is written
  bool closed_ = false;
  bool registered_ = false;
};

}  // namespace brisk::http
