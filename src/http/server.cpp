#include "http/server.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <ctime>
#include <stdexcept>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "http/connection.hpp"
#include "util/handoff.hpp"
#include "util/time.hpp"

namespace brisk::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// ---- worker ----------------------------------------------------------------

Worker::Worker(Server& s, unsigned index)
    : server_(s), index_(index), stats_(s.router().routes().size()) {
  if (s.options().access_log) access_log_ = std::make_unique<AccessLog>(s.options().log_format);
  refresh_date();
}

void Worker::add(Connection* c) {
  conns_.push_back(c);
  stats_.connections_opened.add();
}

void Worker::remove(Connection* c) {
  auto it = std::find(conns_.begin(), conns_.end(), c);
  if (it != conns_.end()) {
    *it = conns_.back();
    conns_.pop_back();
    stats_.connections_closed.add();
  }
  // The last connection gone while draining: stop ticking so run() returns.
  if (conns_.empty() && server_.draining()) timer_.cancel();
}

void Worker::complete(std::shared_ptr<Connection> c, std::function<void(Exchange&)> fn) {
  bool first;
  {
    std::lock_guard lock(inbox_mu_);
    first = inbox_.empty();
    inbox_.push_back({std::move(c), std::move(fn)});
    inbox_ready_.store(true, std::memory_order_release);
  }
  // A producer completing a batch (the writer) holds the wake-up until the
  // whole batch is in the inbox.
  if (first && !util::HandoffBatch::defer(this, &Worker::wake)) wake(this);
}

void Worker::wake(void* self) {
  Worker* w = static_cast<Worker*>(self);
  boost::asio::post(w->io_, [w] { w->run_completions(); });
}

void Worker::run_completions() {
  if (completing_) return;  // finish_deferred -> pump -> poll_completions
  completing_ = true;
  {
    std::lock_guard lock(inbox_mu_);
    running_.swap(inbox_);
    inbox_ready_.store(false, std::memory_order_relaxed);
  }
  for (Completion& c : running_) c.conn->finish_deferred(c.fn);
  running_.clear();
  completing_ = false;
}

void Worker::refresh_date() {
  // The precise clock: time() reads the kernel's coarse clock, which a
  // millisecond after the second turns can still show the previous one (and
  // the Date would then lag a whole second, until the next tick).
  const auto now = std::chrono::system_clock::now();
  util::format_http_date(std::chrono::system_clock::to_time_t(now), date_);
}

void Worker::start() {
  // Tick just after each wall-clock second turns, so Date is never stale by
  // more than a few milliseconds.
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto into = now - std::chrono::duration_cast<std::chrono::seconds>(now);
  timer_.expires_after(std::chrono::seconds(1) - into + std::chrono::milliseconds(1));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) tick();
  });
}

void Worker::run() {
  io_.run();
  if (access_log_) access_log_->flush();
}

void Worker::tick() {
  refresh_date();
  if (access_log_) access_log_->flush();
  auto now = Connection::Clock::now();
  // check_timeouts may close (and so remove) connections: iterate a copy.
  std::vector<Connection*> snapshot = conns_;
  for (Connection* c : snapshot) c->check_timeouts(now);
  if (server_.draining()) {
    if (conns_.empty()) return;  // no timer left: run() returns
    if (now >= server_.drain_deadline()) {
      spdlog::warn("drain deadline passed; closing {} connection(s)", conns_.size());
      snapshot = conns_;
      for (Connection* c : snapshot) c->close();
      return;
    }
  }
  start();
}

void Worker::drain() {
  std::vector<Connection*> snapshot = conns_;
  for (Connection* c : snapshot) c->drain();
  if (conns_.empty()) timer_.cancel();
}

// ---- server ----------------------------------------------------------------

Server::Server(ServerOptions opts, const Router& router) : opts_(std::move(opts)), router_(router) {
  unsigned n = std::max(1u, opts_.threads);
  for (unsigned i = 0; i < n; ++i) workers_.push_back(std::make_unique<Worker>(*this, i));
  if (opts_.rate_limit) limiter_ = std::make_unique<RateLimiter>(opts_.rate_limit);
}

Server::~Server() = default;

std::string Server::bound_host() const {
  auto addr = asio::ip::make_address(opts_.host);
  return addr.is_v6() ? "[" + opts_.host + "]" : opts_.host;
}

void Server::listen() {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(opts_.host, ec);
  if (ec) throw std::runtime_error("invalid listen address '" + opts_.host + "'");
  tcp::endpoint ep(addr, opts_.port);
  acceptor_.emplace(workers_[0]->io());
  acceptor_->open(ep.protocol(), ec);
  if (!ec) acceptor_->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_->bind(ep, ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    // The reason once (std::system_error's what() would append it again).
    throw std::runtime_error("cannot listen on " + opts_.host + ":" + std::to_string(opts_.port) +
                             ": " + ec.message());
  }
  bound_port_ = acceptor_->local_endpoint().port();
  // SIGINT and SIGTERM are caught from now on (the signal set blocks their
  // default action at once; they are handled when run() starts): a signal
  // right after the listening line drains instead of killing the process.
  signals_.emplace(workers_[0]->io(), SIGINT, SIGTERM);
}

void Server::accept() {
  Worker& w = *workers_[next_worker_];
  next_worker_ = (next_worker_ + 1) % workers_.size();
  // Accepting with the worker's io_context yields a socket bound to it, with
  // the concrete io_context executor type (no type-erased executor).
  acceptor_->async_accept(w.io(),
                          [this, &w](const boost::system::error_code& ec, Connection::Socket sock) {
                            if (ec == asio::error::operation_aborted || !acceptor_->is_open())
                              return;
                            if (!ec) {
                              asio::post(w.io(), [&w, sock = std::move(sock)]() mutable {
                                std::make_shared<Connection>(w, std::move(sock))->start();
                              });
                            } else if (ec == asio::error::no_descriptors) {
                              spdlog::warn("accept: out of file descriptors");
                            }
                            accept();
                          });
}

void Server::drain() {
  if (draining()) return;
  drain_deadline_ = std::chrono::steady_clock::now() + opts_.limits.drain_timeout;
  if (draining_.exchange(true)) return;
  spdlog::info("draining: no new connections, finishing requests in flight");
  asio::post(workers_[0]->io(), [this] {
    boost::system::error_code ec;
    acceptor_->close(ec);
    signals_->cancel(ec);
  });
  if (on_drain) on_drain();
  for (auto& w : workers_) {
    Worker* wp = w.get();
    asio::post(wp->io(), [wp] { wp->drain(); });
  }
}

void Server::run() {
  // The routes are all registered by now (the table may be filled after the
  // server is made): one counter set per route and worker.
  for (auto& w : workers_) w->stats().routes = std::vector<RouteStats>(router_.routes().size());
  if (!signals_) signals_.emplace(workers_[0]->io(), SIGINT, SIGTERM);
  signals_->async_wait([this](const boost::system::error_code& ec, int) {
    if (!ec) drain();
  });
  accept();
  std::vector<std::thread> threads;
  for (auto& w : workers_) w->start();
  for (std::size_t i = 1; i < workers_.size(); ++i) {
    threads.emplace_back([w = workers_[i].get()] { w->run(); });
  }
  // Worker 0 also owns the acceptor and signals; run it here. Draining stops
  // every worker's loop once its connections are gone, or at the deadline.
  workers_[0]->run();
  for (auto& t : threads) t.join();
}

}  // namespace brisk::http
