// How many connections brisk holds, and what happens beyond that.
//
// - At start the soft limit on open files is raised to the hard limit (a
//   connection is a descriptor; distributions start services with a soft
//   limit of 1024).
// - --max-connections caps the connections held at once (default
//   kDefaultMaxConnections), and never above the descriptor limit less a
//   reserve for the database's files, the log and refusals in progress.
// - Beyond the cap a new connection is answered 503 with Retry-After and
//   Connection: close, then read from (and dropped) until the client
//   closes or kRefusalLinger passes: closing a socket with unread input
//   resets it, and the client could lose the answer. Established
//   connections are not touched.
// - Out of descriptors all the same (other files, a lower limit than
//   thought), accepting pauses for kAcceptPause and is retried: accept()
//   would fail again at once, and a loop of it burned a core and wrote a
//   million log lines in 5 s (issue 15). One line per kLogInterval says
//   how many were refused or paused.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace brisk::http {

inline constexpr unsigned kDefaultMaxConnections = 16384;
inline constexpr unsigned kReservedDescriptors = 256;
inline constexpr unsigned kMaxRefusalsInProgress = 128;
inline constexpr auto kRefusalLinger = std::chrono::seconds(2);
inline constexpr auto kAcceptPause = std::chrono::milliseconds(100);
inline constexpr auto kLogInterval = std::chrono::seconds(10);

// Raises RLIMIT_NOFILE's soft limit to its hard limit; returns the soft
// limit in force afterwards.
unsigned raise_descriptor_limit();

// The connections brisk will hold: `requested` (0: the default), at most
// the descriptor limit less the reserve (at least 1).
unsigned connection_cap(unsigned requested, unsigned descriptor_limit);

using TcpSocket =
    boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

// Answers `sock` 503 and closes it gracefully, on its io_context's thread.
// `in_progress` counts the refusals not yet closed; beyond
// kMaxRefusalsInProgress the socket is closed at once.
void refuse_connection(TcpSocket sock, std::string_view date, std::string_view request_id,
                       std::atomic<unsigned>& in_progress);

// Counts events and says when to write the next log line about them.
class RateLimitedLog {
 public:
  // Counts one event; true when a line is due (then `count` holds how many
  // events it covers, this one included).
  bool note(std::chrono::steady_clock::time_point now, std::uint64_t& count);

 private:
  std::chrono::steady_clock::time_point last_{};
  std::uint64_t pending_ = 0;
};

}  // namespace brisk::http
