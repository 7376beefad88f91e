// The HTTP/1.1 server: one io_context and thread per worker, an acceptor that
// hands connections to workers round-robin, signal-driven draining.
#pragma once
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "http/access_log.hpp"
#include "http/connection_limits.hpp"
#include "http/limits.hpp"
#include "http/rate_limiter.hpp"
#include "http/request_id.hpp"
#include "http/router.hpp"
#include "http/stats.hpp"

namespace brisk::http {

class Connection;
class Exchange;
class Server;

// Per-thread state: the event loop, the cached Date header, the connections
// it owns, and a once-a-second housekeeping timer that enforces timeouts.
class Worker {
 public:
  Worker(Server& s, unsigned index);
  boost::asio::io_context& io() { return io_; }
  unsigned index() const { return index_; }
  Server& server() { return server_; }
  std::string_view date() const { return {date_, 29}; }
  void add(Connection* c);
  void remove(Connection* c);
  void start();
  void drain();  // on this worker's thread
  // Runs the event loop until it is drained, then writes what is logged.
  void run();
  std::size_t connection_count() const { return conns_.size(); }
  WorkerStats& stats() { return stats_; }
  RequestIdSource& request_ids() { return request_ids_; }
  AccessLog* access_log() { return access_log_.get(); }
  // Runs c->finish_deferred(fn) on this worker's thread. Callable from any
  // thread: completions wait in an inbox that one posted handler empties, so
  // a writer's batch of N answers wakes this thread once, not N times.
  void complete(std::shared_ptr<Connection> c, std::function<void(Exchange&)> fn);
  // Runs the completions waiting in the inbox now, unless this thread is
  // already running them. Called between requests, so that answers that are
  // ready leave before more requests are read: otherwise they wait behind
  // every socket of the current round (a POST in a busy mix waited ~1 ms).
  void poll_completions() {
    if (!completing_ && inbox_ready_.load(std::memory_order_acquire)) run_completions();
  }

 private:
  struct Completion {
    std::shared_ptr<Connection> conn;
    std::function<void(Exchange&)> fn;
  };
  static void wake(void* self);  // posts run_completions()
  void run_completions();
  void tick();
  void refresh_date();
  Server& server_;
  unsigned index_;
  boost::asio::io_context io_{1};
  boost::asio::steady_timer timer_{io_};
  char date_[29];
  std::vector<Connection*> conns_;  // owned elsewhere (shared_ptr); removed on close
  WorkerStats stats_;
  RequestIdSource request_ids_;
  std::unique_ptr<AccessLog> access_log_;  // null: --access-log off
  // Invariant: whenever inbox_ is not empty, a run_completions() handler is
  // posted, or the thread that filled it will post one when its
  // util::HandoffBatch ends. Declared after io_, so queued connections go before it.
  std::mutex inbox_mu_;
  std::vector<Completion> inbox_;
  std::atomic<bool> inbox_ready_{false};  // !inbox_.empty(), readable without the lock
  std::vector<Completion> running_;       // this thread's, swapped with inbox_
  bool completing_ = false;               // running_ is being run
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8000;
  unsigned threads = 1;
  unsigned rate_limit = 0;  // requests per second per client address; 0: off
  // Connections held at once; 0: kDefaultMaxConnections. Capped by the
  // descriptor limit (connection_limits.hpp).
  unsigned max_connections = 0;
  bool access_log = false;  // a line per request on standard error
  LogFormat log_format = LogFormat::kText;
  Limits limits;
};

class Server {
 public:
  Server(ServerOptions opts, const Router& router);
  ~Server();
  // Raises the open-file limit, binds and listens, and catches SIGINT and
  // SIGTERM from then on; throws std::runtime_error with a clear message.
  void listen();
  // The connection cap in force (after listen()).
  unsigned max_connections() const { return max_connections_; }
  unsigned descriptor_limit() const { return descriptor_limit_; }
  // A connection that was counted is gone (its worker's thread).
  void connection_closed() { open_connections_.fetch_sub(1, std::memory_order_relaxed); }
  unsigned short bound_port() const { return bound_port_; }
  std::string bound_host() const;
  // Runs the workers on `threads` threads (the caller's included) until drained.
  void run();
  // Starts draining; safe from any thread. `on_drained` runs once every
  // worker has finished.
  void drain();
  bool draining() const { return draining_.load(std::memory_order_relaxed); }
  std::chrono::steady_clock::time_point drain_deadline() const { return drain_deadline_; }
  const Router& router() const { return router_; }
  // Calls f(const WorkerStats&) for each worker (safe from any thread).
  template <class F>
  void for_each_stats(F f) const {
    for (const auto& w : workers_) f(const_cast<Worker&>(*w).stats());
  }
  const Limits& limits() const { return opts_.limits; }
  // The event loops, for components that wait on their own sockets from
  // them (a database client); use only before run() or on that loop.
  unsigned worker_count() const { return static_cast<unsigned>(workers_.size()); }
  boost::asio::io_context& worker_io(unsigned i) { return workers_.at(i)->io(); }
  const ServerOptions& options() const { return opts_; }
  RateLimiter* rate_limiter() { return limiter_.get(); }
  // Called once at the start of draining (readiness, event streams, ...).
  std::function<void()> on_drain;

 private:
  void accept();
  void accepted(Worker& w, TcpSocket sock);
  void out_of_descriptors();
  ServerOptions opts_;
  const Router& router_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<RateLimiter> limiter_;
  std::optional<boost::asio::ip::tcp::acceptor> acceptor_;
  std::optional<boost::asio::signal_set> signals_;
  std::chrono::steady_clock::time_point drain_deadline_{};
  unsigned next_worker_ = 0;
  unsigned short bound_port_ = 0;
  std::atomic<bool> draining_{false};
  unsigned max_connections_ = kDefaultMaxConnections;
  unsigned descriptor_limit_ = 0;
  std::atomic<unsigned> open_connections_{0};  // accepted and not yet closed
  std::atomic<unsigned> refusals_{0};          // 503s over the cap still closing
  // The acceptor's thread only:
  RateLimitedLog refused_log_, descriptors_log_;
  std::optional<boost::asio::steady_timer> accept_pause_;
};

}  // namespace brisk::http
