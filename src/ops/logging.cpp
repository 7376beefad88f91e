#include "ops/logging.hpp"

#include <chrono>
#include <ctime>
#include <memory>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "util/json_writer.hpp"

namespace brisk::ops {

namespace {

// Formats a record as one JSON object. The message goes through RapidJSON's
// writer, so quotes, newlines and control characters in it are escaped.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count();
    const auto level = spdlog::level::to_string_view(msg.level);
    std::string line = json_log_line(ms, std::string(level.data(), level.size()),
                                     std::string(msg.payload.data(), msg.payload.size()));
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

std::string json_log_line(long long unix_ms, const std::string& level, const std::string& msg) {
  const std::time_t sec = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&sec, &tm);
  char ts[32];
  std::size_t n = std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
  n += static_cast<std::size_t>(
      std::snprintf(ts + n, sizeof ts - n, ".%03dZ", static_cast<int>(unix_ms % 1000)));
  std::string out;
  util::JsonWriter w(out);
  w.StartObject();
  w.Key("ts");
  w.String(std::string_view(ts, n));
  w.Key("level");
  w.String(level);
  w.Key("logger");
  w.String("brisk");
  w.Key("msg");
  w.String(msg);
  w.EndObject();
  out.push_back('\n');
  return out;
}

void setup_logging(const std::string& level, LogFormat format) {
  auto log = spdlog::stderr_color_mt("brisk");
  if (format == LogFormat::kJson) log->set_formatter(std::make_unique<JsonFormatter>());
  spdlog::set_default_logger(log);
  spdlog::set_level(spdlog::level::from_str(level));
}

}  // namespace brisk::ops
