// The writer's checkpoint policy: keeps the WAL file bounded while readers
// come and go.
//
// SQLite writes a WAL from its start again ("restarts" it) only when a write
// transaction begins with every frame copied back into the database and no
// reader still using a WAL snapshot. Its automatic checkpoint (PASSIVE,
// after a commit once the WAL holds 1000 frames) never waits for readers:
// with reads always in flight on the event loops and the read pool, some
// reader nearly always holds a snapshot from before the last commit, the
// checkpoint stops short of it, the WAL never restarts, and the file grows
// for as long as the load lasts (76.6 MB beside a 31.6 MB database after a
// 5-minute mixed soak, issue 15). And a restarted WAL is overwritten in
// place, never made smaller, unless `journal_size_limit` is set.
//
// The policy, run by the writer on its own thread:
// - after a commit whose answers are handed over (so no answer waits for
//   it), once the WAL holds `frames` frames: a RESTART checkpoint, which
//   copies every frame back and waits (at most `wait`) for the readers that
//   began before it to finish. Readers that begin meanwhile read the
//   database file only, so the next commit writes the WAL from its start.
//   If the readers do not finish in time, what could be copied was, and the
//   next RESTART is tried once the WAL has grown by another `retry_frames`
//   (PASSIVE checkpoints, which never wait, in between), waiting twice as
//   long each time up to `max_wait`: a reader descheduled on a busy machine
//   (seen: 10-100 ms at a load of 10 on 2 cores), or a costly list, delays
//   the restart but cannot keep the WAL growing for long, and the writes
//   wait at most `max_wait` per `retry_frames`;
// - `journal_size_limit` = `size_limit`: a WAL restarted after it outgrew
//   the limit is truncated back to it at the next commit;
// - when no write came for a while (the writer's queue was empty for
//   `idle`): a TRUNCATE checkpoint, which leaves the WAL file empty, and the
//   connection's page cache handed back to the allocator and the allocator's
//   free pages to the OS (an idle server holds no cache it filled under
//   load).
//
// Invariant: used on the writer's thread only (the connection's thread).
#pragma once
#include <sqlite3.h>

#include <chrono>
#include <cstdint>

namespace brisk::store::sqlite {

struct WalPolicy {
  int frames = 1000;                        // SQLite's own threshold, about 4 MB of WAL
  int retry_frames = 250;                   // after a RESTART that gave up
  std::int64_t size_limit = 8 << 20;        // journal_size_limit, bytes
  std::chrono::milliseconds wait{10};       // for readers, per RESTART or TRUNCATE
  std::chrono::milliseconds max_wait{160};  // after RESTARTs that gave up: doubled up to this
  std::chrono::milliseconds idle{1000};     // no write for this long: TRUNCATE
};

// What the policy did (tests, logs).
struct WalCheckpointStats {
  std::uint64_t restarts = 0;   // RESTART checkpoints that completed
  std::uint64_t busy = 0;       // RESTARTs whose readers did not finish in time
  std::uint64_t passive = 0;    // PASSIVE checkpoints between RESTART attempts
  std::uint64_t truncates = 0;  // idle TRUNCATE checkpoints that completed
};

class WalCheckpointer {
 public:
  // Installs the policy on `db` (the writer's connection, in WAL mode): its
  // WAL hook replaces SQLite's automatic checkpoint. `busy_timeout_ms` is
  // the connection's usual busy timeout, restored after each wait.
  WalCheckpointer(sqlite3* db, int busy_timeout_ms, WalPolicy policy = {});
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // After a commit (its answers handed over): checkpoints if the WAL is
  // past the threshold.
  void after_commit();
  // How long the writer may wait for a write before calling when_idle(),
  // or zero when the WAL is already empty (nothing to do when idle).
  std::chrono::milliseconds idle_wait() const;
  void when_idle();
  const WalCheckpointStats& stats() const { return stats_; }

 private:
  static int on_commit(void* self, sqlite3* db, const char* schema, int frames);
  static int until_deadline(void* self, int attempts);
  // A checkpoint of `mode`, waiting for readers at most `wait`.
  int checkpoint(int mode, std::chrono::milliseconds wait);

  sqlite3* db_;
  int busy_timeout_ms_;
  WalPolicy policy_;
  int frames_ = 0;                          // in the WAL after the last commit (its hook)
  int restart_at_;                          // try RESTART once the WAL holds this many frames
  std::chrono::milliseconds restart_wait_;  // the next RESTART's wait
  bool dirty_ = true;                       // written since the last TRUNCATE (or opened)
  std::chrono::steady_clock::time_point deadline_{};
  WalCheckpointStats stats_;
};

}  // namespace brisk::store::sqlite
