// One request being answered, as a handler sees it.
#pragma once
#include <functional>
#include <memory>
#include <span>
#include <string_view>

#include "http/request.hpp"
#include "http/response.hpp"
#include "http/stream.hpp"

namespace brisk::http {

class Connection;
class Exchange;

// A promise to answer later (after a database write commits). The connection
// stops reading further pipelined requests until the answer is written, so
// answers stay in request order.
class Deferred {
 public:
  Deferred() = default;
  explicit Deferred(std::shared_ptr<Connection> c) : conn_(std::move(c)) {}
  // Runs `fn` on the connection's thread; fn must respond through the
  // Exchange it receives. Callable from any thread, at most once.
  void complete(std::function<void(Exchange&)> fn);

 private:
  std::shared_ptr<Connection> conn_;
};

class Exchange {
 public:
  Exchange(Connection& c, const Request& r, std::string_view param)
      : conn_(c), req_(r), param_(param) {}
  const Request& request() const { return req_; }
  std::string_view param() const { return param_; }
  unsigned worker_index() const;
  // Starts the response; the caller must finish it with body() or no_body().
  ResponseBuilder respond(int status);
  // Defers the response; the returned handle must eventually be completed.
  Deferred defer();
  // After defer(), for an answer nobody but this client needs (a costly
  // read): the connection keeps reading while it waits, and if the client
  // goes away (it closes, or half-closes, its side) `gone` runs on this
  // thread and the connection closes without an answer. `gone` must not
  // throw; it is dropped once the deferred answer comes.
  void on_client_gone(std::function<void()> gone);
  // Runs the route's handler again for this request, from a deferred
  // completion: a handler that had to wait for something it caches (a
  // user looked up for a token) answers as if it had been there at once.
  void redispatch();
  // Runs `fn` on this thread once the handlers that are ready now have run
  // (the end of this event-loop round), so that work many requests of a
  // round share can be started once. `fn` must not throw.
  void at_round_end(std::function<void()> fn);
  // Answers with a stream (http/stream.hpp): the head (`status`, `headers`,
  // Content-Type, Connection: close, no Content-Length) goes out at once,
  // and the body is what the stream is given until the connection closes.
  // Null when no stream opens: a HEAD request gets the head alone, and
  // while the server drains the answer is a 503.
  Stream* open_stream(int status, std::string_view content_type,
                      std::span<const HeaderField> headers, const StreamOptions& opts);
  // This connection's event loop.
  Loop loop() const;
  bool responded() const { return responded_; }

 private:
  Connection& conn_;
  const Request& req_;
  std::string_view param_;
  bool responded_ = false;
};

}  // namespace brisk::http
