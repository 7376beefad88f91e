// The access log: one line per answered request, in text or JSON Lines.
//
// Each worker thread owns one AccessLog and formats into its own buffer,
// which goes to the file descriptor (standard error) in one write() when it
// holds 16 KiB, on the worker's once-a-second tick, and when the worker
// stops: no lock and no system call per request. A line is never split
// between two writes, so lines of different threads do not interleave.
#pragma once
#include <chrono>
#include <cstddef>
#include <ctime>
#include <string>
#include <string_view>

#include "http/request.hpp"

namespace brisk::http {

enum class LogFormat { kText, kJson };

struct AccessEntry {
  Method method = Method::kOther;
  std::string_view path;  // without the query string (it may hold secrets)
  int status = 0;
  std::size_t bytes = 0;                 // of the response, headers included
  std::chrono::nanoseconds duration{0};  // first byte of the request -> answer queued
  std::string_view client;               // the peer's address
  std::string_view request_id;
};

class AccessLog {
 public:
  explicit AccessLog(LogFormat format, int fd = 2) : format_(format), fd_(fd) {}
  ~AccessLog() { flush(); }
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  void record(const AccessEntry& e);
  void flush();
  // What is buffered and not yet written (for tests).
  std::string_view pending() const { return buf_; }

 private:
  // Appends the time `now` (to the millisecond).
  void stamp(std::string& out, std::chrono::system_clock::time_point now);
  void text_line(const AccessEntry& e);
  void json_line(const AccessEntry& e);

  LogFormat format_;
  int fd_;
  std::string buf_;
  // The formatted time of `second_`, without its milliseconds: text lines
  // use local time as spdlog's lines do, JSON lines UTC.
  std::time_t second_ = -1;
  char when_[24] = {};
  std::size_t when_len_ = 0;
};

}  // namespace brisk::http
