// The store interface: per-thread readers and one writer that commits many
// requests per transaction (group commit). Backends: sqlite/ and
// postgres/, each a library of its own below src/tasks and src/auth, which
// see only this interface, the commands and the rows. The store keeps and
// finds rows; it decides no value of them.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/commands.hpp"
#include "store/events.hpp"
#include "store/list_spec.hpp"
#include "store/owner.hpp"
#include "store/user_row.hpp"
#include "util/uuid.hpp"

namespace boost::asio {
class io_context;
}

namespace brisk::store {

enum class ReadStatus {
  kOk,
  kNotFound,
  kError,
  // The answer needs waiting (a network round trip, or a read too costly
  // for an event-loop thread): ask again with the *_async method, which
  // answers later. Never returned by the *_async methods.
  kWouldBlock,
  // The database cannot be reached (a networked backend while its server
  // is down or restarting): the request may be retried later (503).
  kUnavailable,
  // A costly read refused at once: the readers for costly reads are all
  // busy and their queue is full, or its client already has its share of
  // them (503 with Retry-After). Only from the *_async methods.
  kBusy,
  // The read went over its time budget (StoreOptions::query_timeout_ms)
  // and was stopped (503: the query is too expensive as asked).
  kTimeout,
  // Stopped or dropped because nobody waits for the answer any more
  // (ReadWaiter::cancel).
  kCancelled,
};

// Who waits for a costly async read, for a backend that runs those on a
// pool shared by every client: `client` names the client (its address, or
// its user), so that no client holds more than a few of the pool's places;
// `cancel`, once set (from any thread), says that nobody waits any more:
// a queued read is dropped and a running one stops soon after.
struct ReadWaiter {
  std::string client;
  std::shared_ptr<const std::atomic<bool>> cancel;
};

// Answers of reads made with the *_async methods: they own their bytes.
struct TaskRead {
  ReadStatus status = ReadStatus::kError;
  std::string json;
  std::int64_t version = 0;
};
struct ListRead {
  ReadStatus status = ReadStatus::kError;
  std::string rows;  // the page's tasks as served JSON, joined by commas
  int count = 0;     // tasks in `rows`
  ListPage page;
};
struct UserRead {
  ReadStatus status = ReadStatus::kError;
  UserRow user;
};
struct EventsRead {
  ReadStatus status = ReadStatus::kError;
  std::vector<LoggedEvent> events;
  EventPage page;
};

// A read's callback. It runs exactly once, on any thread (the reader's own
// event loop, a reader pool thread, or inline before the call returns), and
// must only hand the answer over to where it is used.
template <class T>
using ReadDone = std::function<void(T&&)>;

// One per event-loop thread; not thread-safe. Reads come in two forms:
// the direct one answers at once when it can, and returns kWouldBlock when
// the answer needs waiting; the *_async one always answers, through its
// callback. A backend that never waits (SQLite, for cheap reads) answers
// the async form inline with the direct one (the defaults below).
class Reader {
 public:
  virtual ~Reader() = default;
  // The task's served JSON and version. Views stay valid until the next call.
  virtual ReadStatus get(Owner owner, const util::Uuid& id, std::string_view& json,
                         std::int64_t& version) = 0;
  virtual void get_async(Owner owner, const util::Uuid& id, ReadDone<TaskRead> done);
  // Calls `row` with the served JSON of each task of the page, in order (at
  // most q.limit; each view is valid only during the call), then fills `page`.
  virtual ReadStatus list(const ListSpec& q, const std::function<void(std::string_view json)>& row,
                          ListPage& page) = 0;
  // The direct form may answer kWouldBlock for a list too costly for an
  // event loop (SQLite: a search, or one over its inline budget), even after
  // calling `row`: the rows given so far are then to be dropped.
  virtual void list_async(const ListSpec& q, ReadDone<ListRead> done, ReadWaiter waiter);
  // True when the database answers (or, for a networked backend, when its
  // connections are up); never waits.
  virtual bool ping() = 0;
  virtual ReadStatus user_by_name(std::string_view username, UserRow& out) = 0;
  virtual void user_by_name_async(std::string_view username, ReadDone<UserRead> done);
  virtual ReadStatus user_by_id(const util::Uuid& id, UserRow& out) = 0;
  virtual void user_by_id_async(const util::Uuid& id, ReadDone<UserRead> done);
  // The event log (events.hpp): calls `event` for each of q.owner's events
  // after q.after, in id order, within q's limits, then fills `page`; the
  // events and `page` come from one snapshot of the log.
  virtual ReadStatus events(const EventRange& q, const std::function<void(const EventView&)>& event,
                            EventPage& page) = 0;
  virtual void events_async(const EventRange& q, ReadDone<EventsRead> done);
};

// Batch size histogram bounds for brisk_db_commit_batch_size.
inline constexpr std::array<std::uint64_t, 12> kBatchBounds = {1,  2,   4,   8,   16,   32,
                                                               64, 128, 256, 512, 1024, 4096};

struct CommitStats {
  std::uint64_t commits = 0;                                           // successful transactions
  std::array<std::uint64_t, kBatchBounds.size() + 1> batch_buckets{};  // last: +Inf
  std::uint64_t batch_sum = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // A reader for event-loop thread `index`; created before the threads run.
  virtual Reader& reader(unsigned index) = 0;
  // Binds reader `index` to the event loop of thread `index`, before the
  // loops run, for a backend whose reads wait on sockets (PostgreSQL drives
  // them from that loop). Others ignore it.
  virtual void attach(unsigned /*index*/, boost::asio::io_context& /*io*/) {}
  // Hands a write to the writer at once.
  virtual void submit(WriteRequest req) = 0;
  // Queues a write that the writer takes at the next flush() (from any
  // thread). An event loop enqueues a round's writes and flushes once at the
  // end of the round, so they share one transaction: on a shared core the
  // woken writer would otherwise preempt the loop and commit them one by one.
  virtual void enqueue(WriteRequest req) { submit(std::move(req)); }
  virtual void flush() {}
  // 32 random bytes kept in the database, for signing cursors.
  virtual std::string cursor_key() = 0;
  // 32 random bytes kept in the database: the HS256 token signing key.
  virtual std::string token_key() = 0;
  virtual CommitStats commit_stats() const = 0;
  // Where committed events are published (events.hpp); null: nowhere. Set
  // it before the store takes writes that should reach it, and clear it
  // only once no write is in flight (after stop()).
  virtual void set_event_sink(EventSink* sink) = 0;
  // True while writes fail for want of disk space (then answered 507);
  // /readyz reports it. Any thread, cheap.
  virtual bool disk_full() const { return false; }
  // Why the database cannot be used until brisk restarts (SQLite: its file
  // was deleted or replaced under the running server, or corruption was
  // found), in one client-safe line; empty while there is no such fault.
  // Writes are then answered kUnavailable (503), and /readyz reports it.
  // Any thread, cheap.
  virtual std::string fault() const { return {}; }
  // A counter that changes whenever a commit changes any task, bumped before
  // the commit's completions run; nullopt when other processes may write
  // (then nothing derived from reads may be cached).
  // Also nullopt when the read caches are off (StoreOptions::read_cache).
  virtual std::optional<std::uint64_t> task_generation() const { return std::nullopt; }
  // Stops the writer after it has committed everything submitted. Once the
  // event loops have stopped, also lets go of them (attached readers answer
  // kUnavailable afterwards).
  virtual void stop() = 0;

