#include "store/postgres/writer.hpp"

#include <poll.h>

#include <set>
#include <utility>

#include <spdlog/spdlog.h>

#include "store/postgres/text_index.hpp"
#include "util/handoff.hpp"
#include "util/time.hpp"

namespace brisk::store::postgres {

namespace {
constexpr std::size_t kMaxBatch = 4096;
// A batch that PostgreSQL aborts for a deadlock or a serialization failure
// (instances updating the same tasks in opposite orders) is run again.
constexpr int kMaxAttempts = 5;
constexpr std::span<const Column<TaskRow>> kCols(kTaskColumns);

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

// Titles may hold U+0000, which neither PostgreSQL's text nor libpq's text
// parameters (C strings) can carry: the title travels and is kept as bytea.
bool as_bytes(const Column<TaskRow>& c) {
  return c.name == "title";
}

template <class Row>
const char* sql_type(const Column<Row>& c) {
  if constexpr (std::is_same_v<Row, TaskRow>) {
    if (as_bytes(c)) return "bytea";
  }
  switch (c.member.index()) {
    case 0:
      return "uuid";
    case 1:
    case 2:
      return "bigint";
    default:
      return "text";
  }
}

// "$1::uuid, $2::bigint, ..." for the task columns, then tags, search and
// title_key (the derived columns, in this order after the table's).
std::string task_values(int first) {
  std::string s;
  int n = first;
  for (const Column<TaskRow>& c : kCols) {
    s += "$" + std::to_string(n++) + "::" + sql_type(c) + ", ";
  }
  s += "$" + std::to_string(n) + "::bytea[], $" + std::to_string(n + 1) + "::tsvector, $" +
       std::to_string(n + 2) + "::bytea";
  return s;
}
constexpr const char* kDerived = ", tags, search, title_key";
constexpr int kTaskParams = static_cast<int>(kTaskColumns.size()) + 3;

std::string set_list() {
  std::string s;
  int n = 1;
  for (const Column<TaskRow>& c : kCols) {
    if (!c.updatable) continue;
    s += std::string(c.name) + " = $" + std::to_string(n++) + "::" + sql_type(c) + ", ";
  }
  s += "tags = $" + std::to_string(n) + "::bytea[], search = $" + std::to_string(n + 1) +
       "::tsvector, title_key = $" + std::to_string(n + 2) + "::bytea";
  return s;
}
int updatable_params() {
  int n = 3;  // tags, search, title_key
  for (const Column<TaskRow>& c : kCols) n += c.updatable ? 1 : 0;
  return n;
}

// The prepared statements (names and SQL), made once from the column table.
struct Statements {
  std::string insert, insert_keyed, update, remove, create_user;
  Statements() {
    const std::string cols = column_names(kCols) + kDerived;
    insert = "INSERT INTO tasks (" + cols + ") VALUES (" + task_values(1) + ")";
    // A keyed create claims its key first: a live record answers (replay or
    // mismatch); a new or expired one is written, and only then the task.
    // A record another instance committed after this statement's snapshot
    // makes the claim fail (ON CONFLICT ... WHERE false): that request was
    // in flight, and this one gets 409.
    const std::string k = std::to_string(kTaskParams + 1);      // key
    const std::string req = std::to_string(kTaskParams + 2);    // request body
    const std::string since = std::to_string(kTaskParams + 3);  // unexpired from
    insert_keyed =
        "WITH prev AS (SELECT request, response, task_id FROM idempotency"
        " WHERE owner = $2::bigint AND key = $" +
        k + "::text AND created_at >= $" + since +
        "::bigint),"
        " claim AS (INSERT INTO idempotency (owner, key, request, response, task_id, created_at)"
        " SELECT $2::bigint, $" +
        k + "::text, $" + req +
        "::bytea, $10::text, $1::uuid,"
        " $7::bigint WHERE NOT EXISTS (SELECT 1 FROM prev)"
        " ON CONFLICT (owner, key) DO UPDATE SET request = EXCLUDED.request,"
        " response = EXCLUDED.response, task_id = EXCLUDED.task_id,"
        " created_at = EXCLUDED.created_at WHERE idempotency.created_at < $" +
        since +
        "::bigint RETURNING 1),"
        " ins AS (INSERT INTO tasks (" +
        cols + ") SELECT " + task_values(1) +
        " FROM claim)"
        " SELECT (SELECT count(*) FROM claim), p.request = $" +
        req +
        "::bytea, p.response,"
        " p.task_id FROM (SELECT 1) AS one LEFT JOIN prev AS p ON true";
    // Compare-and-set: the row changes only at the expected version. The
    // second column (the row's owner in the statement's snapshot) tells a
    // missing task from a moved-on version.
    const int w = updatable_params() + 1;
    const std::string id = "$" + std::to_string(w) + "::uuid";
    update = "WITH u AS (UPDATE tasks SET " + set_list() + " WHERE id = " + id + " AND owner = $" +
             std::to_string(w + 1) + "::bigint AND version = $" + std::to_string(w + 2) +
             "::bigint RETURNING 1) SELECT (SELECT count(*) FROM u),"
             " (SELECT owner FROM tasks WHERE id = " +
             id + ")";
    remove =
        "WITH d AS (DELETE FROM tasks WHERE id = $1::uuid AND owner = $2::bigint"
        " AND version = $3::bigint RETURNING 1) SELECT (SELECT count(*) FROM d),"
        " (SELECT owner FROM tasks WHERE id = $1::uuid)";
    create_user = "INSERT INTO users (" +
                  column_names(std::span<const Column<UserRow>>(kUserColumns)) +
                  ") VALUES ($1::uuid, $2::text, $3::text, $4::bigint)"
                  " ON CONFLICT (username) DO NOTHING RETURNING owner";
  }
};

const Statements& statements() {
  static const Statements s;
  return s;
}

// The derived columns' parameters: tags, search, title_key.
void derived_params(Params& p, const TaskRow& t) {
  std::string key = t.title;
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  p.text(bytea_array(t.tags)).text(search_vector(t.title, t.description, t.tags)).bytea(key);
}

// The parameters of `t`'s columns (all, or only the updatable ones).
void column_params(Params& p, const TaskRow& t, bool updatable_only) {
  for_each_value(kCols, t, [&](int i, const auto& v) {
    const Column<TaskRow>& c = kCols[static_cast<std::size_t>(i)];
    if (updatable_only && !c.updatable) return;
    using V = std::decay_t<decltype(v)>;
    if constexpr (std::is_same_v<V, util::Uuid>) {
      p.uuid(v);
    } else if constexpr (std::is_same_v<V, std::string>) {
      if (as_bytes(c)) {
        p.bytea(v);
      } else {
        p.text(v);
      }
    } else {
      p.integer(v);
    }
  });
  derived_params(p, t);
}

bool send(PGconn* c, const char* name, Params& p) {
  return PQsendQueryPrepared(c, name, p.size(), p.values(), p.lengths(), nullptr, 0) == 1;
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
  const Statements& s = statements();
  const std::pair<const char*, const std::string*> all[] = {{"insert", &s.insert},
                                                            {"insert_keyed", &s.insert_keyed},
                                                            {"update", &s.update},
                                                            {"remove", &s.remove},
                                                            {"create_user", &s.create_user}};
  for (const auto& [name, sql] : all) {
    Result r(PQprepare(c, name, sql->c_str(), 0, nullptr));
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
      error = std::string("cannot prepare ") + name + ": " + (r ? message(r.get()) : message(c));
      return false;
    }
  }
  const char* simple[][2] = {{"purge", "DELETE FROM idempotency WHERE created_at < $1::bigint"},
                             {"ping", "SELECT 1"}};
  for (const auto& [name, sql] : simple) {
    Result r(PQprepare(c, name, sql, 0, nullptr));
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
      error = std::string("cannot prepare ") + name + ": " + message(c);
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
    if (flushed_ || queue_.empty()) return;
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
      } else {
        auto mid = queue_.begin() + kMaxBatch;
        batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(mid));
        queue_.erase(queue_.begin(), mid);
      }
    }
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
  if (outcome == Outcome::kCommitted) count_commit(batch.size());
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
  std::set<std::pair<Owner, std::string>> keys;
  Params p;
  bool sent = true;
  for (std::size_t i = 0; i < batch.size() && sent; ++i) {
    results[i] = WriteResult{};
    p.clear();
    const char* name = nullptr;
    std::visit(Overloaded{[&](const CreateTask& t) {
                            column_params(p, t.row, false);
                            name = "insert";
                            if (!t.idempotency.key.empty()) {
                              if (!keys.emplace(t.row.owner, t.idempotency.key).second) {
                                results[i].status = WriteResult::Status::kIdempotencyInFlight;
                                name = nullptr;
                                return;
                              }
                              p.text(t.idempotency.key)
                                  .bytea(t.idempotency.request_body)
                                  .integer(t.idempotency.since);
                              name = "insert_keyed";
                            }
                          },
                          [&](const UpdateTask& u) {
                            column_params(p, u.row, true);
                            p.uuid(u.row.id).integer(u.row.owner).integer(u.expected_version);
                            name = "update";
                          },
                          [&](const DeleteTask& d) {
                            p.uuid(d.id).integer(d.owner).integer(d.expected_version);
                            name = "remove";
                          },
                          [&](const CreateUser& u) {
                            p.uuid(u.row.id)
                                .text(u.row.username)
                                .text(u.row.password_hash)
                                .integer(u.row.created_at);
                            name = "create_user";
                          }},
               batch[i].command);
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
    const PGresult* r = answers[static_cast<std::size_t>(stmt_of[i])].get();
    WriteResult& res = results[i];
    std::visit(Overloaded{[&](const CreateTask& t) {
                            res.id = t.row.id;
                            if (t.idempotency.key.empty()) {
                              res.status = WriteResult::Status::kOk;
                              return;
                            }
                            if (PQntuples(r) != 1) return;  // kError
                            if (int64_of(r, 0, 0) == 1) {
                              res.status = WriteResult::Status::kOk;
                            } else if (PQgetisnull(r, 0, 1)) {
                              res.status = WriteResult::Status::kIdempotencyInFlight;
                            } else if (text_of(r, 0, 1) != "t") {
                              res.status = WriteResult::Status::kIdempotencyMismatch;
                            } else {
                              res.status = WriteResult::Status::kReplayed;
                              res.body.assign(text_of(r, 0, 2));
                              uuid_of(r, 0, 3, res.id);
                            }
                          },
                          [&](const UpdateTask& u) {
                            res.id = u.row.id;
                            if (PQntuples(r) != 1) return;
                            if (int64_of(r, 0, 0) == 1) {
                              res.status = WriteResult::Status::kOk;
                            } else if (PQgetisnull(r, 0, 1) || int64_of(r, 0, 1) != u.row.owner) {
                              res.status = WriteResult::Status::kNotFound;
                            } else {
                              res.status = WriteResult::Status::kVersionChanged;
                            }
                          },
                          [&](const DeleteTask& d) {
                            res.id = d.id;
                            if (PQntuples(r) != 1) return;
                            if (int64_of(r, 0, 0) == 1) {
                              res.status = WriteResult::Status::kOk;
                            } else if (PQgetisnull(r, 0, 1) || int64_of(r, 0, 1) != d.owner) {
                              res.status = WriteResult::Status::kNotFound;
                            } else {
                              res.status = WriteResult::Status::kVersionChanged;
                            }
                          },
                          [&](const CreateUser& u) {
                            res.id = u.row.id;
                            if (PQntuples(r) == 0) {
                              res.status = WriteResult::Status::kConflict;
                            } else {
                              res.status = WriteResult::Status::kOk;
                              res.owner = int64_of(r, 0, 0);
                            }
                          }},
               batch[i].command);
  }
  return Outcome::kCommitted;
}

void Writer::count_commit(std::size_t size) {
  constexpr auto rel = std::memory_order_relaxed;
  commits_.store(commits_.load(rel) + 1, rel);
  batch_sum_.store(batch_sum_.load(rel) + size, rel);
  std::size_t b = 0;
  while (b < kBatchBounds.size() && size > kBatchBounds[b]) ++b;
  batch_buckets_[b].store(batch_buckets_[b].load(rel) + 1, rel);
}

}  // namespace brisk::store::postgres
