// http::Stream on a real server and real sockets: the bounded queue (a
// reader that stops reading gets kFull, never more held than the bound),
// order of delivery, on_space once drained, end() with a last message, the
// heartbeat, end_at, the client going away, and the drain.
#include "http/stream.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>

#include "http/exchange.hpp"
#include "http/server.hpp"

namespace brisk::http {
namespace {

using namespace std::chrono_literals;

// What the test sees of a stream: its observer's calls.
struct Observer final : StreamObserver {
  std::mutex mu;
  int space = 0;
  int closed = 0;
  std::promise<void> closed_promise;
  void on_space() override {
    std::lock_guard lock(mu);
    ++space;
  }
  void on_closed() override {
    std::lock_guard lock(mu);
    if (++closed == 1) closed_promise.set_value();
  }
};

// GET /s opens a stream with the test's options and hands it over.
class OpenStream final : public Handler {
 public:
  StreamOptions opts;
  std::promise<Stream*> opened;
  std::shared_ptr<Observer> observer = std::make_shared<Observer>();
  void handle(Exchange& ex) override {
    static constexpr HeaderField kHeaders[] = {{"X-Test", "1"}};
    Stream* s = ex.open_stream(200, "text/plain", kHeaders, opts);
    if (s) s->set_observer(observer);
    opened.set_value(s);
  }
};

class StreamTest : public ::testing::Test {
 protected:
  void start() {
    router_.add({Method::kGet, "/s", &handler_});
    ServerOptions so;
    so.port = 0;
    so.limits = limits_;
    server_ = std::make_unique<Server>(so, router_);
    server_->listen();
    thread_ = std::thread([this] { server_->run(); });
  }
  void TearDown() override {
    if (fd_ >= 0) ::close(fd_);
    if (server_) server_->drain();
    if (thread_.joinable()) thread_.join();
  }
  // Connects (with a small receive buffer, so a reader that does not read
  // stalls the server soon) and sends the request; returns the stream.
  Stream* connect_and_open() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int rcvbuf = 4096;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(server_->bound_port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    const std::string req = "GET /s HTTP/1.1\r\nHost: t\r\n\r\n";
    EXPECT_EQ(::send(fd_, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
    auto f = handler_.opened.get_future();
    EXPECT_EQ(f.wait_for(5s), std::future_status::ready);
    return f.get();
  }
  // Runs fn(stream) on the stream's thread and waits for it.
  template <class F>
  auto on_loop(Stream* s, F fn) {
    std::packaged_task<decltype(fn(s))()> task([s, &fn] { return fn(s); });
    auto f = task.get_future();
    s->loop().post([&task] { task(); });
    return f.get();
  }
  // Reads until `want` bytes arrived, the peer closed, or `timeout`.
  std::string read_some(std::size_t want, std::chrono::milliseconds timeout, bool* eof = nullptr) {
    std::string got;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (got.size() < want) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[65536];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        if (eof) *eof = true;
        break;
      }
      got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
  }

  Limits limits_;
  Router router_;
  OpenStream handler_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  int fd_ = -1;
};

SharedBytes chunk(int i, std::size_t size) {
  std::string s = "<" + std::to_string(i) + ">";
  s.resize(size, '.');
  return std::make_shared<const std::string>(std::move(s));
}

TEST_F(StreamTest, AStalledReaderFillsTheBoundedQueueThenGetsEverythingInOrder) {
  handler_.opts.max_queued = std::size_t{64} * 1024;
  start();
  Stream* s = connect_and_open();
  ASSERT_NE(s, nullptr);
  constexpr std::size_t kChunk = 1024;
  // One write per loop turn, so the socket's writes complete in between:
  // the reader does not read, so the kernel's buffers fill and then the
  // stream's queue, which refuses what would exceed the bound.
  int accepted = 0;
  Stream::Write last = Stream::Write::kQueued;
  std::size_t held = 0;
  for (int i = 0; i < 20'000 && last == Stream::Write::kQueued; ++i) {
    std::tie(last, held) = on_loop(s, [&](Stream* st) {
      Stream::Write w = st->write(chunk(accepted, kChunk));
      return std::make_pair(w, st->held());
    });
    if (last == Stream::Write::kQueued) ++accepted;
  }
  ASSERT_EQ(last, Stream::Write::kFull) << "a reader that never reads must fill the queue";
  EXPECT_LE(held, handler_.opts.max_queued);
  EXPECT_GT(held + kChunk, handler_.opts.max_queued);  // refused only when it would not fit
  on_loop(s, [](Stream* st) {
    st->notify_space();
    return 0;
  });

  // The reader reads: the head, then every accepted chunk in order.
  std::string got = read_some(std::size_t(accepted) * kChunk + 1, 10s);
  const std::size_t body = got.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos);
  const std::string head = got.substr(0, body);
  EXPECT_NE(head.find("HTTP/1.1 200 OK"), std::string::npos);
  EXPECT_NE(head.find("Connection: close"), std::string::npos);
  EXPECT_NE(head.find("X-Test: 1"), std::string::npos);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
  got = got.substr(body + 4);
  got += read_some(std::size_t(accepted) * kChunk - got.size(), 10s);
  ASSERT_EQ(got.size(), std::size_t(accepted) * kChunk);
  for (int i = 0; i < accepted; ++i) {
    ASSERT_EQ(got.compare(std::size_t(i) * kChunk, kChunk, *chunk(i, kChunk)), 0) << i;
  }
  // Drained: the observer was told there is room again, and writes go on.
  std::this_thread::sleep_for(100ms);
  {
    std::lock_guard lock(handler_.observer->mu);
    EXPECT_EQ(handler_.observer->space, 1);
  }
  EXPECT_EQ(on_loop(s, [](Stream* st) { return st->write(chunk(-1, 10)); }),
            Stream::Write::kQueued);
  EXPECT_EQ(read_some(10, 5s), *chunk(-1, 10));
}

TEST_F(StreamTest, EndDropsWhatIsQueuedWritesTheLastMessageAndCloses) {
  start();
  Stream* s = connect_and_open();
  ASSERT_NE(s, nullptr);
  read_some(1, 5s);  // the head
  on_loop(s, [](Stream* st) {
    st->end(std::make_shared<const std::string>("last"));
    // Ended: nothing more is taken.
    return st->write(chunk(0, 10)) == Stream::Write::kClosed;
  });
  bool eof = false;
  std::string got = read_some(1 << 20, 5s, &eof);
  EXPECT_TRUE(eof);
  EXPECT_EQ(got.substr(got.size() - 4), "last");
  auto f = handler_.observer->closed_promise.get_future();
  EXPECT_EQ(f.wait_for(5s), std::future_status::ready);
}

TEST_F(StreamTest, HeartbeatWhenQuietAndEndAtCloses) {
  handler_.opts.heartbeat = std::make_shared<const std::string>("<beat>");
  handler_.opts.heartbeat_every = 1s;
  handler_.opts.end_at = StreamOptions::Clock::now() + 3500ms;
  start();
  ASSERT_NE(connect_and_open(), nullptr);
  bool eof = false;
  std::string got = read_some(1 << 20, 8s, &eof);
  EXPECT_TRUE(eof) << "end_at must close the stream";
  std::size_t beats = 0;
  for (std::size_t at = got.find("<beat>"); at != std::string::npos;
       at = got.find("<beat>", at + 1))
    ++beats;
  // One after each quiet second, seen by a once-a-second sweep: 1 to 2 s apart.
  EXPECT_GE(beats, 1u);
  EXPECT_LE(beats, 4u);
}

// The idle rule closes a connection with no bytes either way; a quiet
// stream is not idle (its client waits for the next message).
TEST_F(StreamTest, AQuietStreamOutlivesTheIdleTimeout) {
  limits_.idle_timeout = 1s;
  start();
  Stream* s = connect_and_open();
  ASSERT_NE(s, nullptr);
  read_some(1, 5s);  // the head
  bool eof = false;
  EXPECT_EQ(read_some(1, 3500ms, &eof), "");  // three sweeps past the idle timeout
  EXPECT_FALSE(eof);
  EXPECT_EQ(on_loop(s, [](Stream* st) { return st->write(chunk(1, 10)); }), Stream::Write::kQueued);
  EXPECT_EQ(read_some(10, 5s), *chunk(1, 10));
  std::lock_guard lock(handler_.observer->mu);
  EXPECT_EQ(handler_.observer->closed, 0);
}

TEST_F(StreamTest, TheClientGoingAwayClosesTheStreamAndTellsTheObserver) {
  start();
  ASSERT_NE(connect_and_open(), nullptr);
  read_some(1, 5s);
  ::close(fd_);
  fd_ = -1;
  auto f = handler_.observer->closed_promise.get_future();
  EXPECT_EQ(f.wait_for(5s), std::future_status::ready);
  std::lock_guard lock(handler_.observer->mu);
  EXPECT_EQ(handler_.observer->closed, 1);
}

TEST_F(StreamTest, TheDrainClosesStreamsAndTheServerStops) {
  start();
  ASSERT_NE(connect_and_open(), nullptr);
  read_some(1, 5s);
  server_->drain();
  thread_.join();  // run() returned: no connection was left open
  bool eof = false;
  read_some(1 << 20, 5s, &eof);
  EXPECT_TRUE(eof);
  std::lock_guard lock(handler_.observer->mu);
  EXPECT_EQ(handler_.observer->closed, 1);
}

}  // namespace
}  // namespace brisk::http
