// A response whose body goes on after its handler returns: a long-lived
// stream (Server-Sent Events are one use; this layer knows nothing of them).
//
// The head goes out with `Connection: close` and no Content-Length: the body
// ends when the connection closes (RFC 9112 6.3, close-delimited), so the
// bytes given to the stream are written as they are, with no framing per
// write. Writes are shared, immutable buffers (SharedBytes): a fan-out of one
// message to many streams holds one reference per stream, not a copy.
//
// Invariants:
// - A stream lives in its connection and is used only on that connection's
//   thread. Its observer is told on_closed() exactly once, when the
//   connection closes, and the stream is not used after that.
// - What a stream holds (queued plus being written) never exceeds
//   StreamOptions::max_queued: a write that would exceed it is refused
//   (kFull), so a reader that stops reading costs at most that much memory
//   and no work per message (its writes wait in the queue, no system call).
// - Streams are exempt from the idle rule; they close when the client goes
//   away (read end or error), when the server drains, at `end_at`, after
//   end(), or on a write error.
// - write() and end() never close the connection or call the observer
//   before they return: an observer may call them while iterating.
#pragma once
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace brisk::http {

class Connection;
class Worker;

// An immutable piece of a body, shared by every stream it is written to.
using SharedBytes = std::shared_ptr<const std::string>;

struct StreamOptions {
  using Clock = std::chrono::steady_clock;
  // The most a stream holds, queued and being written.
  std::size_t max_queued = std::size_t{1} << 20;
  // Written when nothing was written for `heartbeat_every` (checked by the
  // worker's once-a-second sweep, so up to a second late); null: never.
  SharedBytes heartbeat;
  std::chrono::seconds heartbeat_every{15};
  // The stream ends then (e.g. when the credential it was opened with
  // expires), as by end() with nothing more to write.
  Clock::time_point end_at = Clock::time_point::max();
};

// Told what becomes of a stream, on the stream's thread.
class StreamObserver {
 public:
  virtual ~StreamObserver() = default;
  // The stream holds half of max_queued or less, after notify_space().
  virtual void on_space() {}
  // The connection closed: the client went away, the server drains, the
  // stream ended or failed. Called once; the stream is gone afterwards.
  virtual void on_closed() = 0;
};

// Runs functions on one worker's event loop; post() is callable from any
// thread (e.g. to come back to a stream's thread after a read elsewhere).
class Loop {
 public:
  Loop() = default;
  explicit Loop(Worker* w) : w_(w) {}
  void post(std::function<void()> fn) const;
  explicit operator bool() const { return w_ != nullptr; }

 private:
  Worker* w_ = nullptr;
};

class Stream {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Write {
    kQueued,  // it will be written, after what is queued before it
    kFull,    // refused: the stream would hold more than max_queued
    kClosed,  // refused: the stream has ended or is closing
  };

  Stream(Connection& c, const StreamOptions& opts);
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  // The observer, kept alive by the stream until on_closed().
  void set_observer(std::shared_ptr<StreamObserver> o) { observer_ = std::move(o); }
  Write write(SharedBytes bytes);
  // Ends the stream: what is queued and not yet being written is dropped,
  // `last` (if any) is written, then the connection closes. A client that
  // does not read gets kEndGrace to take it before the connection closes.
  void end(SharedBytes last = {});
  // Asks for one on_space() once the stream holds half of max_queued or less.
  void notify_space() { want_space_ = true; }
  std::size_t held() const { return held_; }
  bool ending() const { return ending_; }
  Loop loop() const;
  unsigned worker_index() const;

  static constexpr std::chrono::seconds kEndGrace{10};

 private:
  friend class Connection;
  void pump();                       // starts the read watch; starts a write or closes
  void tick(Clock::time_point now);  // once a second: heartbeat, end_at, end grace
  void closed();                     // the connection closed: tell the observer
  void start_watch();
  void on_readable();
  void start_write();
  void post_pump();

  Connection& conn_;
  StreamOptions opts_;
  std::shared_ptr<StreamObserver> observer_;
  // queue_: waiting; inflight_: being written by the one async_write.
  std::vector<SharedBytes> queue_, inflight_;
  std::size_t held_ = 0;  // bytes in queue_ and inflight_ (and the head)
  Clock::time_point last_write_;
  Clock::time_point end_deadline_{};
  bool started_ = false;  // the request's buffers are released and the read watch runs
  bool writing_ = false;
  bool ending_ = false;
  bool want_space_ = false;
};

}  // namespace brisk::http
