#include "store/postgres/writer.hpp"

#include <poll.h>

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

#include "store/postgres/write_statements.hpp"
#include "util/handoff.hpp"
#include "util/time.hpp"

namespace brisk::store::postgres {

namespace {
// A batch that PostgreSQL aborts for a deadlock or a serialization failure
// (instances updating the same tasks in opposite orders) is run again.
constexpr int kMaxAttempts = 5;

bool send(PGconn* c, const char* name, Params& p) {
  return PQsendQueryPrepared(c, name, p.size(), p.values(), p.lengths(), nullptr, 0) == 1;
}

bool may_log_events(std::vector<WriteRequest>& batch) {
  return std::any_of(batch.begin(), batch.end(), [](WriteRequest& r) {
    Owner owner = 0;
    const Event* e = event_of(r.command, owner);
    return e && e->kind != 0;
  });
}

}  // namespace

bool drive_pipeline(PGconn* c, std::size_t statements,
                    const std::function<void(std::size_t, Result)>& result) {
  if (PQpipelineSync(c) != 1) return false;
  std::size_t index = 0;  // the statement whose results come next
  bool first = true;      // no result of `index` seen yet
  for (;;) {
    const int pending = PQflush(c);
    if (pending < 0) return false;
    while (!PQisBusy(c)) {
      PGresult* r = PQgetResult(c);
      if (!r) {                                      // the end of one statement's results
        if (++index > statements + 1) return false;  // never more NULLs than statements
        first = true;
        continue;
      }
      if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
        PQclear(r);
        return index >= statements;
      }
      if (first && index < statements) {
        first = false;
        result(index, Result(r));
      } else {
        PQclear(r);
      }
    }
    pollfd pfd{PQsocket(c), static_cast<short>(POLLIN | (pending ? POLLOUT : 0)), 0};
    if (pfd.fd < 0) return false;
    int n = ::poll(&pfd, 1, 1000);
    if (n < 0 && errno != EINTR) return false;
    if (n > 0 && (pfd.revents & (POLLIN | POLLERR | POLLHUP)) && PQconsumeInput(c) != 1) {
      return false;
    }
  }
}

bool Writer::prepare(PGconn* c, std::string& error) {
  for (const Prepared& st : write_statements()) {
    Result r(PQprepare(c, st.name, st.sql.c_str(), 0, nullptr));
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
      error = std::string("cannot prepare ") + st.name + ": " + (r ? message(r.get()) : message(c));
      return false;
    }
  }
  if (PQsetnonblocking(c, 1) != 0 || PQenterPipelineMode(c) != 1) {
    error = "cannot enter pipeline mode: " + message(c);
    return false;
  }
  return true;
}

Writer::Writer(std::string url, Conn conn, std::atomic<bool>& up, std::int64_t idempotency_ttl_ms)
    : url_(std::move(url)),
      conn_(std::move(conn)),
      up_(up),
      idempotency_ttl_ms_(idempotency_ttl_ms) {}

void Writer::set_events(EventPublisher* publisher, std::function<void()> behind,
                        std::int64_t window) {
  publisher_ = publisher;
  behind_ = std::move(behind);
  event_window_ = std::max<std::int64_t>(1, window);
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
  if (thread_.joinable()) thread_.join();
}

void Writer::run() {
  std::vector<WriteRequest> batch;
  while (queue_.take(batch)) {
    commit(batch);
    batch.clear();
  }
}

// The writer's connection, reopened if it was lost and the database is
// known to answer again.
bool Writer::connected() {
  if (reset_.exchange(false, std::memory_order_acq_rel)) conn_.reset();
  if (conn_ && PQstatus(conn_.get()) == CONNECTION_OK) return true;
  if (!up_.load(std::memory_order_acquire)) return false;
  std::string err;
  Conn c = connect(url_, err);
  if (c && !prepare(c.get(), err)) c.reset();
  if (!c) {
    spdlog::warn("PostgreSQL: the writer cannot reconnect: {}", err);
    return false;
  }
  spdlog::info("PostgreSQL: the writer reconnected");
  conn_ = std::move(c);
  return true;
}

void Writer::lose(const std::string& why) {
  spdlog::error("PostgreSQL: the writer's connection was lost: {}", why);
  conn_.reset();
  up_.store(false, std::memory_order_release);
}

