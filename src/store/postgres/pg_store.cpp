#include "store/postgres/pg_store.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "store/postgres/event_sql.hpp"
#include "store/postgres/migrate.hpp"

namespace brisk::store::postgres {

namespace {

constexpr auto kHealthEvery = std::chrono::milliseconds(500);

Conn open_or_throw(const std::string& url) {
  std::string err;
  Conn c = connect(url, err);
  if (!c) throw std::runtime_error("cannot connect to PostgreSQL: " + err);
  return c;
}

}  // namespace

bool is_postgres_url(std::string_view t) {
  return t.starts_with("postgres://") || t.starts_with("postgresql://");
}

Conn PgStore::open_reader(std::string& err) const {
  Conn c = connect(url_, err);
  if (!c || query_timeout_ms_ <= 0) return c;
  // Over it, PostgreSQL cancels the statement (SQLSTATE 57014): the reader
  // answers kTimeout, the client a 503.
  Result r(
      PQexec(c.get(), ("SET statement_timeout = " + std::to_string(query_timeout_ms_)).c_str()));
  if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
    err = message(c.get());
    return nullptr;
  }
  return c;
}

PgStore::PgStore(const StoreOptions& opts)
    : url_(opts.target), query_timeout_ms_(opts.query_timeout_ms) {
  Conn first = open_or_throw(url_);
  keys_ = migrate(first.get(), opts.rotate_token_key, opts.migrate);

  Result newest = exec(first.get(), kNewestEventSql, "cannot read the event log");
  publisher_ = std::make_unique<EventPublisher>(int64_of(newest.get(), 0, 0));

  Conn writer_conn = open_or_throw(url_);
  std::string err;
  if (!Writer::prepare(writer_conn.get(), err)) throw std::runtime_error("PostgreSQL: " + err);
  writer_ = std::make_unique<Writer>(url_, std::move(writer_conn), up_, opts.idempotency_ttl_ms);
  listener_ = std::make_unique<Listener>(url_, *publisher_);
  writer_->set_events(
      publisher_.get(), [l = listener_.get()] { l->poke(); }, opts.event_window);

  const unsigned readers = std::max(1u, opts.readers);
  const unsigned pool = std::max(readers, opts.pool ? opts.pool : 2 * readers);
  for (unsigned i = 0; i < readers; ++i) {
    // The pool spread over the readers, the first ones taking the remainder.
    const unsigned n = pool / readers + (i < pool % readers ? 1 : 0);
    std::vector<Conn> conns;
    for (unsigned k = 0; k < n; ++k) {
      std::string err;
      Conn c = open_reader(err);
      if (!c) throw std::runtime_error("cannot connect to PostgreSQL: " + err);
      conns.push_back(std::move(c));
    }
    readers_.push_back(std::make_unique<PgReader>(std::move(conns), up_));
  }
  health_ = std::move(first);
  writer_->start();
  health_thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, kHealthEvery, [this] { return stopping_; })) {
      lock.unlock();
      check_health();
      lock.lock();
    }
  });
}

PgStore::~PgStore() {
  stop();
  writer_.reset();
  listener_.reset();
  readers_.clear();
}

void PgStore::set_event_sink(EventSink* sink) {
  publisher_->set_sink(sink);
  if (sink) std::call_once(listener_started_, [this] { listener_->start(); });
}

void PgStore::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (health_thread_.joinable()) health_thread_.join();
  if (writer_) writer_->stop();
  if (listener_) listener_->stop();
  for (auto& r : readers_) r->detach();
}

// Runs on the health thread: `up` follows whether the database answers a
// trivial query, and lost read connections are reopened while it does (a
// blocking connect, here rather than on an event loop).
void PgStore::check_health() {
  bool ok = false;
  if (health_ && PQstatus(health_.get()) == CONNECTION_OK) {
    Result r(PQexec(health_.get(), "SELECT 1"));
    ok = r && PQresultStatus(r.get()) == PGRES_TUPLES_OK;
  }
  if (!ok) {
    // The health connection broke: the server went away (and may be back
    // already). Every other connection of this instance is as dead; the
    // readers drop theirs now rather than fail a request on each later.
    if (health_) {
      for (auto& r : readers_) r->drop_all();
      writer_->reset();
    }
    std::string err;
    health_ = connect(url_, err);
    ok = health_ != nullptr;
  }
  const bool was = up_.exchange(ok, std::memory_order_acq_rel);
  if (was != ok) {
    if (ok) {
      spdlog::info("PostgreSQL answers again");
    } else {
      spdlog::error("PostgreSQL does not answer; requests that need it get 503");
    }
  }
  if (!ok) return;
  for (auto& r : readers_) {
    for (unsigned n = r->wanted(); n > 0; --n) {
      std::string err;
      Conn c = open_reader(err);
      if (!c) return;
      r->adopt(std::move(c));
    }
  }
}

}  // namespace brisk::store::postgres
