#include "store/postgres/listener.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "store/postgres/event_sql.hpp"

namespace brisk::store::postgres {

namespace {
// Events per read of the log: a long absence is caught up in pages.
constexpr std::int64_t kPage = 1000;
// With no notification for this long the log is read anyway.
constexpr int kSafetyReadMs = 5000;
constexpr int kFirstPauseMs = 100, kMaxPauseMs = 2000;
}  // namespace

Listener::Listener(std::string url, EventPublisher& publisher)
    : url_(std::move(url)), publisher_(publisher) {
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw std::runtime_error("cannot create an eventfd for the event listener");
}

Listener::~Listener() {
  stop();
  ::close(wake_fd_);
}

void Listener::start() {
  thread_ = std::thread([this] { run(); });
}

void Listener::stop() {
  stopping_.store(true, std::memory_order_release);
  poke();
  if (thread_.joinable()) thread_.join();
}

void Listener::poke() {
  const std::uint64_t one = 1;
  // A full counter is already a pending wake-up.
  [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

void Listener::run() {
  // The pause before the next attempt after a failed connect or read:
  // the first reconnect is at once, a failing one does not spin.
  int pause_ms = kFirstPauseMs;
  auto pause = [&] {
    wait(false, pause_ms);  // without a connection, on the wake fd only: stop() ends it
    pause_ms = std::min(pause_ms * 2, kMaxPauseMs);
  };
  while (!stopping()) {
    if (!conn_) {
      if (!open(pause_ms == kFirstPauseMs)) {
        pause();
        continue;
      }
      want_read_ = true;  // whatever committed while it was away
    }
    if (want_read_) {
      if (!catch_up()) {
        pause();
        continue;
      }
      pause_ms = kFirstPauseMs;
    }
    // Notifications that came in with the read's answer: the socket will
    // not turn readable for them.
    take_notifications();
    if (want_read_) continue;
    switch (wait(false, kSafetyReadMs)) {
      case Wait::kReadable:
        if (!read_notifications()) lose("the connection was lost");
        break;
      case Wait::kWoken:
        break;  // poke(): want_read_ is set
      case Wait::kTimeout:
        want_read_ = true;
        break;
      case Wait::kError:
        lose("poll failed");
        break;
    }
  }
  conn_.reset();
}

// Connects (blocking: this thread is the listener's own) and LISTENs; a
// failure is logged as a warning when `first` of a series, else at debug.
bool Listener::open(bool first) {
  const auto level = first ? spdlog::level::warn : spdlog::level::debug;
  std::string err;
  Conn c = connect(url_, err);
  if (!c) {
    spdlog::log(level, "PostgreSQL: the event listener cannot connect: {}", err);
    return false;
  }
  try {
    exec(c.get(), "SET application_name = 'brisk-listener'", "cannot name the listener");
    std::string listen = "LISTEN ";
    listen += kEventChannel;
    exec(c.get(), listen, "cannot LISTEN");
  } catch (const std::exception& e) {
    spdlog::log(level, "PostgreSQL: the event listener: {}", e.what());
    return false;
  }
  if (PQsetnonblocking(c.get(), 1) != 0) return false;
  conn_ = std::move(c);
  spdlog::info("PostgreSQL: the event listener is connected");
  return true;
}

void Listener::lose(const char* why) {
  if (!conn_) return;
  if (stopping()) return conn_.reset();
  spdlog::warn("PostgreSQL: the event listener's connection was lost ({}): {}; reconnecting", why,
               message(conn_.get()));
  conn_.reset();
}

// Reads every event after the newest published one, a page at a time, and
// publishes it. False if the connection was lost (or the listener stops).
bool Listener::catch_up() {
  want_read_ = false;
  for (;;) {
    Params p;
    p.integer(publisher_.published()).integer(kPage);
    Result r = query(kEventsAfterSql, p);
    if (!r) {
      lose("reading the log failed");
      return false;
    }
    const int n = PQntuples(r.get());
    std::vector<LoggedEvent> events;
    events.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      events.push_back({int64_of(r.get(), i, 0), int64_of(r.get(), i, 1),
                        static_cast<std::uint8_t>(int64_of(r.get(), i, 2)),
                        std::string(text_of(r.get(), i, 3))});
    }
    publisher_.publish_read(std::move(events));
    if (n < kPage) return true;
  }
}

// Takes what arrived; a notification of an id not yet published asks for a
// read of the log. False if the connection was lost.
bool Listener::read_notifications() {
  if (PQconsumeInput(conn_.get()) != 1) return false;
  take_notifications();
  return PQstatus(conn_.get()) == CONNECTION_OK;
}

void Listener::take_notifications() {
  const std::int64_t published = publisher_.published();
  while (PGnotify* n = PQnotifies(conn_.get())) {
    std::int64_t id = 0;
    const std::string_view payload = n->extra ? n->extra : "";
    auto [end, ec] = std::from_chars(payload.data(), payload.data() + payload.size(), id);
    if (ec != std::errc() || id > published) want_read_ = true;
    PQfreemem(n);
  }
}

// One statement, sent and waited for without blocking stop(); null if it
// failed, the connection was lost or the listener stops.
Result Listener::query(const std::string& sql, Params& p) {
  PGconn* c = conn_.get();
  if (PQsendQueryParams(c, sql.c_str(), p.size(), nullptr, p.values(), p.lengths(), nullptr, 0) !=
      1) {
    return nullptr;
  }
  for (;;) {
    const int pending = PQflush(c);
    if (pending < 0) return nullptr;
    if (pending == 0 && !PQisBusy(c)) break;
    const Wait w = wait(pending != 0, 1000);
    if (w == Wait::kError || stopping()) return nullptr;
    if (w == Wait::kReadable && PQconsumeInput(c) != 1) return nullptr;
  }
  Result r(PQgetResult(c));
  while (PGresult* more = PQgetResult(c)) PQclear(more);
  if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    if (r) spdlog::warn("PostgreSQL: the event listener's read failed: {}", message(r.get()));
    return nullptr;
  }
  return r;
}

// Waits for the connection (readable, or writable when `for_write`) or the
// wake fd, at most `timeout_ms`. A wake-up sets want_read_.
Listener::Wait Listener::wait(bool for_write, int timeout_ms) {
  pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {-1, 0, 0}};
  nfds_t n = 1;
  if (conn_ && PQsocket(conn_.get()) >= 0) {
    fds[1] = {PQsocket(conn_.get()), static_cast<short>(POLLIN | (for_write ? POLLOUT : 0)), 0};
    n = 2;
  }
  const int r = ::poll(fds, n, timeout_ms);
  if (r < 0) return errno == EINTR ? Wait::kTimeout : Wait::kError;
  if (r == 0) return Wait::kTimeout;
  if (n == 2 && fds[1].revents != 0) return Wait::kReadable;
  std::uint64_t count = 0;
  [[maybe_unused]] const ssize_t got = ::read(wake_fd_, &count, sizeof count);
  want_read_ = true;
  return Wait::kWoken;
}

}  // namespace brisk::store::postgres
