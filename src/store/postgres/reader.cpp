#include "store/postgres/reader.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "util/handoff.hpp"

namespace brisk::store::postgres {

namespace asio = boost::asio;

namespace {

bool ok(const Result& r) {
  if (!r) return false;
  ExecStatusType st = PQresultStatus(r.get());
  return st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK;
}

// Non-blocking and in pipeline mode: how every read connection runs.
bool make_pipelined(PGconn* c) {
  return PQsetnonblocking(c, 1) == 0 && PQenterPipelineMode(c) == 1;
}

}  // namespace

PgReader::PgReader(std::vector<Conn> conns, const std::atomic<bool>& up) : up_(up) {
  for (Conn& c : conns) {
    auto l = std::make_unique<Link>();
    l->index = links_.size();
    if (make_pipelined(c.get())) {
      l->conn = std::move(c);
      live_.fetch_add(1);
    } else {
      lost_.fetch_add(1);
    }
    links_.push_back(std::move(l));
  }
}

PgReader::~PgReader() {
  if (own_io_) {
    own_io_->stop();
    if (own_thread_.joinable()) own_thread_.join();
  }
  for (auto& l : links_) {
    if (l->sd) l->sd->release();  // libpq closes the socket
    l->sd.reset();
  }
}

void PgReader::attach(asio::io_context& io) {
  io_ = &io;
}

void PgReader::detach() {
  if (!io_ || own_io_) return;
  for (auto& l : links_) {
    if (l->sd) l->sd->release();
    l->sd.reset();
    l->conn.reset();
  }
  detached_ = true;
}

void PgReader::run(std::function<void()> f) {
  std::call_once(own_once_, [this] {
    if (io_) return;
    // Never attached (tests, tools): a loop thread of its own.
    own_io_ = std::make_unique<asio::io_context>(1);
    io_ = own_io_.get();
    own_thread_ = std::thread([io = own_io_.get()] {
      auto guard = asio::make_work_guard(*io);
      io->run();
    });
  });
  if (io_->get_executor().running_in_this_thread()) {
    f();
  } else {
    asio::post(*io_, std::move(f));
  }
}

bool PgReader::ping() {
  return up_.load(std::memory_order_acquire) && live_.load(std::memory_order_acquire) > 0;
}

// The first connection until it has kSpill answers pending, then the least
// busy: a round's reads on one connection share one Sync, one write() and
// one wake-up of one PostgreSQL backend; more connections only help when
// one is busy (a slow list ahead in its pipeline).
PgReader::Link* PgReader::pick() {
  constexpr std::size_t kSpill = 32;
  Link* best = nullptr;
  for (auto& l : links_) {
    if (!l->conn) continue;
    if (l->expect.size() < kSpill) return l.get();
    if (!best || l->expect.size() < best->expect.size()) best = l.get();
  }
  return best;
}

const PgReader::Statement& PgReader::list_statement(std::string&& sql) {
  auto it = names_.find(sql);
  if (it == names_.end()) {
    Statement s{"r" + std::to_string(names_.size()), sql};
    it = names_.emplace(std::move(sql), std::move(s)).first;
  }
  return it->second;
}

asio::posix::stream_descriptor& PgReader::descriptor(Link& l) {
  if (!l.sd) l.sd.emplace(*io_, PQsocket(l.conn.get()));
  return *l.sd;
}

void PgReader::send(Link& l, const Statement& s, Params& p, Handler h) {
  auto req = std::make_shared<Request>();
  req->statement = &s;
  req->params = std::move(p);
  req->handler = std::move(h);
  send(l, std::move(req));
}

void PgReader::send(Link& l, std::shared_ptr<Request> req) {
  PGconn* c = l.conn.get();
  const std::string& name = req->statement->name;
  if (!l.prepared.contains(name)) {
    if (PQsendPrepare(c, name.c_str(), req->statement->sql.c_str(), 0, nullptr) != 1) {
      fail(l, message(c));
      return req->handler(nullptr, ReadStatus::kUnavailable);
    }
    l.prepared.insert(name);
    l.expect.push_back({false, name, {}, {}});
  }
  Params& p = req->params;
  if (PQsendQueryPrepared(c, name.c_str(), p.size(), p.values(), p.lengths(), nullptr, 0) != 1) {
    fail(l, message(c));
    return req->handler(nullptr, ReadStatus::kUnavailable);
  }
  l.expect.push_back({false, {}, std::move(req), {}});
  l.unsynced = true;
  if (!sync_posted_) {
    // After the handlers that are ready in this round: their reads share
    // the Sync and the write.
    sync_posted_ = true;
    asio::post(*io_, [this] { sync_all(); });
  }
}

void PgReader::sync_all() {
  sync_posted_ = false;
  for (auto& lp : links_) {
    Link& l = *lp;
    if (!l.conn || !l.unsynced) continue;
    l.unsynced = false;
    if (PQpipelineSync(l.conn.get()) != 1) {
      fail(l, message(l.conn.get()));
      continue;
    }
    l.expect.push_back({true, {}, {}, {}});
    flush(l);
    // Sending may have read answers into libpq's buffer (it reads when the
    // socket is full): those will not make the socket readable again.
    if (l.conn) process(l);
    if (l.conn) wait_readable(l);
  }
}

void PgReader::flush(Link& l) {
  const int f = PQflush(l.conn.get());
  if (f < 0) return fail(l, message(l.conn.get()));
  if (f == 0 || l.writing) return;
  l.writing = true;
  descriptor(l).async_wait(
      asio::posix::stream_descriptor::wait_write,
      [this, i = l.index, g = l.generation](const boost::system::error_code& ec) {
        Link& w = *links_[i];
        if (ec || w.generation != g || !w.conn) return;
        w.writing = false;
        flush(w);
        if (w.conn) process(w);
        if (w.conn) wait_readable(w);
      });
}

void PgReader::wait_readable(Link& l) {
  if (l.reading || l.expect.empty()) return;
  l.reading = true;
  descriptor(l).async_wait(
      asio::posix::stream_descriptor::wait_read,
      [this, i = l.index, g = l.generation](const boost::system::error_code& ec) {
        if (ec) return;
        on_readable(i, g);
      });
}

void PgReader::on_readable(std::size_t index, std::uint64_t generation) {
  Link& l = *links_[index];
  if (l.generation != generation || !l.conn) return;
  l.reading = false;
  if (PQconsumeInput(l.conn.get()) != 1) return fail(l, message(l.conn.get()));
  process(l);
  if (l.conn) wait_readable(l);
}

void PgReader::process(Link& l) {
  // The answers of one read() go to their threads with one wake-up each.
  util::HandoffBatch handoff;
  while (l.conn && !l.expect.empty() && !PQisBusy(l.conn.get())) {
    PGresult* r = PQgetResult(l.conn.get());
    Expect& e = l.expect.front();
    if (e.sync) {
      if (!r) break;  // not expected: wait for more input
      if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
        l.expect.pop_front();
        l.prepare_timed_out.clear();
      }
      PQclear(r);
      continue;
    }
    if (r) {
      if (!e.first) {
        e.first.reset(r);
      } else {
        PQclear(r);
      }
      continue;
    }
    // The end of one statement's results.
    Expect done = std::move(e);
    l.expect.pop_front();
    const bool good = ok(done.first);
    if (!done.prepare.empty()) {
      if (!good) {
        l.prepared.erase(done.prepare);
        // Parsing waits for the table's lock like the statement would:
        // the statement that follows answers the timeout.
        if (sqlstate(done.first.get()) == "57014") {
          l.prepare_timed_out = done.prepare;
        } else {
          spdlog::error("PostgreSQL: cannot prepare a read: {}", message(done.first.get()));
        }
      }
      continue;
    }
    ReadStatus status = good ? ReadStatus::kOk : ReadStatus::kError;
    if (!good && done.first) {
      const bool aborted = PQresultStatus(done.first.get()) == PGRES_PIPELINE_ABORTED;
      if (aborted ? done.request && done.request->statement->name == l.prepare_timed_out
                  : sqlstate(done.first.get()) == "57014") {
        status = ReadStatus::kTimeout;  // statement_timeout: the query time budget
      } else if (aborted) {
        // An earlier statement of the same Sync failed (a list over its
        // statement_timeout): this read did not run. Once more, on its own.
        if (Link* other = done.request && !done.request->retried ? pick() : nullptr) {
          done.request->retried = true;
          send(*other, std::move(done.request));
          continue;
        }
      } else {
        spdlog::error("PostgreSQL: read failed: {}", message(done.first.get()));
      }
    }
    if (done.request) done.request->handler(done.first.get(), status);
  }
}