  // Blocking scans for command-line tools (export, account administration):
  // never called on an event loop. Every user, in owner order; every task of
  // `owner` (or of every owner when absent), with its owner and served JSON,
  // in (owner, creation) order. Throw std::runtime_error on failure.
  virtual void scan_users(const std::function<void(const UserRow&)>& fn);
  virtual void scan_tasks(std::optional<Owner> owner,
                          const std::function<void(Owner, std::string_view body)>& fn);
  // The schema version the database is at, and a check of its integrity:
  // an empty string when sound, else what is wrong.
  virtual int schema_version() { return 0; }
  virtual std::string check_integrity() { return "not supported by this backend"; }
  // Writes a consistent, complete copy of the database to a new file at
  // `path` while the store serves (SQLite: VACUUM INTO); throws
  // std::runtime_error (other backends have their own tools: pg_dump).
  virtual void backup_to(const std::string& path);
};

struct StoreOptions {
  std::string target = "brisk.db";  // file path, ":memory:" or a postgres:// URL
  unsigned readers = 1;
  // PostgreSQL: read connections in all (0: two per reader), spread over
  // the readers; the writer and the health check have one each besides.
  unsigned pool = 0;
  bool rotate_token_key = false;  // replace the token key (invalidates every token)
  // Bring the schema up to date on open (false: refuse a database that is
  // not at this binary's schema; nothing is changed: brisk check).
  bool migrate = true;
  // Idempotency records are kept this long (then purged by the writer).
  std::int64_t idempotency_ttl_ms = 24LL * 3600 * 1000;
  // The event log keeps at least this many of the newest events (any
  // owner) for replay; older ones are pruned by the writer.
  std::int64_t event_window = 10'000;
  // Every costly read stops after this long (--query-timeout), answering
  // kTimeout; 0: no limit.
  std::int64_t query_timeout_ms = 2000;
  // SQLite: threads (each with its own connection) that run the reads too
  // costly for an event loop, how many more may wait for one, and how many
  // of those places (running or waiting) one client may hold.
  unsigned costly_readers = 2;
  unsigned costly_queue = 16;
  unsigned costly_per_client = 4;
  // SQLite: PRAGMA quick_check before anything is written (it reads every
  // page: about a second per GB); a damaged file is refused at start.
  bool quick_check = true;
  // Caches of read answers (served JSON by id, and through task_generation()
  // the handlers' list cache). Off only to measure the queries themselves
  // (bench/scale.sh, --read-cache off): answers are the same either way.
  bool read_cache = true;
};

}  // namespace brisk::store
