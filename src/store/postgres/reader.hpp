// Reads for one event-loop thread, on its own PostgreSQL connections in
// libpq's non-blocking pipeline mode, driven by that thread's io_context:
// a read sends one prepared statement and returns; the loop goes on serving
// other requests; the answer arrives as the socket turns readable, and the
// callback hands it over. No thread ever blocks on the network.
//
// Every read of an event-loop round rides one pipeline: statements are sent
// as they come, and a single Sync (and flush) is posted to the end of the
// round, so N reads of a round cost one write() and usually one read().
// Statements between two Syncs share an implicit read-only transaction,
// each with its own snapshot (READ COMMITTED): a read sent after another
// instance's COMMIT was acknowledged sees it.
//
// Direct reads always answer kWouldBlock (nothing is cached: another
// instance may have written); the *_async forms do the work.
//
// Invariant: everything but lost(), adopt() and ping() runs on the loop
// thread (run() posts there); links_ and their queues are that thread's.
#pragma once
#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "store/postgres/pg.hpp"
#include "store/store.hpp"

namespace brisk::store::postgres {

class PgReader final : public Reader {
 public:
  // `conns`: open connections (blocking mode, as connect() returns them);
  // `up`: the store's health flag.
  PgReader(std::vector<Conn> conns, const std::atomic<bool>& up);
  ~PgReader() override;

  // Binds the reader to an event loop (before any read). Without one, the
  // reader starts a loop thread of its own at its first read.
  void attach(boost::asio::io_context& io);
  // Connections lost and not yet replaced nor being handed over (any thread).
  unsigned wanted() const {
    const unsigned lost = lost_.load(std::memory_order_acquire);
    const unsigned coming = adopting_.load(std::memory_order_acquire);
    return lost > coming ? lost - coming : 0;
  }
  // Hands over a new connection in place of a lost one (any thread).
  void adopt(Conn c);
  // Closes every connection, as lost (any thread): the server restarted,
  // so connections idle since are dead even if no read has noticed yet.
  void drop_all();
  // Leaves an attached event loop that no longer runs (the server has
  // stopped): its descriptors are released while the loop still exists.
  // Later reads answer kUnavailable. A reader on its own loop is unchanged.
  void detach();

  ReadStatus get(Owner, const util::Uuid&, std::string_view&, std::int64_t&) override {
    return ReadStatus::kWouldBlock;
  }
  void get_async(Owner owner, const util::Uuid& id, ReadDone<TaskRead> done) override;
  ReadStatus list(const ListSpec&, const std::function<void(std::string_view)>&,
                  ListPage&) override {
    return ReadStatus::kWouldBlock;
  }
  void list_async(const ListSpec& q, ReadDone<ListRead> done, ReadWaiter waiter) override;
  bool ping() override;
  ReadStatus user_by_name(std::string_view, UserRow&) override { return ReadStatus::kWouldBlock; }
  void user_by_name_async(std::string_view username, ReadDone<UserRead> done) override;
  ReadStatus user_by_id(const util::Uuid&, UserRow&) override { return ReadStatus::kWouldBlock; }
  void user_by_id_async(const util::Uuid& id, ReadDone<UserRead> done) override;
  ReadStatus events(const EventRange&, const std::function<void(const EventView&)>&,
                    EventPage&) override {
    return ReadStatus::kWouldBlock;
  }
  // event_reads.cpp: one statement, so the page and its bounds share a snapshot.
  void events_async(const EventRange& q, ReadDone<EventsRead> done) override;

 private:
  // Gets a statement's first result (null when the connection was lost),
  // and the status: kOk, kError (the statement failed) or kUnavailable.
  using Handler = std::function<void(const PGresult*, ReadStatus)>;
  // A read as sent, kept to be sent again once on another connection if
  // its own is lost before the answer (reads change nothing).
  // A prepared statement's name and text; stable for the reader's life
  // (function statics or names_'s nodes), so a request points at it rather
  // than copying the SQL per read.
  struct Statement {
    std::string name, sql;
  };
  struct Request {
    const Statement* statement = nullptr;
    Params params;
    Handler handler;
    bool retried = false;
  };
  struct Expect {
    bool sync = false;    // the answer to a Sync, else a statement's results
    std::string prepare;  // a Prepare of this statement name
    std::shared_ptr<Request> request;
    Result first;
  };
  struct Link {
    std::size_t index = 0;
    Conn conn;
    std::optional<boost::asio::posix::stream_descriptor> sd;
    std::deque<Expect> expect;
    std::set<std::string> prepared;
    bool reading = false, writing = false, unsynced = false;
    std::uint64_t generation = 0;
    // The statement whose Prepare statement_timeout stopped, until the Sync.
    std::string prepare_timed_out;
  };

  void run(std::function<void()> f);
  Link* pick();
  void send(Link& l, const Statement& s, Params& p, Handler h);
  void send(Link& l, std::shared_ptr<Request> req);
  void sync_all();
  void flush(Link& l);
  void wait_readable(Link& l);
  void on_readable(std::size_t index, std::uint64_t generation);
  void fail(Link& l, const std::string& why);
  void install(PGconn* c);
  void process(Link& l);
  boost::asio::posix::stream_descriptor& descriptor(Link& l);
  const Statement& list_statement(std::string&& sql);

  const std::atomic<bool>& up_;
  boost::asio::io_context* io_ = nullptr;
  std::unique_ptr<boost::asio::io_context> own_io_;  // when never attached
  std::thread own_thread_;
  std::once_flag own_once_;
  bool detached_ = false;
  std::vector<std::unique_ptr<Link>> links_;
  std::unordered_map<std::string, Statement> names_;  // SQL -> its statement
  bool sync_posted_ = false;
  std::atomic<unsigned> lost_{0};
  std::atomic<unsigned> live_{0};      // links with a connection
  std::atomic<unsigned> adopting_{0};  // adopt()ed, not yet installed
};

}  // namespace brisk::store::postgres