void Writer::commit(std::vector<WriteRequest>& batch) {
  std::vector<WriteResult> results(batch.size());
  Outcome outcome = Outcome::kLost;
  for (int i = 0; i < kMaxAttempts; ++i) {
    if (!connected()) {
      outcome = Outcome::kLost;
      break;
    }
    outcome = attempt(batch, results);
    if (outcome != Outcome::kRetry) break;
  }
  if (outcome == Outcome::kCommitted) {
    counters_.record(batch.size());
    // Before the answers: a stream hears of a change no later than its writer.
    publish(batch, results);
  }
  const WriteResult::Status failed =
      outcome == Outcome::kLost ? WriteResult::Status::kUnavailable : WriteResult::Status::kError;
  // Every completion is handed over before any requester thread is woken.
  util::HandoffBatch handoff;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    WriteResult res;
    if (outcome == Outcome::kCommitted) {
      res = std::move(results[i]);
      if (res.status == WriteResult::Status::kOk) {
        if (auto* c = std::get_if<CreateTask>(&batch[i].command)) res.body = std::move(c->row.body);
        if (auto* u = std::get_if<UpdateTask>(&batch[i].command)) res.body = std::move(u->row.body);
      }
    } else {
      res.status = failed;
    }
    if (batch[i].done) batch[i].done(std::move(res));
  }
}

// One try at the batch: every statement, then the Sync that commits them.
Writer::Outcome Writer::attempt(std::vector<WriteRequest>& batch,
                                std::vector<WriteResult>& results) {
  PGconn* c = conn_.get();
  // Which statement answers which request (-1: answered without one).
  std::vector<long> stmt_of(batch.size(), -1);
  std::size_t statements = 0;
  BatchKeys keys;
  Params p;
  // A batch that may log events takes the event lock first (event_sql.hpp).
  const bool events = may_log_events(batch);
  bool sent = true;
  if (events) {
    sent = send(c, "event_lock", p) && send(c, "event_base", p);
    statements += 2;
  }
  for (std::size_t i = 0; i < batch.size() && sent; ++i) {
    results[i] = WriteResult{};
    p.clear();
    const char* name = bind_command(batch[i].command, p, keys, results[i]);
    if (!name) continue;
    stmt_of[i] = static_cast<long>(statements++);
    sent = send(c, name, p);
  }
  const std::int64_t now = util::now_unix_ms();
  const bool purge = sent && now - last_purge_ms_ > 60'000;
  if (purge) {
    p.clear();
    p.integer(now - idempotency_ttl_ms_);
    sent = send(c, "purge", p);
    ++statements;
  }
  if (sent && events) {
    // Prunes a tenth of the window at a time, and sends NOTIFY.
    p.clear();
    p.integer(event_window_).integer(std::max<std::int64_t>(1, event_window_ / 10));
    sent = send(c, "events_end", p);
    ++statements;
  }
  if (!sent) {
    lose(message(c));
    return Outcome::kLost;
  }

  std::vector<Result> answers(statements);
  if (!drive_pipeline(c, statements, [&](std::size_t i, Result r) { answers[i] = std::move(r); })) {
    // The Sync's answer never came: whether the batch committed is
    // unknown, so it is reported as unavailable, never as done.
    lose(message(c));
    return Outcome::kLost;
  }
  for (const Result& r : answers) {
    ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_PIPELINE_ABORTED) continue;
    std::string_view code = sqlstate(r.get());
    if (code == "40P01" || code == "40001") {
      spdlog::info("PostgreSQL: write batch retried ({})", message(r.get()));
      return Outcome::kRetry;
    }
    if (connection_lost(c, r.get())) {
      lose(message(r.get()));
      return Outcome::kLost;
    }
    spdlog::error("PostgreSQL: write batch failed: {}", message(r.get()));
    return Outcome::kFailed;
  }
  if (purge) last_purge_ms_ = now;

  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (stmt_of[i] < 0) continue;
    read_answer(batch[i].command, answers[static_cast<std::size_t>(stmt_of[i])].get(), results[i]);
  }
  return Outcome::kCommitted;
}

// After COMMIT: the batch's logged events, in id order, to the publisher.
void Writer::publish(std::vector<WriteRequest>& batch, const std::vector<WriteResult>& results) {
  if (!publisher_) return;
  std::vector<LoggedEvent> events;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (results[i].status != WriteResult::Status::kOk || results[i].event_id <= 0) continue;
    Owner owner = 0;
    Event* e = event_of(batch[i].command, owner);
    if (e) events.push_back({results[i].event_id, owner, e->kind, std::move(e->data)});
  }
  std::sort(events.begin(), events.end(),
            [](const LoggedEvent& a, const LoggedEvent& b) { return a.id < b.id; });
  if (!publisher_->offer(std::move(events)) && behind_) behind_();
}

}  // namespace brisk::store::postgres
