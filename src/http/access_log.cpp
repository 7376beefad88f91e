#include "http/access_log.hpp"

#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "util/json_writer.hpp"

namespace brisk::http {

namespace {
constexpr std::size_t kFlushAt = std::size_t{16} * 1024;

void append_int(std::string& out, std::uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// Milliseconds with three decimals (microsecond resolution).
void append_ms(std::string& out, std::chrono::nanoseconds d) {
  const auto us =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(d).count());
  append_int(out, us / 1000);
  char frac[4] = {'.', static_cast<char>('0' + us / 100 % 10),
                  static_cast<char>('0' + us / 10 % 10), static_cast<char>('0' + us % 10)};
  out.append(frac, 4);
}

// A path for a text line: printable ASCII as is, anything else (and the
// quote and backslash) as \xNN, so a line cannot be forged or broken.
void append_escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char c : s) {
    if (c > 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      const char esc[4] = {'\\', 'x', kHex[c >> 4], kHex[c & 0xf]};
      out.append(esc, 4);
    }
  }
}
}  // namespace

void AccessLog::stamp(std::string& out, std::chrono::system_clock::time_point now) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
  const std::time_t sec = static_cast<std::time_t>(ms.count() / 1000);
  if (sec != second_) {
    second_ = sec;
    std::tm tm{};
    if (format_ == LogFormat::kText) {
      localtime_r(&sec, &tm);
      when_len_ = std::strftime(when_, sizeof when_, "%Y-%m-%d %H:%M:%S", &tm);
    } else {
      gmtime_r(&sec, &tm);
      when_len_ = std::strftime(when_, sizeof when_, "%Y-%m-%dT%H:%M:%S", &tm);
    }
  }
  const auto milli = static_cast<unsigned>(ms.count() % 1000);
  const char frac[4] = {'.', static_cast<char>('0' + milli / 100),
                        static_cast<char>('0' + milli / 10 % 10),
                        static_cast<char>('0' + milli % 10)};
  out.append(when_, when_len_).append(frac, 4);
}

void AccessLog::record(const AccessEntry& e) {
  if (format_ == LogFormat::kText) {
    text_line(e);
  } else {
    json_line(e);
  }
  if (buf_.size() >= kFlushAt) flush();
}

// [2026-12-04 17:27:54.022] [brisk] [info] 127.0.0.1 "GET /tasks" 200 312 0.153ms id=...
void AccessLog::text_line(const AccessEntry& e) {
  buf_.push_back('[');
  stamp(buf_, std::chrono::system_clock::now());
  buf_.append("] [brisk] [info] ").append(e.client.empty() ? "-" : e.client).append(" \"");
  buf_.append(method_name(e.method)).push_back(' ');
  append_escaped(buf_, e.path.empty() ? std::string_view("-") : e.path);
  buf_.append("\" ");
  append_int(buf_, static_cast<std::uint64_t>(e.status));
  buf_.push_back(' ');
  append_int(buf_, e.bytes);
  buf_.push_back(' ');
  append_ms(buf_, e.duration);
  buf_.append("ms id=").append(e.request_id).push_back('\n');
}

void AccessLog::json_line(const AccessEntry& e) {
  std::string when;
  stamp(when, std::chrono::system_clock::now());
  when.push_back('Z');
  std::string ms;
  append_ms(ms, e.duration);
  util::JsonWriter w(buf_);
  w.StartObject();
  w.Key("ts");
  w.String(when);
  w.Key("level");
  w.String("info");
  w.Key("logger");
  w.String("brisk");
  w.Key("msg");
  w.String("access");
  w.Key("method");
  w.String(method_name(e.method));
  w.Key("path");
  w.String(e.path);
  w.Key("status");
  w.Int64(e.status);
  w.Key("bytes");
  w.Uint64(e.bytes);
  w.Key("duration_ms");
  w.Raw(ms);  // a JSON number with three decimals
  w.Key("client");
  w.String(e.client);
  w.Key("request_id");
  w.String(e.request_id);
  w.EndObject();
  buf_.push_back('\n');
}

void AccessLog::flush() {
  std::size_t done = 0;
  while (done < buf_.size()) {
    const ssize_t n = ::write(fd_, buf_.data() + done, buf_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // a log that cannot be written is dropped, never fatal
    done += static_cast<std::size_t>(n);
  }
  buf_.clear();
}

}  // namespace brisk::http
