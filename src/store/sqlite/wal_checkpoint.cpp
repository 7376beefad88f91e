#include "store/sqlite/wal_checkpoint.hpp"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>
#include <thread>

namespace brisk::store::sqlite {

WalCheckpointer::WalCheckpointer(sqlite3* db, int busy_timeout_ms, WalPolicy policy)
    : db_(db),
      busy_timeout_ms_(busy_timeout_ms),
      policy_(policy),
      restart_at_(policy.frames),
      restart_wait_(policy.wait) {
  sqlite3_wal_hook(db_, on_commit, this);  // replaces wal_autocheckpoint's hook
  const std::string limit = "PRAGMA journal_size_limit = " + std::to_string(policy_.size_limit);
  if (sqlite3_exec(db_, limit.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    spdlog::warn("cannot set journal_size_limit: {}", sqlite3_errmsg(db_));
  }
}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_hook(db_, nullptr, nullptr);
}

// Called by SQLite inside COMMIT, on the writer's thread: only notes the
// WAL's length; the checkpoint waits until the batch's answers are out.
int WalCheckpointer::on_commit(void* self, sqlite3*, const char*, int frames) {
  auto* c = static_cast<WalCheckpointer*>(self);
  c->frames_ = frames;
  c->dirty_ = true;
  return SQLITE_OK;
}

int WalCheckpointer::until_deadline(void* self, int) {
  auto* c = static_cast<WalCheckpointer*>(self);
  if (std::chrono::steady_clock::now() >= c->deadline_) return 0;  // give up: SQLITE_BUSY
  std::this_thread::sleep_for(std::chrono::microseconds(200));
  return 1;
}

int WalCheckpointer::checkpoint(int mode, std::chrono::milliseconds wait) {
  deadline_ = std::chrono::steady_clock::now() + wait;
  sqlite3_busy_handler(db_, until_deadline, this);
  int log = 0;
  int copied = 0;
  const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, mode, &log, &copied);
  sqlite3_busy_timeout(db_, busy_timeout_ms_);
  if (rc == SQLITE_BUSY) {
    spdlog::debug(
        "WAL checkpoint ({}) gave up waiting for readers after {} ms: {} of {} frames copied",
        mode == SQLITE_CHECKPOINT_RESTART ? "RESTART" : "TRUNCATE", wait.count(), copied, log);
  }
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
    spdlog::warn("WAL checkpoint failed: {} (SQLite code {})", sqlite3_errmsg(db_), rc);
  }
  return rc;
}

void WalCheckpointer::after_commit() {
  if (frames_ < policy_.frames) return;
  if (frames_ < restart_at_) {
    ++stats_.passive;
    sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return;
  }
  if (checkpoint(SQLITE_CHECKPOINT_RESTART, restart_wait_) == SQLITE_OK) {
    ++stats_.restarts;
    restart_at_ = policy_.frames;
    restart_wait_ = policy_.wait;
  } else {
    // A reader kept its snapshot: try again soon, waiting longer.
    ++stats_.busy;
    restart_at_ = frames_ + policy_.retry_frames;
    restart_wait_ = std::min(2 * restart_wait_, policy_.max_wait);
  }
}

std::chrono::milliseconds WalCheckpointer::idle_wait() const {
  return dirty_ ? policy_.idle : std::chrono::milliseconds(0);
}

void WalCheckpointer::when_idle() {
  if (!dirty_) return;
  if (checkpoint(SQLITE_CHECKPOINT_TRUNCATE, policy_.wait) == SQLITE_OK) {
    ++stats_.truncates;
    dirty_ = false;
    frames_ = 0;
    restart_at_ = policy_.frames;
    restart_wait_ = policy_.wait;
  }
  // The next batch reads back the pages it needs from the OS's file cache:
  // a cost paid once after a quiet second, not per POST.
  sqlite3_db_release_memory(db_);
  malloc_trim(0);
}

}  // namespace brisk::store::sqlite
