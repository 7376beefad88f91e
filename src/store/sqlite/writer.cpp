#include "store/sqlite/writer.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include <spdlog/spdlog.h>

#include "api/json_input.hpp"
#include "api/model_bind.hpp"
#include "store/sqlite/task_rows.hpp"
#include "util/handoff.hpp"
#include "util/time.hpp"

namespace brisk::store::sqlite {

namespace {
constexpr std::int64_t kIdempotencyWindowMs = 24LL * 3600 * 1000;
constexpr std::size_t kMaxBatch = 4096;
}  // namespace

// Keys of the batch being committed: a second request with one of them is
// "still being processed" (409).
struct Writer::Batch {
  std::set<std::pair<Owner, std::string>> keys;
  // New tasks not yet inserted: their rows go in together (TaskRows::
  // insert_many), before any other kind of write and before COMMIT.
  std::vector<NewTaskRow> new_rows;
};

Writer::Writer(Db db, TaskCache* cache) : db_(std::move(db)), cache_(cache), rows_(db_) {
  begin_ = db_.prepare("BEGIN IMMEDIATE");
  commit_ = db_.prepare("COMMIT");
  rollback_ = db_.prepare("ROLLBACK");
  select_ = db_.prepare("SELECT owner, body, seq FROM tasks WHERE id = ?1");
  update_ = db_.prepare(
      "UPDATE tasks SET status = ?2, priority = ?3, due_at = ?4, title = ?5, updated_at = ?6, "
      "version = ?7, body = ?8 WHERE id = ?1");
  delete_ = db_.prepare("DELETE FROM tasks WHERE id = ?1");
  idem_get_ = db_.prepare(
      "SELECT request, response, created_at, task_id FROM idempotency WHERE owner = ?1 AND key = "
      "?2");
  idem_put_ = db_.prepare(
      "INSERT OR REPLACE INTO idempotency (owner, key, request, response, task_id, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  idem_purge_ = db_.prepare("DELETE FROM idempotency WHERE created_at < ?1");
  // OR IGNORE: a taken username is an answer (409), not a failed transaction.
  user_insert_ = db_.prepare(
      "INSERT OR IGNORE INTO users (id, username, password_hash, created_at) VALUES (?1, ?2, ?3, "
      "?4)");
}

Writer::~Writer() {
  stop();
}

void Writer::start() {
  thread_ = std::thread([this] { run(); });
}

CommitStats Writer::stats() const {
  CommitStats s;
  s.commits = commits_.load(std::memory_order_relaxed);
  s.batch_sum = batch_sum_.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < batch_buckets_.size(); ++i) {
    s.batch_buckets[i] = batch_buckets_[i].load(std::memory_order_relaxed);
  }
  return s;
}

void Writer::submit(WriteRequest req) {
  enqueue(std::move(req));
  flush();
}

void Writer::enqueue(WriteRequest req) {
  std::lock_guard lock(mu_);
  queue_.push_back(std::move(req));
}

void Writer::flush() {
  {
    std::lock_guard lock(mu_);
    if (flushed_ || queue_.empty()) return;  // the writer will take it anyway
    flushed_ = true;
  }
  cv_.notify_one();
}

void Writer::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Writer::run() {
  std::vector<WriteRequest> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || (flushed_ && !queue_.empty()); });
      if (queue_.empty()) return;  // stopping and drained
      if (queue_.size() <= kMaxBatch) {
        batch.swap(queue_);
        flushed_ = false;
      } else {  // the rest was flushed too: it stays ready
        auto mid = queue_.begin() + kMaxBatch;
        batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(mid));
        queue_.erase(queue_.begin(), mid);
      }
    }
    commit(batch);
    batch.clear();
  }
}

