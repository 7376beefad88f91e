// One client connection: reads, parses with Beast's parser, dispatches to
// the router, and writes every answer of a pipelined batch in one write.
//
// Invariants:
// - All members are touched only on the owning worker's thread.
// - At most one request is being handled at a time (`paused_` while a
//   handler has deferred); answers are appended to `out_` in request order.
// - `wbuf_` is the buffer in flight to the socket; `out_` collects answers
//   while a write is in flight. Neither reallocates once warm.
// - Once a handler opens a stream (`stream_`), the connection reads no more
//   requests and never returns to answering them: it ends with the stream.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "http/exchange.hpp"
#include "http/request.hpp"
#include "http/request_id.hpp"
#include "http/request_parser.hpp"
#include "http/router.hpp"
#include "http/stats.hpp"
#include "http/stream.hpp"

namespace brisk::http {

class Worker;

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
  friend class Worker;  // runs finish_deferred from its inbox
  friend class Stream;  // a response body that outlives its handler (stream.cpp)

  void pump();
  void process_buffered();
  void dispatch();
  void route(const RouteMatch& m);
  void start_read();
  void start_write();
  void fail_request(int status, std::string_view detail);
  void finish_deferred(const std::function<void(Exchange&)>& fn);
  ResponseBuilder begin_response(int status);
  Stream* open_stream(int status, std::string_view content_type,
                      std::span<const HeaderField> headers, const StreamOptions& opts);
  void release_request();  // a stream needs no request buffers any more
  void assign_request_id();
  // Writes the access log line of the answer begun last, once.
  void log_response();
  void reset_request();
  bool idle() const;

  Worker& worker_;
  Socket sock_;
  std::string peer_;
  // Read buffer: bytes [in_begin_, in_end_) are received but not yet parsed.
  std::unique_ptr<char[]> in_;
  std::size_t in_begin_ = 0, in_end_ = 0;
  // The request being parsed or handled.
  RequestHead head_;
  std::optional<RequestParser> parser_;
  Request req_;
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
  char request_id_[kMaxRequestId];  // a made id (a client's stays in head_)
  // The answer being written: its status and where it starts in out_.
  int answer_status_ = 0;
  std::size_t answer_start_ = 0;
  bool answer_logged_ = true;
  // Output.
  std::string out_, wbuf_;
  bool reading_ = false, writing_ = false, paused_ = false;
  bool close_after_ = false;  // close once everything queued is written
  bool closed_ = false;
  bool registered_ = false;
  // While paused: what to run if the client goes away (Exchange::on_client_gone).
  std::function<void()> gone_;
  // Set once the response is a stream: from then on the stream decides
  // reads, writes and closing (stream.cpp), and no request is read.
  std::unique_ptr<Stream> stream_;
};

}  // namespace brisk::http
