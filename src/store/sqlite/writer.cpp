#include "store/sqlite/writer.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <utility>

#include <spdlog/spdlog.h>
#include <chrono>

#include "store/sqlite/columns.hpp"
#include "util/handoff.hpp"
#include "util/time.hpp"

namespace brisk::store::sqlite {

namespace {
// How often a writer whose disk is full tries a one-row write.
constexpr auto kProbeInterval = std::chrono::seconds(2);
// The writer connection's busy timeout (set where it is opened,
// sqlite_store.cpp); restored after each checkpoint's shorter wait.
constexpr int kBusyTimeoutMs = 5000;
constexpr std::span<const Column<TaskRow>> kCols(kTaskColumns);
constexpr std::span<const Column<UserRow>> kUserCols(kUserColumns);
// Parameters after the updatable columns in update_ and delete_.
constexpr int kWhereFirst = updatable_count(kCols) + 1;

// A committed create or update answers with the body it stored: moved into
// the result, as the command is done with.
void take_body(Command& cmd, WriteResult& res) {
  if (auto* c = std::get_if<CreateTask>(&cmd)) res.body = std::move(c->row.body);
  if (auto* u = std::get_if<UpdateTask>(&cmd)) res.body = std::move(u->row.body);
}

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;
}  // namespace

// Keys of the batch being committed: a second request with one of them is
// "still being processed" (409).
struct Writer::Batch {
  std::set<std::pair<Owner, std::string>> keys;
  // New tasks not yet inserted: their rows go in together (TaskRows::
  // insert_many), before any other kind of write and before COMMIT.
  std::vector<const TaskRow*> new_rows;
};

Writer::Writer(Db db, TaskCache* cache, std::int64_t idempotency_ttl_ms, std::int64_t event_window,
               WalPolicy wal)
    : db_(std::move(db)),
      wal_(db_.get(), kBusyTimeoutMs, wal),
      cache_(cache),
      rows_(db_),
      admin_(db_),
      events_(db_, event_window),
      idempotency_ttl_ms_(idempotency_ttl_ms) {
  begin_ = db_.prepare("BEGIN IMMEDIATE");
  commit_ = db_.prepare("COMMIT");
  rollback_ = db_.prepare("ROLLBACK");
  // Compare-and-set on the version the caller read (store/commands.hpp).
  const std::string where = " WHERE id = ?" + std::to_string(kWhereFirst) + " AND owner = ?" +
                            std::to_string(kWhereFirst + 1) + " AND version = ?" +
                            std::to_string(kWhereFirst + 2) + " RETURNING seq";
  update_ = db_.prepare("UPDATE tasks SET " + set_list(kCols) + where);
  delete_ = db_.prepare(
      "DELETE FROM tasks WHERE id = ?1 AND owner = ?2 AND version = ?3 "
      "RETURNING seq");
  probe_ = db_.prepare("SELECT owner FROM tasks WHERE id = ?1");
  idem_get_ = db_.prepare(
      "SELECT request, response, created_at, task_id FROM idempotency WHERE owner = ?1 AND key = "
      "?2");
  idem_put_ = db_.prepare(
      "INSERT OR REPLACE INTO idempotency (owner, key, request, response, task_id, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  idem_purge_ = db_.prepare("DELETE FROM idempotency WHERE created_at < ?1");
  // OR IGNORE: a taken username is an answer (409), not a failed transaction.
  disk_probe_ = db_.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('disk_probe', ?1)");
  user_insert_ = db_.prepare("INSERT OR IGNORE INTO users (" + column_names(kUserCols) +
                             ") VALUES (?1, ?2, ?3, ?4, ?5) RETURNING owner");
}

Writer::~Writer() {
  stop();
}

void Writer::start() {
  thread_ = std::thread([this] { run(); });
}

CommitStats Writer::stats() const {
  return counters_.stats();
}

void Writer::submit(WriteRequest req) {
  enqueue(std::move(req));
  flush();
}

void Writer::enqueue(WriteRequest req) {
  queue_.enqueue(std::move(req));
}

void Writer::flush() {
  queue_.flush();
}

void Writer::stop() {
  queue_.close();
  if (thread_.joinable()) {
    thread_.join();
    // A clean stop leaves the database file complete on its own: everything
    // in the WAL is copied back and the WAL truncated. (SQLite checkpoints
    // when its last connection closes, but brisk's last ones are the
    // read-only readers, which cannot.) `cp brisk.db` is then a backup.
    if (std::string err = db_.exec("PRAGMA wal_checkpoint(TRUNCATE)"); !err.empty()) {
      spdlog::warn("checkpoint at stop failed: {}", err);
    }
    const WalCheckpointStats& w = wal_.stats();
    spdlog::debug(
        "WAL checkpoints: {} restarts, {} gave up waiting for readers, {} passive, {} idle "
        "truncates",
        w.restarts, w.busy, w.passive, w.truncates);
  }
}

void Writer::run() {
  std::vector<WriteRequest> batch;
  for (;;) {
    if (disk_full()) {
      // Wake now and then to see whether space was freed, so that /readyz
      // recovers without waiting for a client's write.
      const auto t = queue_.take_for(batch, kProbeInterval);
      if (t == WriteQueue::Take::kClosed) return;
      if (t == WriteQueue::Take::kTimeout) {
        probe_disk();
        continue;
      }
    } else if (const auto idle = wal_.idle_wait(); idle.count() > 0) {
      // A quiet moment empties the WAL file (wal_checkpoint.hpp).
      const auto t = queue_.take_for(batch, idle);
      if (t == WriteQueue::Take::kClosed) return;
      if (t == WriteQueue::Take::kTimeout) {
        wal_.when_idle();
        continue;
      }
    } else if (!queue_.take(batch)) {
      return;
    }
    commit(batch);
    batch.clear();
  }
}

WriteResult::Status Writer::failed(int rc) {
  if ((rc & 0xff) == SQLITE_FULL) {
    set_disk_full(true);
    return WriteResult::Status::kFull;
  }
  if (health_ && Health::is_corruption(rc)) {
    health_->report(Health::Fault::kCorrupt, db_.error());  // logged once
    return WriteResult::Status::kUnavailable;
  }
  spdlog::error("write transaction failed: {} (SQLite code {})", db_.error(), rc);
  return WriteResult::Status::kError;
}

// Logged on the change only: a full disk under load is one line, not one
// per request.
void Writer::set_disk_full(bool full) {
  if (disk_full_.exchange(full, std::memory_order_relaxed) == full) return;
  if (full) {
    spdlog::error(
        "no space left on the device; writes are answered 507 until space is freed (reads go "
        "on; /readyz says not ready)");
  } else {
    spdlog::info("space on the device again: writes succeed again");
  }
}

void Writer::probe_disk() {
  bool ok = false;
  {
    StmtScope b(begin_);
    ok = begin_.step() == SQLITE_DONE;
  }
  if (ok) {
    StmtScope p(disk_probe_);
    disk_probe_.bind(1, util::now_unix_ms());
    ok = disk_probe_.step() == SQLITE_DONE;
  }
  if (ok) {
    StmtScope c(commit_);
    ok = commit_.step() == SQLITE_DONE;
  }
  if (ok) {
    set_disk_full(false);
    return;
  }
  StmtScope r(rollback_);
  rollback_.step();
}

void Writer::commit(std::vector<WriteRequest>& batch) {
  std::vector<WriteResult> results(batch.size());
  bool ok = false;
  WriteResult::Status failure = WriteResult::Status::kError;
  events_.begin();
  const bool debug = spdlog::should_log(spdlog::level::debug);
  const auto started =
      debug ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
  // A fault no retry cures (health.hpp): a commit would go to a file nobody
  // opens again, or into damaged pages. Refused without touching the file.
  const bool faulty = health_ && health_->faulty();
  if (!faulty) {
    StmtScope b(begin_);
    ok = begin_.step() == SQLITE_DONE;
  }
  if (ok) {
    ok = apply_all(batch, results);
    const std::int64_t now = util::now_unix_ms();
    if (ok && now - last_purge_ms_ > 60'000) purge_idempotency(now);
    if (ok) ok = events_.prune();
    if (ok) {
      StmtScope c(commit_);
      ok = commit_.step() == SQLITE_DONE;
    }
    if (ok) counters_.record(batch.size());
    if (ok && debug) {
      const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
      spdlog::debug("committed a batch of {} write(s) in {} us (with its fsync)", batch.size(), us);
    }
    if (!ok) {
      // The failing statement's code, read before ROLLBACK replaces it.
      failure = failed(sqlite3_extended_errcode(db_.get()));
      StmtScope r(rollback_);
      rollback_.step();
    }
  } else {
    failure =
        faulty ? WriteResult::Status::kUnavailable : failed(sqlite3_extended_errcode(db_.get()));
  }
  if (ok) set_disk_full(false);
  if (!ok) events_.rollback();  // nothing of the batch was kept: neither its events nor their ids
  if (ok && cache_) invalidate_caches(batch, results);
  // After the caches (a client told of a change may read it at once), before
  // the answers: a stream hears of a change no later than its writer.
  if (ok) publish(events_.take());
  {
    // Every completion is handed over before any requester thread is woken.
    util::HandoffBatch handoff;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      WriteResult res = ok ? std::move(results[i]) : WriteResult{};
      if (!ok) res.status = failure;
      if (res.status == WriteResult::Status::kOk) take_body(batch[i].command, res);
      if (batch[i].done) batch[i].done(std::move(res));
    }
  }
  // Once the answers are on their way: no client waits for the checkpoint,
  // and the next batch begins after it (so the WAL can restart).
  if (ok) wal_.after_commit();
}

// Applies the batch's commands in order inside the open transaction. False
// when the transaction must be rolled back (a storage error).
bool Writer::apply_all(std::vector<WriteRequest>& batch, std::vector<WriteResult>& results) {
  Batch state;
  try {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      Command& cmd = batch[i].command;
      // Writes apply in order: staged creates are stored before anything
      // else runs (an update or delete never sees a half-made batch).
      if (!std::holds_alternative<CreateTask>(cmd) && !insert_staged(state)) return false;
      results[i] = std::visit(Overloaded{[&](CreateTask& c) { return create(c, state); },
                                         [&](UpdateTask& u) { return update(u); },
                                         [&](DeleteTask& d) { return remove(d); },
                                         [&](CreateUser& c) { return create_user(c); },
                                         [&](UpdateUser& u) { return admin_.update_user(u); },
                                         [&](DeleteUser& d) { return admin_.delete_user(d); },
                                         [&](ImportTask& t) { return import(t); }},
                              cmd);
      if (results[i].status == WriteResult::Status::kError) return false;
    }
    return insert_staged(state);
  } catch (const std::exception& e) {
    // Out of memory or a bug: the whole batch fails cleanly, nothing is kept.
    spdlog::error("write batch failed: {}", e.what());
    return false;
  }
}

void Writer::invalidate_caches(const std::vector<WriteRequest>& batch,
                               const std::vector<WriteResult>& results) {
  bool any = false;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (results[i].status != WriteResult::Status::kOk) continue;
    const Command& cmd = batch[i].command;
    if (const auto* u = std::get_if<UpdateTask>(&cmd)) cache_->invalidate(u->row.id);
    if (const auto* d = std::get_if<DeleteTask>(&cmd)) cache_->invalidate(d->id);
    any = any || std::holds_alternative<CreateTask>(cmd) ||
          std::holds_alternative<UpdateTask>(cmd) || std::holds_alternative<DeleteTask>(cmd) ||
          std::holds_alternative<ImportTask>(cmd);
  }
  // Lists depend on every task: any change ends every cached list.
  if (any) cache_->bump_generation();
}

