#include "http/connection_limits.hpp"

#include <sys/resource.h>

#include <array>
#include <memory>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "http/problem.hpp"
#include "http/response.hpp"

namespace brisk::http {

namespace asio = boost::asio;

unsigned raise_descriptor_limit() {
  struct rlimit rl {};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
  if (rl.rlim_cur < rl.rlim_max) {
    struct rlimit raised = rl;
    raised.rlim_cur = rl.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
  }
  return rl.rlim_cur > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<unsigned>(rl.rlim_cur);
}

unsigned connection_cap(unsigned requested, unsigned descriptor_limit) {
  const unsigned want = requested ? requested : kDefaultMaxConnections;
  const unsigned room = descriptor_limit > 2 * kReservedDescriptors
                            ? descriptor_limit - kReservedDescriptors
                            : descriptor_limit / 2;
  return std::max(1u, std::min(want, room));
}

namespace {
// One refused connection, alive until it is closed.
struct Refusal : std::enable_shared_from_this<Refusal> {
  Refusal(TcpSocket s, std::atomic<unsigned>& n)
      : sock(std::move(s)), timer(sock.get_executor()), in_progress(n) {}
  ~Refusal() { in_progress.fetch_sub(1, std::memory_order_relaxed); }
  void start(std::string_view date, std::string_view request_id) {
    ResponseBuilder rb(answer, 503, date, {.close = true, .request_id = request_id});
    rb.header("Retry-After", std::int64_t{1});
    write_problem(rb, "too many connections; retry later");
    timer.expires_after(kRefusalLinger);
    timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec) self->close();
    });
    asio::async_write(
        sock, asio::buffer(answer),
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
          if (ec) return self->close();
          boost::system::error_code ignored;
          self->sock.shutdown(TcpSocket::shutdown_send, ignored);
          self->drain();
        });
  }
  void drain() {
    sock.async_read_some(asio::buffer(sink), [self = shared_from_this()](
                                                 const boost::system::error_code& ec, std::size_t) {
      if (ec) return self->close();
      self->drain();
    });
  }
  void close() {
    boost::system::error_code ignored;
    timer.cancel();
    sock.close(ignored);
  }
  TcpSocket sock;
  asio::basic_waitable_timer<std::chrono::steady_clock,
                             asio::wait_traits<std::chrono::steady_clock>,
                             asio::io_context::executor_type>
      timer;
  std::atomic<unsigned>& in_progress;
  std::string answer;
  std::array<char, 512> sink;
};
}  // namespace

void refuse_connection(TcpSocket sock, std::string_view date, std::string_view request_id,
                       std::atomic<unsigned>& in_progress) {
  if (in_progress.fetch_add(1, std::memory_order_relaxed) >= kMaxRefusalsInProgress) {
    in_progress.fetch_sub(1, std::memory_order_relaxed);
    boost::system::error_code ignored;
    sock.close(ignored);  // a flood of refusals: no answer for these
    return;
  }
  std::make_shared<Refusal>(std::move(sock), in_progress)->start(date, request_id);
}

bool RateLimitedLog::note(std::chrono::steady_clock::time_point now, std::uint64_t& count) {
  ++pending_;
  if (last_ != std::chrono::steady_clock::time_point{} && now - last_ < kLogInterval) return false;
  count = pending_;
  pending_ = 0;
  last_ = now;
  return true;
}

}  // namespace brisk::http
