#include "ops/admin_socket.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <spdlog/spdlog.h>

namespace brisk::ops {

namespace {

constexpr std::size_t kMaxRequest = 4096;

sockaddr_un address_of(const std::string& path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  if (path.size() >= sizeof a.sun_path) {
    throw std::runtime_error("control socket path too long: " + path);
  }
  std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
  return a;
}

// One line from `fd` (without the newline); false on error or overflow.
bool read_line(int fd, std::string& out) {
  char buf[512];
  while (out.find('\n') == std::string::npos) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0 || out.size() + static_cast<std::size_t>(n) > kMaxRequest) return false;
    out.append(buf, static_cast<std::size_t>(n));
  }
  out.resize(out.find('\n'));
  return true;
}

void write_all(int fd, const std::string& s) {
  std::size_t done = 0;
  while (done < s.size()) {
    ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

std::string admin_socket_path(const std::string& db) {
  return db + ".admin";
}

AdminSocket::AdminSocket(std::string path, store::Store& store)
    : path_(std::move(path)), store_(store) {
  sockaddr_un a = address_of(path_);
  fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("control socket: ") + std::strerror(errno));
  ::unlink(path_.c_str());
  const mode_t old = ::umask(0177);  // the socket file is 0600
  const int rc = ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::umask(old);
  if (rc != 0 || ::listen(fd_, 8) != 0) {
    std::string why = std::strerror(errno);
    ::close(fd_);
    throw std::runtime_error("cannot create the control socket " + path_ + ": " + why);
  }
  thread_ = std::thread([this] { serve(); });
}

AdminSocket::~AdminSocket() {
  stopping_ = true;
  ::shutdown(fd_, SHUT_RDWR);
  if (thread_.joinable()) thread_.join();
  ::close(fd_);
  ::unlink(path_.c_str());
}

void AdminSocket::serve() {
  while (!stopping_) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 500) <= 0) continue;  // wakes to notice stopping_
    int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) continue;
    std::string request;
    std::string reply = read_line(c, request) ? handle(request) : "error malformed request";
    write_all(c, reply + "\n");
    ::close(c);
  }
}

std::string AdminSocket::handle(const std::string& request) {
  constexpr std::string_view kBackup = "backup ";
  if (request.starts_with(kBackup) && request.size() > kBackup.size() &&
      request[kBackup.size()] == '/') {
    const std::string path = request.substr(kBackup.size());
    try {
      store_.backup_to(path);
      spdlog::info("backup written to {}", path);
      return "ok";
    } catch (const std::exception& e) {
      spdlog::warn("backup to {} failed: {}", path, e.what());
      return std::string("error ") + e.what();
    }
  }
  return "error unknown request (expected: backup /absolute/path)";
}

std::string admin_request(const std::string& path, const std::string& request) {
  sockaddr_un a = address_of(path);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return {};
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return {};
  }
  write_all(fd, request + "\n");
  std::string reply;
  if (!read_line(fd, reply)) reply = "error no reply from the server";
  ::close(fd);
  return reply;
}

}  // namespace brisk::ops