WriteResult Writer::create(CreateTask& c, Batch& batch) {
  WriteResult res;
  const Idempotency& idem = c.idempotency;
  if (!idem.key.empty()) {
    if (!batch.keys.emplace(c.row.owner, idem.key).second) {
      res.status = WriteResult::Status::kIdempotencyInFlight;
      return res;
    }
    StmtScope s(idem_get_);
    idem_get_.bind(1, c.row.owner).bind(2, idem.key);
    int rc = idem_get_.step();
    if (rc == SQLITE_ROW && idem_get_.int64(2) >= idem.since) {
      if (idem_get_.blob(0) != idem.request_body) {
        res.status = WriteResult::Status::kIdempotencyMismatch;
        return res;
      }
      res.status = WriteResult::Status::kReplayed;
      res.body.assign(idem_get_.text(1));
      std::string_view tid = idem_get_.blob(3);
      if (tid.size() == 16) std::copy(tid.begin(), tid.end(), res.id.bytes.begin());
      return res;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return res;  // kError
    StmtScope k(idem_put_);
    idem_put_.bind(1, c.row.owner)
        .bind(2, idem.key)
        .bind_blob(3, idem.request_body.data(), idem.request_body.size())
        .bind(4, c.row.body)
        .bind_blob(5, c.row.id.bytes.data(), 16)
        .bind(6, c.row.created_at);
    if (idem_put_.step() != SQLITE_DONE) return res;  // kError
  }
  res.event_id = events_.log(c.row.owner, c.event);
  if (res.event_id < 0) return WriteResult{};
  // The row is inserted with the batch's other new tasks (insert_staged).
  batch.new_rows.push_back(&c.row);
  res.status = WriteResult::Status::kOk;
  res.id = c.row.id;
  return res;
}

bool Writer::insert_staged(Batch& batch) {
  if (batch.new_rows.empty()) return true;
  bool ok = rows_.insert_many(batch.new_rows);
  batch.new_rows.clear();
  return ok;
}

// Why a compare-and-set changed no row: the task is not there for this
// owner (another owner's task is reported exactly like a missing one), or
// its version moved on.
WriteResult Writer::why_unchanged(const util::Uuid& id, Owner owner) {
  WriteResult res;
  StmtScope s(probe_);
  probe_.bind_blob(1, id.bytes.data(), 16);
  int rc = probe_.step();
  if (rc == SQLITE_DONE || (rc == SQLITE_ROW && probe_.int64(0) != owner)) {
    res.status = WriteResult::Status::kNotFound;
  } else if (rc == SQLITE_ROW) {
    res.status = WriteResult::Status::kVersionChanged;
  }
  return res;
}

WriteResult Writer::update(UpdateTask& u) {
  const TaskRow& t = u.row;
  std::int64_t seq = 0;
  {
    StmtScope s(update_);
    int next = bind_updatable(update_, 1, kCols, t);
    bind_value(update_, next, t.id);
    update_.bind(next + 1, t.owner).bind(next + 2, u.expected_version);
    int rc = update_.step();
    if (rc == SQLITE_DONE) return why_unchanged(t.id, t.owner);
    if (rc != SQLITE_ROW) return WriteResult{};
    seq = update_.int64(0);
    if (update_.step() != SQLITE_DONE) return WriteResult{};
  }
  IndexChange change = index_change(u.before, t);
  if ((change.tags || change.text) &&
      !(rows_.unindex(seq, t.owner, t.id, t.created_at, u.before, change) &&
        rows_.index(seq, t, change))) {
    return WriteResult{};
  }
  WriteResult res;
  res.event_id = events_.log(t.owner, u.event);
  if (res.event_id < 0) return WriteResult{};
  res.status = WriteResult::Status::kOk;
  res.id = t.id;
  return res;
}

WriteResult Writer::remove(DeleteTask& d) {
  std::int64_t seq = 0;
  {
    StmtScope s(delete_);
    delete_.bind_blob(1, d.id.bytes.data(), 16).bind(2, d.owner).bind(3, d.expected_version);
    int rc = delete_.step();
    if (rc == SQLITE_DONE) return why_unchanged(d.id, d.owner);
    if (rc != SQLITE_ROW) return WriteResult{};
    seq = delete_.int64(0);
    if (delete_.step() != SQLITE_DONE) return WriteResult{};
  }
  if (!rows_.unindex(seq, d.owner, d.id, d.created_at, d.before, IndexChange{true, true})) {
    return WriteResult{};
  }
  WriteResult res;
  res.event_id = events_.log(d.owner, d.event);
  if (res.event_id < 0) return WriteResult{};
  res.status = WriteResult::Status::kOk;
  res.id = d.id;
  return res;
}

WriteResult Writer::create_user(const CreateUser& c) {
  WriteResult res;
  StmtScope s(user_insert_);
  bind_columns(user_insert_, 1, kUserCols, c.row);
  int rc = user_insert_.step();
  if (rc == SQLITE_DONE) {  // ignored: the username is taken
    res.status = WriteResult::Status::kConflict;
    return res;
  }
  if (rc != SQLITE_ROW) return res;
  res.owner = user_insert_.int64(0);
  if (user_insert_.step() != SQLITE_DONE) return WriteResult{};
  res.status = WriteResult::Status::kOk;
  res.id = c.row.id;
  return res;
}

void Writer::purge_idempotency(std::int64_t now) {
  last_purge_ms_ = now;
  StmtScope s(idem_purge_);
  idem_purge_.bind(1, now - idempotency_ttl_ms_);
  idem_purge_.step();
}

WriteResult Writer::import(ImportTask& t) {
  WriteResult res = admin_.import_task(t, rows_);
  if (res.status != WriteResult::Status::kOk) return res;
  res.event_id = events_.log(t.row.owner, t.event);
  if (res.event_id < 0) return WriteResult{};
  return res;
}

void Writer::publish(std::vector<LoggedEvent>&& events) {
  if (events.empty()) return;
  if (EventSink* sink = sink_.load(std::memory_order_acquire)) sink->published(std::move(events));
}

}  // namespace brisk::store::sqlite