void Writer::commit(std::vector<WriteRequest>& batch) {
  std::int64_t now = util::now_unix_ms();
  std::vector<WriteResult> results(batch.size());
  bool ok = false;
  {
    StmtScope b(begin_);
    ok = begin_.step() == SQLITE_DONE;
  }
  if (ok) {
    Batch state;
    try {
      for (std::size_t i = 0; i < batch.size() && ok; ++i) {
        // Writes apply in order: staged creates are stored before anything
        // else runs (an update or delete never sees a half-made batch).
        if (batch[i].kind != WriteRequest::Kind::kCreate) ok = insert_staged(state);
        if (!ok) break;
        results[i] = apply(batch[i], now, state);
        ok = results[i].status != WriteResult::Status::kError;
        if (batch[i].kind == WriteRequest::Kind::kCreate &&
            results[i].status == WriteResult::Status::kOk) {
          // Both stay put until insert_staged: results is never resized.
          state.new_rows.push_back({batch[i].owner, &batch[i].fields, results[i].json});
        }
      }
      if (ok) ok = insert_staged(state);
    } catch (const std::exception& e) {
      // Out of memory or a bug: the whole batch fails cleanly, nothing is kept.
      spdlog::error("write batch failed: {}", e.what());
      ok = false;
    }
    if (ok && now - last_purge_ms_ > 60'000) purge_idempotency(now);
    if (ok) {
      StmtScope c(commit_);
      ok = commit_.step() == SQLITE_DONE;
    }
    if (ok) {
      constexpr auto rel = std::memory_order_relaxed;
      commits_.store(commits_.load(rel) + 1, rel);
      batch_sum_.store(batch_sum_.load(rel) + batch.size(), rel);
      std::size_t b = 0;
      while (b < kBatchBounds.size() && batch.size() > kBatchBounds[b]) ++b;
      batch_buckets_[b].store(batch_buckets_[b].load(rel) + 1, rel);
    }
    if (!ok) {
      spdlog::error("write transaction failed: {}", db_.error());
      StmtScope r(rollback_);
      rollback_.step();
    }
  } else {
    spdlog::error("cannot begin a write transaction: {}", db_.error());
  }
  if (ok && cache_) {
    bool any = false;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const WriteRequest& r = batch[i];
      bool task_write = r.kind != WriteRequest::Kind::kCreateUser;
      bool changed = r.kind == WriteRequest::Kind::kUpdate || r.kind == WriteRequest::Kind::kDelete;
      if (task_write && results[i].status == WriteResult::Status::kOk) any = true;
      if (changed && results[i].status == WriteResult::Status::kOk) cache_->invalidate(r.id);
    }
    // Lists depend on every task: any change ends every cached list.
    if (any) cache_->bump_generation();
  }
  // Every completion is handed over before any requester thread is woken.
  util::HandoffBatch handoff;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    WriteResult res = ok ? std::move(results[i]) : WriteResult{};
    if (batch[i].done) batch[i].done(std::move(res));
  }
}

WriteResult Writer::apply(WriteRequest& r, std::int64_t now, Batch& batch) {
  switch (r.kind) {
    case WriteRequest::Kind::kCreate:
      return create(r, now, batch);
    case WriteRequest::Kind::kUpdate:
      return update(r, now);
    case WriteRequest::Kind::kDelete:
      return remove(r);
    case WriteRequest::Kind::kCreateUser:
      return create_user(r, now);
  }
  return {};
}

