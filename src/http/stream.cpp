#include "http/stream.hpp"

#include <iterator>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "http/connection.hpp"
#include "http/problem.hpp"
#include "http/server.hpp"

namespace brisk::http {

namespace asio = boost::asio;

namespace {

// The buffers of a run of SharedBytes as an Asio buffer sequence, without
// copying them into a vector of const_buffer (a write's sequence is copied
// into its operation: a view costs two pointers).
class SharedBuffers {
 public:
  class const_iterator {
   public:
    using iterator_category = std::bidirectional_iterator_tag;
    using value_type = asio::const_buffer;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type*;
    using reference = value_type;
    const_iterator() = default;
    explicit const_iterator(const SharedBytes* p) : p_(p) {}
    value_type operator*() const { return asio::buffer(**p_); }
    const_iterator& operator++() {
      ++p_;
      return *this;
    }
    const_iterator operator++(int) { return const_iterator(p_++); }
    const_iterator& operator--() {
      --p_;
      return *this;
    }
    const_iterator operator--(int) { return const_iterator(p_--); }
    bool operator==(const const_iterator& o) const { return p_ == o.p_; }
    bool operator!=(const const_iterator& o) const { return p_ != o.p_; }

   private:
    const SharedBytes* p_ = nullptr;
  };
  using value_type = asio::const_buffer;
  explicit SharedBuffers(const std::vector<SharedBytes>& v)
      : begin_(v.data()), end_(v.data() + v.size()) {}
  const_iterator begin() const { return const_iterator(begin_); }
  const_iterator end() const { return const_iterator(end_); }

 private:
  const SharedBytes* begin_;
  const SharedBytes* end_;
};

}  // namespace

// ---- opening ---------------------------------------------------------------

Stream* Connection::open_stream(int status, std::string_view content_type,
                                std::span<const HeaderField> headers, const StreamOptions& opts) {
  // The body ends with the connection, and a drain would not see a stream
  // opened after it began: while draining, 503 instead.
  close_after_ = true;
  if (worker_.server().draining()) {
    ResponseBuilder rb = begin_response(503);
    write_problem(rb, "the server is shutting down");
    return nullptr;
  }
  ResponseBuilder rb = begin_response(status);
  for (const HeaderField& h : headers) rb.header(h.name, h.value);
  rb.open_body(content_type);
  // The access log line counts the head: logged now, before the stream's
  // first write takes the head out of out_.
  log_response();
  if (req_.method == Method::kHead) return nullptr;  // the head alone, then close
  stream_ = std::make_unique<Stream>(*this, opts);
  return stream_.get();
}

void Connection::release_request() {
  in_.reset();
  in_begin_ = in_end_ = 0;
  parser_.reset();
  req_ = Request{};
  route_ = nullptr;
  param_ = {};
  head_.release();
  std::string().swap(wbuf_);
}

// ---- the stream --------------------------------------------------------------

Stream::Stream(Connection& c, const StreamOptions& opts)
    : conn_(c), opts_(opts), last_write_(Clock::now()) {}

Stream::~Stream() = default;

Loop Stream::loop() const {
  return Loop(&conn_.worker_);
}

unsigned Stream::worker_index() const {
  return conn_.worker_.index();
}

Stream::Write Stream::write(SharedBytes bytes) {
  if (ending_ || conn_.closed_) return Write::kClosed;
  if (held_ + bytes->size() > opts_.max_queued) return Write::kFull;
  held_ += bytes->size();
  queue_.push_back(std::move(bytes));
  last_write_ = Clock::now();
  // Out at once when the socket is free; otherwise with the next write.
  if (!writing_ && !conn_.writing_) start_write();
  return Write::kQueued;
}

void Stream::end(SharedBytes last) {
  if (ending_ || conn_.closed_) return;
  ending_ = true;
  end_deadline_ = Clock::now() + kEndGrace;
  for (const SharedBytes& b : queue_) held_ -= b->size();
  queue_.clear();
  if (last) {
    held_ += last->size();
    queue_.push_back(std::move(last));
  }
  // Closing now would call the observer from inside its own call.
  if (!writing_) post_pump();
}

void Stream::post_pump() {
  asio::post(conn_.worker_.io(), [self = conn_.shared_from_this()] { self->pump(); });
}

void Stream::pump() {
  // The connection's own last answers (pipelined before the stream) go first.
  if (conn_.closed_ || conn_.writing_) return;
  if (!started_ && !conn_.reading_) {
    started_ = true;
    conn_.release_request();
    boost::system::error_code ec;
    conn_.sock_.non_blocking(true, ec);  // on_readable's reads; async operations are unaffected
    start_watch();
  }
  if (writing_) return;
  if (!conn_.out_.empty() || !queue_.empty()) return start_write();
  if (ending_) conn_.close();
}

void Stream::start_write() {
  if (!conn_.out_.empty()) {  // the head, once
    held_ += conn_.out_.size();
    queue_.insert(queue_.begin(), std::make_shared<const std::string>(std::move(conn_.out_)));
    std::string().swap(conn_.out_);
  }
  inflight_.swap(queue_);
  writing_ = true;
  asio::async_write(
      conn_.sock_, SharedBuffers(inflight_),
      [self = conn_.shared_from_this(), this](const boost::system::error_code& ec, std::size_t) {
        writing_ = false;
        for (const SharedBytes& b : inflight_) held_ -= b->size();
        inflight_.clear();
        if (conn_.closed_) return;
        if (ec) return conn_.close();
        conn_.last_activity_ = Clock::now();
        if (want_space_ && held_ <= opts_.max_queued / 2 && observer_ && !ending_) {
          want_space_ = false;
          observer_->on_space();
        }
        pump();
      });
}

// The client sends nothing more after the request: a read that finds data
// discards it, and the end of the input (or an error) is the client gone.
void Stream::start_watch() {
  conn_.sock_.async_wait(Connection::Socket::wait_read, [self = conn_.shared_from_this(), this](
                                                            const boost::system::error_code& ec) {
    if (conn_.closed_) return;
    if (ec) return conn_.close();
    on_readable();
  });
}

void Stream::on_readable() {
  char buf[512];
  for (int i = 0; i < 16; ++i) {  // bounded work for a client that keeps sending
    boost::system::error_code ec;
    conn_.sock_.read_some(asio::buffer(buf), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) break;
    if (ec) return conn_.close();  // end of input, reset
  }
  start_watch();
}

void Stream::tick(Clock::time_point now) {
  if (ending_) {
    if (now >= end_deadline_) conn_.close();  // the client did not take the last bytes
    return;
  }
  if (now >= opts_.end_at) return end();
  if (opts_.heartbeat && !writing_ && queue_.empty() && now - last_write_ >= opts_.heartbeat_every)
    write(opts_.heartbeat);
}

void Stream::closed() {
  queue_.clear();  // inflight_ stays until its write operation ends
  if (std::shared_ptr<StreamObserver> o = std::move(observer_)) o->on_closed();
}

// ---- loop ----------------------------------------------------------------------

void Loop::post(std::function<void()> fn) const {
  asio::post(w_->io(), std::move(fn));
}

}  // namespace brisk::http
