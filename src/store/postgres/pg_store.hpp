// The PostgreSQL store: several brisk instances share one database. Per
// instance: a reader per event-loop thread with its own connections
// (--db-pool in all), one writer connection that group-commits, one
// connection that LISTENs for other instances' events (listener.hpp), and
// a health check that keeps `up` current and replaces lost read
// connections. The schema is migrated on open under an advisory lock; the
// signing keys live in the database, so every instance signs and checks
// with the same.
#pragma once
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres/event_publisher.hpp"
#include "store/postgres/listener.hpp"
#include "store/postgres/migrate.hpp"
#include "store/postgres/reader.hpp"
#include "store/postgres/writer.hpp"
#include "store/store.hpp"

namespace brisk::store::postgres {

class PgStore final : public Store {
 public:
  // Throws std::runtime_error with a clear, one-line message (no password).
  explicit PgStore(const StoreOptions& opts);
  ~PgStore() override;
  Reader& reader(unsigned index) override { return *readers_.at(index); }
  void attach(unsigned index, boost::asio::io_context& io) override {
    readers_.at(index)->attach(io);
  }
  void submit(WriteRequest req) override { writer_->submit(std::move(req)); }
  void enqueue(WriteRequest req) override { writer_->enqueue(std::move(req)); }
  void flush() override { writer_->flush(); }
  std::string cursor_key() override { return keys_.cursor_key; }
  std::string token_key() override { return keys_.token_key; }
  CommitStats commit_stats() const override { return writer_->stats(); }
  // Committed events of every instance: this writer's at once, the others'
  // through the listener (listener.hpp), which starts with the first sink
  // (a command-line tool sets none, and opens no LISTEN connection).
  void set_event_sink(EventSink* sink) override;
  void stop() override;
  // scans.cpp: blocking, each on a connection of its own (command-line tools).
  void scan_users(const std::function<void(const UserRow&)>& fn) override;
  void scan_tasks(std::optional<Owner> owner,
                  const std::function<void(Owner, std::string_view body)>& fn) override;
  int schema_version() override;
  std::string check_integrity() override;
  // backup_to stays the default's error: PostgreSQL has pg_dump.

 private:
  void check_health();
  // A read connection: statement_timeout is the query time budget.
  Conn open_reader(std::string& err) const;

  std::string url_;
  std::int64_t query_timeout_ms_ = 0;  // 0: the connection default (pg.cpp)
  std::atomic<bool> up_{true};
  Keys keys_;
  std::unique_ptr<EventPublisher> publisher_;
  std::unique_ptr<Writer> writer_;
  std::unique_ptr<Listener> listener_;
  std::once_flag listener_started_;
  std::vector<std::unique_ptr<PgReader>> readers_;
  // The health check's thread and connection.
  Conn health_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread health_thread_;
};

// True for the targets this backend opens: postgres:// and postgresql://.
bool is_postgres_url(std::string_view target);

inline std::unique_ptr<Store> open_pg_store(const StoreOptions& opts) {
  return std::make_unique<PgStore>(opts);
}

}  // namespace brisk::store::postgres