void PgReader::fail(Link& l, const std::string& why) {
  spdlog::warn("PostgreSQL: a read connection was lost: {}", why);
  if (l.sd) {
    boost::system::error_code ec;
    l.sd->cancel(ec);
    l.sd->release();
    l.sd.reset();
  }
  std::deque<Expect> expect = std::move(l.expect);
  l.expect.clear();
  l.conn.reset();
  l.prepared.clear();
  l.prepare_timed_out.clear();
  l.reading = l.writing = l.unsynced = false;
  ++l.generation;
  live_.fetch_sub(1, std::memory_order_acq_rel);
  lost_.fetch_add(1, std::memory_order_acq_rel);
  util::HandoffBatch handoff;
  for (Expect& e : expect) {
    if (!e.request) continue;
    // Once, on another connection: a connection that sat idle while the
    // server restarted fails on its first use, and that read is not lost.
    Link* other = e.request->retried ? nullptr : pick();
    if (other) {
      e.request->retried = true;
      send(*other, std::move(e.request));
    } else {
      e.request->handler(nullptr, ReadStatus::kUnavailable);
    }
  }
}

void PgReader::drop_all() {
  run([this] {
    for (auto& l : links_) {
      if (l->conn) fail(*l, "the server restarted");
    }
  });
}

void PgReader::adopt(Conn c) {
  if (!make_pipelined(c.get())) return;
  PGconn* raw = c.release();
  adopting_.fetch_add(1, std::memory_order_acq_rel);
  run([this, raw] { install(raw); });
}

void PgReader::install(PGconn* c) {
  Conn conn(c);
  adopting_.fetch_sub(1, std::memory_order_acq_rel);
  if (detached_) return;
  for (auto& l : links_) {
    if (l->conn) continue;
    l->conn = std::move(conn);
    ++l->generation;
    live_.fetch_add(1, std::memory_order_acq_rel);
    lost_.fetch_sub(1, std::memory_order_acq_rel);
    spdlog::info("PostgreSQL: a read connection was reopened");
    return;
  }
}

}  // namespace brisk::store::postgres
