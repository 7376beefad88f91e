// The single writer: a thread that owns the only read-write connection and
// commits every queued request in one transaction (group commit). A request's
// completion runs only after its transaction is durable. It applies commands
// (store/commands.hpp) to rows; it decides no value and parses no JSON.
//
// Invariants: only the writer thread touches db_ and the statements; the
// queue is the only shared state (a WriteQueue).
#pragma once
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/admin_writes.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/event_log.hpp"
#include "store/sqlite/health.hpp"
#include "store/sqlite/task_rows.hpp"
#include "store/sqlite/wal_checkpoint.hpp"
#include "store/store.hpp"
#include "store/task_cache.hpp"
#include "store/write_queue.hpp"

namespace brisk::store::sqlite {

class Writer {
 public:
  // `cache` (may be null) is invalidated for every changed task after
  // each commit, before any completion runs.
  // Idempotency records older than `idempotency_ttl_ms` are purged; the
  // event log keeps at least the newest `event_window` events.
  // `wal` is the checkpoint policy (wal_checkpoint.hpp; other values are
  // for tests).
  Writer(Db db, TaskCache* cache, std::int64_t idempotency_ttl_ms, std::int64_t event_window,
         WalPolicy wal = {});
  ~Writer();
  void start();
  // Queues a write and wakes the writer: submit(r) is enqueue(r) + flush().
  void submit(WriteRequest req);
  // Queues a write without waking the writer; it is committed once some
  // thread calls flush() (or stop()).
  void enqueue(WriteRequest req);
  // Lets the writer take everything queued so far as its next batch.
  void flush();
  // Commits what is queued, then joins the thread.
  void stop();
  CommitStats stats() const;  // any thread
  // Committed events go to `sink` (may be null); any thread.
  void set_event_sink(EventSink* sink) { sink_.store(sink, std::memory_order_release); }
  // True from a write that failed for want of disk space until one
  // succeeds (a request's, or the writer's own probe every kProbeInterval);
  // any thread.
  bool disk_full() const { return disk_full_.load(std::memory_order_relaxed); }
  // Before start(): while `health` records a fault, batches are refused
  // (kUnavailable) without touching the file, and a transaction that meets
  // corruption records it.
  void set_health(Health* health) { health_ = health; }

 private:
  struct Batch;
  void run();
  void commit(std::vector<WriteRequest>& batch);
  bool apply_all(std::vector<WriteRequest>& batch, std::vector<WriteResult>& results);
  void invalidate_caches(const std::vector<WriteRequest>& batch,
                         const std::vector<WriteResult>& results);
  WriteResult create(CreateTask& c, Batch& batch);
  bool insert_staged(Batch& batch);
  WriteResult update(UpdateTask& u);
  WriteResult remove(DeleteTask& d);
  WriteResult import(ImportTask& t);  // with its event, when stored
  WriteResult why_unchanged(const util::Uuid& id, Owner owner);
  WriteResult create_user(const CreateUser& c);
  void purge_idempotency(std::int64_t now);
  void publish(std::vector<LoggedEvent>&& events);
  // After a failed transaction (rolled back): kFull when SQLite said the
  // disk is full (`rc`, its extended code), else kError; logs it.
  WriteResult::Status failed(int rc);
  void set_disk_full(bool full);
  void probe_disk();

  Db db_;
  WalCheckpointer wal_;  // after db_: installed on it
  TaskCache* cache_;
  Health* health_ = nullptr;
  TaskRows rows_;      // after db_: prepared on it
  AdminWrites admin_;  // likewise
  EventLog events_;    // likewise
  Stmt begin_, commit_, rollback_;
  Stmt probe_, update_, delete_;
  Stmt idem_get_, idem_put_, idem_purge_;
  Stmt user_insert_;
  Stmt disk_probe_;  // a one-row write to meta: is there room again?
  std::atomic<bool> disk_full_{false};
  std::int64_t idempotency_ttl_ms_;
  std::int64_t last_purge_ms_ = 0;
  std::atomic<EventSink*> sink_{nullptr};  // where committed events go
  // Written by the writer thread only; read by /metrics.
  CommitCounters counters_;

  WriteQueue queue_;
  std::thread thread_;
};

}  // namespace brisk::store::sqlite
