// The PostgreSQL writer: one thread and one connection that commit every
// queued request in one transaction (group commit). A batch's statements go
// out as one libpq pipeline ending in a single Sync: PostgreSQL runs the
// statements between two Syncs as one implicit transaction and commits it at
// the Sync, so a batch of N writes costs one round trip and one WAL flush.
// Completions run only after the Sync's answer, i.e. after COMMIT.
//
// Every statement decides its own outcome server-side (compare-and-set on
// the version, idempotency records claimed with ON CONFLICT), so nothing in
// a batch waits for another statement's answer, and the answers hold when
// other instances write the same rows: PostgreSQL's row locks order them.
//
// Invariants: only the writer thread touches conn_; the queue is the only
// shared state (a WriteQueue).
#pragma once
#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres/event_publisher.hpp"
#include "store/postgres/pg.hpp"
#include "store/store.hpp"
#include "store/write_queue.hpp"

namespace brisk::store::postgres {

class Writer {
 public:
  // `up` is the store's view of whether the database answers: the writer
  // clears it when its connection is lost, and reconnects only while it is
  // set (the health check sets it again when the database is back).
  Writer(std::string url, Conn conn, std::atomic<bool>& up, std::int64_t idempotency_ttl_ms);
  ~Writer();
  void start();
  void submit(WriteRequest req);
  void enqueue(WriteRequest req);
  void flush();
  void stop();
  CommitStats stats() const;
  // The server went away: the connection is reopened before the next batch
  // (any thread), rather than failing that batch on a dead socket.
  void reset() { reset_.store(true, std::memory_order_release); }

  // The event log (event_sql.hpp): committed events go to `publisher`
  // (when they do not follow the newest published id, `behind` is called
  // so that the log is read); the log keeps the newest `window` events.
  // Before start().
  void set_events(EventPublisher* publisher, std::function<void()> behind, std::int64_t window);

  // Prepares the writer's statements on `c` and puts it in pipeline mode.
  // False (with `error`) if that fails.
  static bool prepare(PGconn* c, std::string& error);

 private:
  enum class Outcome { kCommitted, kRetry, kFailed, kLost };
  void run();
  void commit(std::vector<WriteRequest>& batch);
  Outcome attempt(std::vector<WriteRequest>& batch, std::vector<WriteResult>& results);
  void publish(std::vector<WriteRequest>& batch, const std::vector<WriteResult>& results);
  bool connected();
  void lose(const std::string& why);

  std::string url_;
  Conn conn_;
  std::atomic<bool>& up_;
  std::int64_t idempotency_ttl_ms_;
  std::int64_t last_purge_ms_ = 0;
  std::atomic<bool> reset_{false};
  CommitCounters counters_;
  EventPublisher* publisher_ = nullptr;
  std::function<void()> behind_;
  std::int64_t event_window_ = 10'000;

  WriteQueue queue_;
  std::thread thread_;
};

// Sends everything queued on `c` (a non-blocking connection in pipeline
// mode, after PQpipelineSync) and reads the answers until the Sync's,
// waiting with poll(). `result(i, r)` gets the first result of statement i
// (ownership passes). False if the connection was lost.
bool drive_pipeline(PGconn* c, std::size_t statements,
                    const std::function<void(std::size_t, Result)>& result);

}  // namespace brisk::store::postgres
