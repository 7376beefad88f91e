#include "http/exchange.hpp"

#include <boost/asio/post.hpp>

#include "http/connection.hpp"
#include "http/server.hpp"

namespace brisk::http {

namespace asio = boost::asio;

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

void Exchange::on_client_gone(std::function<void()> gone) {
  // The read that notices starts in the pump() that dispatched this request.
  conn_.gone_ = std::move(gone);
}

void Exchange::at_round_end(std::function<void()> fn) {
  // A handler posted from inside the loop goes behind every operation already
  // queued, including the readiness events of this round's epoll_wait.
  asio::post(conn_.worker_.io(), std::move(fn));
}

Stream* Exchange::open_stream(int status, std::string_view content_type,
                              std::span<const HeaderField> headers, const StreamOptions& opts) {
  responded_ = true;
  return conn_.open_stream(status, content_type, headers, opts);
}

Loop Exchange::loop() const {
  return Loop(&conn_.worker_);
}

void Deferred::complete(std::function<void(Exchange&)> fn) {
  Worker& w = conn_->worker_;
  w.complete(std::move(conn_), std::move(fn));
}

}  // namespace brisk::http
