// The instance's one LISTEN connection (not one per stream): it learns of
// other instances' commits from NOTIFY brisk_events and reads the new
// events from the log, which is the source of truth, then publishes them
// through the EventPublisher. A notification only says "read the log": a
// lost one costs latency, never an event.
//
// Runs on a thread of its own (never an event loop): libpq in non-blocking
// mode, waited on with poll() together with an eventfd, so that poke() and
// stop() take effect at once. If the connection drops (a server restart,
// pg_terminate_backend), it reconnects with a growing pause, LISTENs again
// and reads the log after the newest id published, so nothing is lost. It
// also reads the log when nothing came for a few seconds, as a safety net.
// On the server its connection is named application_name 'brisk-listener'.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "store/postgres/event_publisher.hpp"
#include "store/postgres/pg.hpp"

namespace brisk::store::postgres {

class Listener {
 public:
  Listener(std::string url, EventPublisher& publisher);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  void start();
  void stop();
  // Asks for a read of the log soon (any thread): the writer committed
  // events that do not follow the newest published one.
  void poke();

 private:
  enum class Wait { kReadable, kWoken, kTimeout, kError };
  void run();
  bool open(bool first);
  bool catch_up();
  bool read_notifications();
  void take_notifications();
  Result query(const std::string& sql, Params& p);
  Wait wait(bool for_write, int timeout_ms);
  void lose(const char* why);
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

  std::string url_;
  EventPublisher& publisher_;
  Conn conn_;
  int wake_fd_ = -1;
  bool want_read_ = false;  // the log must be read (on the listener thread)
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace brisk::store::postgres
