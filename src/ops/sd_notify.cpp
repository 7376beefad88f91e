#include "ops/sd_notify.hpp"

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace brisk::ops {

NotifyResult notify_socket(std::string_view socket, std::string_view state, std::string& error) {
  if (socket.empty()) return NotifyResult::kDisabled;
  const bool abstract = socket.front() == '@';
  if (!abstract && socket.front() != '/') {
    error = "NOTIFY_SOCKET must be an absolute path or an @abstract name, got \"" +
            std::string(socket) + "\"";
    return NotifyResult::kFailed;
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  // A path needs its terminating NUL inside sun_path; an abstract name is
  // the bytes after sun_path[0] = '\0', its length given by the address
  // length alone (no terminator), so it may use the whole array.
  if (socket.size() > sizeof(addr.sun_path) - (abstract ? 0 : 1)) {
    error = "NOTIFY_SOCKET is longer than a unix socket address (" +
            std::to_string(sizeof(addr.sun_path)) + " bytes)";
    return NotifyResult::kFailed;
  }
  std::memcpy(addr.sun_path, socket.data(), socket.size());
  if (abstract) addr.sun_path[0] = '\0';
  const auto len =
      static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket.size() + (abstract ? 0 : 1));

  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::string("socket(AF_UNIX, SOCK_DGRAM): ") + std::strerror(errno);
    return NotifyResult::kFailed;
  }
  // The kernel attaches this process's credentials to the datagram: systemd
  // checks the sender's PID against the service's main PID (NotifyAccess=main).
  const ssize_t n = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                             reinterpret_cast<const sockaddr*>(&addr), len);
  const int send_errno = errno;
  ::close(fd);
  if (n < 0) {
    error = "sending to NOTIFY_SOCKET " + std::string(socket) + ": " + std::strerror(send_errno);
    return NotifyResult::kFailed;
  }
  // A datagram is delivered whole or not at all; a short count cannot happen.
  return NotifyResult::kSent;
}

NotifyResult sd_notify(std::string_view state, std::string& error) {
  const char* name = std::getenv("NOTIFY_SOCKET");
  return notify_socket(name ? std::string_view(name) : std::string_view(), state, error);
}

}  // namespace brisk::ops
