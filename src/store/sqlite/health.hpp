// Faults of a running SQLite store that no retry cures: the database file
// deleted or replaced under the running server (writes would go to a file
// nobody will open again), or corruption found by any connection. The first
// fault is logged as one line and stays until brisk restarts: writes are
// then refused (503), failed reads answer 503 rather than 500, and /readyz
// answers 503 with the reason (Store::fault()).
//
// Found by a FileWatch (a thread comparing, every second, the open file
// with what its path names) and by SQLite's error log (corruption met by
// any connection: store/sqlite_library.hpp), and reported by the writer
// when a transaction fails with SQLITE_CORRUPT or SQLITE_NOTADB.
//
// Thread-safe; fault() is one atomic load.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace brisk::store::sqlite {

class Health {
 public:
  enum class Fault : std::uint8_t { kNone, kDeleted, kReplaced, kCorrupt };

  // `shown` names the database in the log line (the path as given).
  explicit Health(std::string shown);
  ~Health();  // unregisters it from SQLite's error log
  Health(const Health&) = delete;
  Health& operator=(const Health&) = delete;

  // Records `f` unless a fault is recorded already (the first one says what
  // happened); logs it once, with `detail` (SQLite's message, or what the
  // file check saw).
  void report(Fault f, std::string_view detail);
  Fault fault() const { return fault_.load(std::memory_order_acquire); }
  bool faulty() const { return fault() != Fault::kNone; }
  // What clients (and /readyz) are told; empty while there is no fault.
  std::string reason() const;

  // True for SQLite result codes (extended or primary) that mean the
  // database is damaged: SQLITE_CORRUPT, SQLITE_NOTADB.
  static bool is_corruption(int rc);

 private:
  std::string shown_;
  std::atomic<Fault> fault_{Fault::kNone};
};

// What the path of an open database file names now, compared with the file
// open as `fd`: kNone while it is the same file, kDeleted when the file has
// no name left (or the path names nothing), kReplaced when the path names
// another file. A failed stat for another reason (EACCES...) says kNone.
Health::Fault check_file(const std::string& path, int fd);

// A thread that runs check_file(path, fd) every `interval` and reports a
// change to `health`; stops (and joins) when destroyed.
class FileWatch {
 public:
  FileWatch(Health& health, std::string path, int fd,
            std::chrono::milliseconds interval = std::chrono::seconds(1));
  ~FileWatch();
  FileWatch(const FileWatch&) = delete;
  FileWatch& operator=(const FileWatch&) = delete;

 private:
  void run();
  Health& health_;
  std::string path_;
  int fd_;
  std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace brisk::store::sqlite
