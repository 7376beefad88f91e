// The running server's control socket, for operations a second process
// cannot do on the database while brisk holds it (SQLite: an exclusive
// lock): `brisk backup` asks through it. A Unix domain socket next to the
// database ("<db>.admin", mode 0600: only the same OS user, or root, can
// connect), served by one thread of its own (never an event loop). One
// request per connection, one line each way:
//   "backup <absolute path>\n"  ->  "ok\n" | "error <why>\n"
#pragma once
#include <atomic>
#include <string>
#include <thread>

#include "store/store.hpp"

namespace brisk::ops {

// The socket path of the database file `db`.
std::string admin_socket_path(const std::string& db);

class AdminSocket {
 public:
  // Binds `path` (replacing a stale file: the caller holds the database's
  // lock, so no other server owns it) and starts serving. Throws
  // std::runtime_error when it cannot bind.
  AdminSocket(std::string path, store::Store& store);
  ~AdminSocket();  // stops serving and removes the socket file
  AdminSocket(const AdminSocket&) = delete;
  AdminSocket& operator=(const AdminSocket&) = delete;

 private:
  void serve();
  std::string handle(const std::string& request);
  std::string path_;
  store::Store& store_;
  int fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// Sends one request to the socket at `path`; returns the reply line
// (without the newline), or an empty string when nobody listens there.
std::string admin_request(const std::string& path, const std::string& request);

}  // namespace brisk::ops
