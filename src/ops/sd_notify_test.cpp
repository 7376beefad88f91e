#include "ops/sd_notify.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace brisk::ops {
namespace {

// Sets NOTIFY_SOCKET (or unsets it) for one test, restoring the old value.
class EnvGuard {
 public:
  explicit EnvGuard(const char* value) {
    if (const char* old = std::getenv("NOTIFY_SOCKET")) old_ = old;
    if (value) {
      ::setenv("NOTIFY_SOCKET", value, 1);
    } else {
      ::unsetenv("NOTIFY_SOCKET");
    }
  }
  ~EnvGuard() {
    if (old_) {
      ::setenv("NOTIFY_SOCKET", old_->c_str(), 1);
    } else {
      ::unsetenv("NOTIFY_SOCKET");
    }
  }

 private:
  std::optional<std::string> old_;
};

struct Datagram {
  std::string data;
  pid_t pid = -1;  // from SCM_CREDENTIALS, as systemd reads it
};

// A real AF_UNIX datagram socket standing in for systemd's notify socket,
// with SO_PASSCRED on so each datagram carries the sender's credentials.
class Listener {
 public:
  // `name`: a path, or an abstract name written with a leading '@'.
  explicit Listener(const std::string& name) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    EXPECT_GE(fd_, 0) << std::strerror(errno);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, name.data(), name.size());
    const bool abstract = name.front() == '@';
    if (abstract) addr.sun_path[0] = '\0';
    const auto len =
        static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() + (abstract ? 0 : 1));
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len), 0)
        << name << ": " << std::strerror(errno);
    int on = 1;
    EXPECT_EQ(::setsockopt(fd_, SOL_SOCKET, SO_PASSCRED, &on, sizeof on), 0);
  }
  ~Listener() { ::close(fd_); }

  // The next datagram, or nullopt if none arrives within `ms`.
  std::optional<Datagram> receive(int ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, ms) != 1) return std::nullopt;
    char buf[4096];
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
    iovec iov{buf, sizeof buf};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t n = ::recvmsg(fd_, &msg, 0);
    if (n < 0) return std::nullopt;
    Datagram d;
    d.data.assign(buf, static_cast<size_t>(n));
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
        ucred cred;
        std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
        d.pid = cred.pid;
      }
    }
    return d;
  }

 private:
  int fd_ = -1;
};

// A fresh directory for socket files (short: sun_path holds 108 bytes).
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/brisk-notify-XXXXXX";
    const char* p = ::mkdtemp(tmpl);
    EXPECT_NE(p, nullptr) << std::strerror(errno);
    path_ = p ? p : "";
  }
  ~TempDir() {
    for (const auto& f : files_) ::unlink(f.c_str());
    ::rmdir(path_.c_str());
  }
  std::string file(const std::string& name) {
    files_.push_back(path_ + "/" + name);
    return files_.back();
  }

 private:
  std::string path_;
  std::vector<std::string> files_;
};

std::string unique_abstract_name(const std::string& tag) {
  return "@brisk-test-" + tag + "-" + std::to_string(::getpid());
}

TEST(SdNotify, UnsetVariableIsANoOp) {
  EnvGuard env(nullptr);
  std::string error;
  EXPECT_EQ(sd_notify("READY=1", error), NotifyResult::kDisabled);
  EXPECT_EQ(error, "");
}

TEST(SdNotify, EmptyVariableIsANoOp) {
  EnvGuard env("");
  std::string error;
  EXPECT_EQ(sd_notify("READY=1", error), NotifyResult::kDisabled);
  EXPECT_EQ(error, "");
}

TEST(SdNotify, SendsToThePathInTheEnvironmentWithThisProcessCredentials) {
  TempDir dir;
  const std::string path = dir.file("notify.sock");
  Listener listener(path);
  EnvGuard env(path.c_str());
  std::string error;
  ASSERT_EQ(sd_notify("READY=1\nSTATUS=listening", error), NotifyResult::kSent) << error;
  auto d = listener.receive(2000);
  ASSERT_TRUE(d.has_value()) << "no datagram arrived";
  EXPECT_EQ(d->data, "READY=1\nSTATUS=listening");
  // systemd accepts READY=1 only from the service's main PID.
  EXPECT_EQ(d->pid, ::getpid());
}

TEST(SdNotify, SendsToAnAbstractNameWrittenWithAt) {
  const std::string name = unique_abstract_name("abstract");
  Listener listener(name);
  EnvGuard env(name.c_str());
  std::string error;
  ASSERT_EQ(sd_notify("STOPPING=1", error), NotifyResult::kSent) << error;
  auto d = listener.receive(2000);
  ASSERT_TRUE(d.has_value()) << "no datagram arrived at " << name;
  EXPECT_EQ(d->data, "STOPPING=1");
}

TEST(SdNotify, AbstractNameMayFillTheWholeAddress) {
  // 108 bytes: '@' (sent as the leading NUL) and 107 name bytes, no terminator.
  std::string name = unique_abstract_name("long");
  name.resize(sizeof(sockaddr_un::sun_path), 'x');
  Listener listener(name);
  std::string error;
  ASSERT_EQ(notify_socket(name, "READY=1", error), NotifyResult::kSent) << error;
  auto d = listener.receive(2000);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->data, "READY=1");
}

TEST(SdNotify, AbstractNamesDifferingOnlyInLengthAreDistinct) {
  // The address length is part of an abstract name: "@n-1" must not reach "@n-12".
  const std::string name = unique_abstract_name("len");
  Listener longer(name + "2");
  std::string error;
  EXPECT_EQ(notify_socket(name, "READY=1", error), NotifyResult::kFailed);
  EXPECT_FALSE(longer.receive(100).has_value());
}

TEST(SdNotify, TooLongANameFailsWithAClearError) {
  std::string path = "/" + std::string(sizeof(sockaddr_un::sun_path) - 1, 'p');  // no room for NUL
  std::string error;
  EXPECT_EQ(notify_socket(path, "READY=1", error), NotifyResult::kFailed);
  EXPECT_NE(error.find("longer than a unix socket address"), std::string::npos) << error;
}

TEST(SdNotify, RelativePathIsRefused) {
  std::string error;
  EXPECT_EQ(notify_socket("notify.sock", "READY=1", error), NotifyResult::kFailed);
  EXPECT_NE(error.find("absolute path or an @abstract name"), std::string::npos) << error;
}

TEST(SdNotify, NobodyListeningFailsWithTheReason) {
  TempDir dir;
  const std::string path = dir.file("absent.sock");
  std::string error;
  EXPECT_EQ(notify_socket(path, "READY=1", error), NotifyResult::kFailed);
  EXPECT_NE(error.find(path), std::string::npos) << error;
  EXPECT_NE(error.find(std::strerror(ENOENT)), std::string::npos) << error;
}

}  // namespace
}  // namespace brisk::ops
