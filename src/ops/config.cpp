#include "ops/config.hpp"

#include <charconv>
#include <thread>

#include <sched.h>

#include <boost/asio/ip/address.hpp>

namespace brisk::ops {

unsigned usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<unsigned>(n);
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw ? hw : 1;
}

bool parse_listen(const std::string& text, std::string& host, unsigned short& port,
                  std::string& error) {
  std::string h;
  std::string_view p;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      error = "expected [IPV6]:PORT";
      return false;
    }
    h = text.substr(1, close - 1);
    p = std::string_view(text).substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      error = "expected HOST:PORT";
      return false;
    }
    h = text.substr(0, colon);
    p = std::string_view(text).substr(colon + 1);
  }
  unsigned v = 0;
  auto r = std::from_chars(p.data(), p.data() + p.size(), v);
  if (p.empty() || r.ec != std::errc() || r.ptr != p.data() + p.size() || v > 65535) {
    error = "the port must be a number from 0 to 65535";
    return false;
  }
  if (h == "localhost") h = "127.0.0.1";
  boost::system::error_code ec;
  boost::asio::ip::make_address(h, ec);
  if (ec) {
    error = "'" + h + "' is not an IP address (or localhost)";
    return false;
  }
  host = h;
  port = static_cast<unsigned short>(v);
  return true;
}

bool is_loopback(const std::string& host) {
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(host, ec);
  return !ec && a.is_loopback();
}

bool parse_rate_limit(const std::string& text, unsigned& per_second) {
  std::string_view t = text;
  if (!t.ends_with("/s")) return false;
  t.remove_suffix(2);
  unsigned v = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || r.ec != std::errc() || r.ptr != t.data() + t.size() || v == 0 || v > 1'000'000)
    return false;
  per_second = v;
  return true;
}

bool parse_timeout(const std::string& text, std::int64_t& ms) {
  std::string_view t = text;
  if (t == "0") {
    ms = 0;
    return true;
  }
  std::int64_t unit = 1;
  if (t.ends_with("ms")) {
    t.remove_suffix(2);
  } else if (t.ends_with("s")) {
    t.remove_suffix(1);
    unit = 1000;
  } else {
    return false;
  }
  std::int64_t v = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || r.ec != std::errc() || r.ptr != t.data() + t.size() || v <= 0 ||
      v > 3'600'000 / unit)
    return false;
  ms = v * unit;
  return true;
}

}  // namespace brisk::ops
