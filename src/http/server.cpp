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
    server_.connection_closed();
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
  descriptor_limit_ = raise_descriptor_limit();
  max_connections_ = connection_cap(opts_.max_connections, descriptor_limit_);
  if (opts_.max_connections && max_connections_ < opts_.max_connections) {
    spdlog::warn("--max-connections {} is above what {} open files allow: holding at most {}",
                 opts_.max_connections, descriptor_limit_, max_connections_);
  }
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
  // Accepting with the worker's io_context yields a socket bound to it, with
  // the concrete io_context executor type (no type-erased executor).
  acceptor_->async_accept(w.io(), [this, &w](const boost::system::error_code& ec, TcpSocket sock) {
    if (ec == asio::error::operation_aborted || !acceptor_->is_open()) return;
    if (!ec) {
      accepted(w, std::move(sock));
    } else if (ec == asio::error::no_descriptors ||
               ec == boost::system::errc::too_many_files_open_in_system) {
      return out_of_descriptors();  // accepts again after a pause
    } else {
      spdlog::debug("accept: {}", ec.message());
    }
    accept();
  });
}

void Server::accepted(Worker& w, TcpSocket sock) {
  next_worker_ = (next_worker_ + 1) % static_cast<unsigned>(workers_.size());
  if (open_connections_.load(std::memory_order_relaxed) >= max_connections_) {
    std::uint64_t n = 0;
    if (refused_log_.note(std::chrono::steady_clock::now(), n)) {
      spdlog::warn("{} connection(s) answered 503: {} are open (--max-connections)", n,
                   max_connections_);
    }
    asio::post(w.io(), [this, &w, sock = std::move(sock)]() mutable {
      char id[kMaxRequestId];
      refuse_connection(std::move(sock), w.date(), w.request_ids().next(id), refusals_);
    });
    return;
  }
  open_connections_.fetch_add(1, std::memory_order_relaxed);
  asio::post(w.io(), [&w, sock = std::move(sock)]() mutable {
    std::make_shared<Connection>(w, std::move(sock))->start();
  });
}

// accept() would fail again at once: a loop of it burned a core and wrote
// a million log lines in 5 s (issue 15). Pause, and log once an interval.
void Server::out_of_descriptors() {
  std::uint64_t n = 0;
  if (descriptors_log_.note(std::chrono::steady_clock::now(), n)) {
    spdlog::warn(
        "accept: out of file descriptors ({} open connections, limit {} files); "
        "pausing accepts for {} ms ({} time(s) since the last report)",
        open_connections_.load(std::memory_order_relaxed), descriptor_limit_, kAcceptPause.count(),
        n);
  }
  if (!accept_pause_) accept_pause_.emplace(workers_[0]->io());
  accept_pause_->expires_after(kAcceptPause);
  accept_pause_->async_wait([this](const boost::system::error_code& ec) {
    if (!ec && acceptor_->is_open()) accept();
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
    if (accept_pause_) accept_pause_->cancel();
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
