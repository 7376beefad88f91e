#include "store/sqlite/health.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "store/sqlite_library.hpp"

namespace brisk::store::sqlite {

namespace {

// Every live store's Health, for SQLite's error log, which names no
// connection: corruption it reports is every open store's (one per server).
std::mutex registry_mu;
std::vector<Health*> registry;

void on_sqlite_log(int rc, const char* message) {
  if (!Health::is_corruption(rc)) return;
  std::lock_guard lock(registry_mu);
  for (Health* h : registry) h->report(Health::Fault::kCorrupt, message);
}

}  // namespace

Health::Health(std::string shown) : shown_(std::move(shown)) {
  std::lock_guard lock(registry_mu);
  registry.push_back(this);
  set_sqlite_log_handler(on_sqlite_log);
}

Health::~Health() {
  std::lock_guard lock(registry_mu);
  std::erase(registry, this);
}

bool Health::is_corruption(int rc) {
  return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

void Health::report(Fault f, std::string_view detail) {
  Fault none = Fault::kNone;
  if (f == Fault::kNone || !fault_.compare_exchange_strong(none, f, std::memory_order_acq_rel)) {
    return;  // the first fault is the one logged and kept
  }
  switch (f) {
    case Fault::kDeleted:
      spdlog::error(
          "database file '{}' was deleted while brisk runs ({}): writes are refused with 503, "
          "as they would go to a file nobody can open again, and /readyz answers 503. Put the "
          "file back from a backup and restart brisk",
          shown_, detail);
      break;
    case Fault::kReplaced:
      spdlog::error(
          "database file '{}' was replaced by another file while brisk runs ({}): writes are "
          "refused with 503, as they would go to the old file, and /readyz answers 503. "
          "Restart brisk to serve the new file",
          shown_, detail);
      break;
    default:
      spdlog::error(
          "database '{}' is corrupt ({}): writes, and reads that meet the damage, are answered "
          "503, and /readyz answers 503. Stop brisk, run `brisk check` on the file and restore "
          "a backup if it fails",
          shown_, detail);
      break;
  }
}

std::string Health::reason() const {
  switch (fault()) {
    case Fault::kNone:
      return {};
    case Fault::kDeleted:
      return "the database file was deleted; writes are refused until brisk restarts";
    case Fault::kReplaced:
      return "the database file was replaced; writes are refused until brisk restarts";
    case Fault::kCorrupt:
      return "the database is corrupt; writes are refused until it is restored";
  }
  return {};
}

Health::Fault check_file(const std::string& path, int fd) {
  struct stat open_file {};
  if (::fstat(fd, &open_file) != 0) return Health::Fault::kNone;
  struct stat named {};
  if (::stat(path.c_str(), &named) != 0) {
    return errno == ENOENT || errno == ENOTDIR ? Health::Fault::kDeleted : Health::Fault::kNone;
  }
  // Another inode at the path: renamed over, or deleted and made anew.
  if (named.st_dev != open_file.st_dev || named.st_ino != open_file.st_ino) {
    return Health::Fault::kReplaced;
  }
  return Health::Fault::kNone;
}

FileWatch::FileWatch(Health& health, std::string path, int fd, std::chrono::milliseconds interval)
    : health_(health), path_(std::move(path)), fd_(fd), interval_(interval) {
  thread_ = std::thread([this] { run(); });
}

FileWatch::~FileWatch() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void FileWatch::run() {
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, interval_, [this] { return stop_; })) {
    const Health::Fault f = check_file(path_, fd_);
    if (f == Health::Fault::kDeleted) {
      health_.report(f, "the path names no file any more");
    } else if (f == Health::Fault::kReplaced) {
      health_.report(f, "the path names another file than the one brisk opened");
    }
    if (health_.faulty()) return;  // it stays until restart: nothing more to watch
  }
}

}  // namespace brisk::store::sqlite