WriteResult Writer::create(WriteRequest& r, std::int64_t now, Batch& batch) {
  WriteResult res;
  if (!r.idempotency_key.empty()) {
    if (!batch.keys.emplace(r.owner, r.idempotency_key).second) {
      res.status = WriteResult::Status::kIdempotencyInFlight;
      return res;
    }
    StmtScope s(idem_get_);
    idem_get_.bind(1, r.owner).bind(2, r.idempotency_key);
    int rc = idem_get_.step();
    if (rc == SQLITE_ROW && idem_get_.int64(2) >= now - kIdempotencyWindowMs) {
      if (idem_get_.blob(0) != r.request_body) {
        res.status = WriteResult::Status::kIdempotencyMismatch;
        return res;
      }
      res.status = WriteResult::Status::kReplayed;
      res.json.assign(idem_get_.text(1));
      std::string_view tid = idem_get_.blob(3);
      if (tid.size() == 16) std::copy(tid.begin(), tid.end(), res.id.bytes.begin());
      res.version = 1;
      return res;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return res;  // kError
  }
  tasks::Task& t = r.fields;
  t.id = ids_.next(now);
  t.created_at = t.updated_at = now;
  t.version = 1;
  res.json = tasks::serialize(t);
  // commit() stages the row, inserted with the batch's other new tasks.
  if (!r.idempotency_key.empty()) {
    StmtScope k(idem_put_);
    idem_put_.bind(1, r.owner)
        .bind(2, r.idempotency_key)
        .bind_blob(3, r.request_body.data(), r.request_body.size())
        .bind(4, res.json)
        .bind_blob(5, t.id.bytes.data(), 16)
        .bind(6, now);
    if (idem_put_.step() != SQLITE_DONE) return WriteResult{};
  }
  res.status = WriteResult::Status::kOk;
  res.version = 1;
  res.id = t.id;
  return res;
}

bool Writer::insert_staged(Batch& batch) {
  if (batch.new_rows.empty()) return true;
  bool ok = rows_.insert_many(batch.new_rows);
  batch.new_rows.clear();
  return ok;
}

// Reads r.id's row and binds its stored JSON back into `t` (with the model
// that serves it), and its rowid into `seq`. True when the row exists, is
// r.owner's and matches r's If-Match; otherwise `res` says why: another
// owner's task is reported exactly like a missing one, a storage error stays
// kError.
bool Writer::load_owned(const WriteRequest& r, WriteResult& res, tasks::Task& t,
                        std::int64_t& seq) {
  StmtScope s(select_);
  select_.bind_blob(1, r.id.bytes.data(), 16);
  int rc = select_.step();
  if (rc == SQLITE_DONE || (rc == SQLITE_ROW && select_.int64(0) != r.owner)) {
    res.status = WriteResult::Status::kNotFound;
    return false;
  }
  if (rc != SQLITE_ROW) return false;
  seq = select_.int64(2);
  simdjson::dom::element doc;
  simdjson::dom::object obj;
  api::Errors errs;
  if (!api::thread_json_input().parse_copy(select_.text(1), doc) || doc.get_object().get(obj)) {
    spdlog::error("stored task is not valid JSON");
    return false;
  }
  api::bind(tasks::kTaskModel, obj, api::Mode::kStored, t, errs);
  if (!errs.empty()) {
    spdlog::error("stored task does not match the model: {}", errs.front().msg);
    return false;
  }
  if (r.if_match.active() && !r.if_match.matches(t.version)) {
    res.status = WriteResult::Status::kPreconditionFailed;
    return false;
  }
  return true;
}

WriteResult Writer::update(WriteRequest& r, std::int64_t now) {
  WriteResult res;
  tasks::Task before;
  std::int64_t seq = 0;
  if (!load_owned(r, res, before, seq)) return res;
  tasks::Task t = before;
  tasks::apply_patch(t, r.fields, r.mask);
  t.version += 1;
  t.updated_at = std::max(now, t.updated_at);
  res.json = tasks::serialize(t);
  StmtScope s(update_);
  update_.bind_blob(1, t.id.bytes.data(), 16).bind(2, t.status).bind(3, t.priority);
  if (t.due_at)
    update_.bind(4, *t.due_at);
  else
    update_.bind_null(4);
  update_.bind(5, t.title).bind(6, t.updated_at).bind(7, t.version).bind(8, res.json);
  if (update_.step() != SQLITE_DONE) return WriteResult{};
  IndexChange change = index_change(before, t);
  if ((change.tags || change.text) &&
      !(rows_.unindex(r.owner, seq, before, change) && rows_.index(r.owner, seq, t, change))) {
    return WriteResult{};
  }
  res.status = WriteResult::Status::kOk;
  res.version = t.version;
  res.id = t.id;
  return res;
}

WriteResult Writer::remove(WriteRequest& r) {
  WriteResult res;
  tasks::Task before;
  std::int64_t seq = 0;
  if (!load_owned(r, res, before, seq)) return res;
  if (!rows_.unindex(r.owner, seq, before, IndexChange{true, true})) return res;
  StmtScope s(delete_);
  delete_.bind_blob(1, r.id.bytes.data(), 16);
  if (delete_.step() != SQLITE_DONE) return res;
  res.status = WriteResult::Status::kOk;
  res.id = r.id;
  return res;
}

WriteResult Writer::create_user(WriteRequest& r, std::int64_t now) {
  WriteResult res;
  util::Uuid id = ids_.next(now);
  StmtScope s(user_insert_);
  user_insert_.bind_blob(1, id.bytes.data(), 16)
      .bind(2, r.username)
      .bind(3, r.password_hash)
      .bind(4, now);
  if (user_insert_.step() != SQLITE_DONE) return res;
  if (sqlite3_changes(db_.get()) == 0) {
    res.status = WriteResult::Status::kConflict;
    return res;
  }
  res.status = WriteResult::Status::kOk;
  res.id = id;
  res.created_at = now;
  return res;
}

void Writer::purge_idempotency(std::int64_t now) {
  last_purge_ms_ = now;
  StmtScope s(idem_purge_);
  idem_purge_.bind(1, now - kIdempotencyWindowMs);
  idem_purge_.step();
}

}  // namespace brisk::store::sqlite
