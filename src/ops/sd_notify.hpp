// systemd's readiness protocol (sd_notify(3)), without libsystemd: one
// datagram of newline-separated KEY=VALUE lines ("READY=1", "STOPPING=1",
// "STATUS=...") sent to the AF_UNIX socket named by $NOTIFY_SOCKET. A
// service with Type=notify is "started" only once READY=1 arrives, so
// `systemctl start brisk` returns when brisk is listening, not when it forks.
#pragma once
#include <string>
#include <string_view>

namespace brisk::ops {

enum class NotifyResult {
  kSent,      // the datagram was delivered to the socket
  kDisabled,  // the socket name is empty: not run by systemd, nothing to do
  kFailed,    // a name was given but sending failed; `error` says why
};

// Sends `state` to the socket named `socket`: a filesystem path (starting
// with '/'), or a Linux abstract-namespace name written with a leading '@'.
// Anything else (relative paths, systemd 254's "vsock:" addresses) fails
// with a clear error rather than being sent somewhere unexpected.
NotifyResult notify_socket(std::string_view socket, std::string_view state, std::string& error);

// notify_socket() with the socket named by $NOTIFY_SOCKET (kDisabled when
// unset or empty). The variable is left in place: brisk starts no children.
NotifyResult sd_notify(std::string_view state, std::string& error);

}  // namespace brisk::ops
