#include "http/access_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

namespace brisk::http {
namespace {

using namespace std::chrono_literals;

AccessEntry entry(std::string_view path = "/tasks/abc") {
  return {.method = Method::kGet,
          .path = path,
          .status = 200,
          .bytes = 312,
          .duration = 153'400ns,
          .client = "127.0.0.1",
          .request_id = "r-1"};
}

// A pipe standing in for standard error.
struct Pipe {
  int fd[2];
  Pipe() { EXPECT_EQ(::pipe2(fd, O_NONBLOCK), 0); }
  ~Pipe() {
    ::close(fd[0]);
    ::close(fd[1]);
  }
  std::string read_all() {
    std::string s;
    char buf[65536];
    for (ssize_t n; (n = ::read(fd[0], buf, sizeof buf)) > 0;) s.append(buf, n);
    return s;
  }
};

TEST(AccessLog, TextLineHasEveryField) {
  Pipe p;
  AccessLog log(LogFormat::kText, p.fd[1]);
  log.record(entry());
  EXPECT_EQ(p.read_all(), "") << "buffered until a flush";
  log.flush();
  const std::string line = p.read_all();
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_NE(line.find("] [brisk] [info] 127.0.0.1 \"GET /tasks/abc\" 200 312 0.153ms id=r-1\n"),
            std::string::npos)
      << line;
  EXPECT_EQ(line[0], '[');
}

TEST(AccessLog, TextEscapesWhatCouldForgeALine) {
  Pipe p;
  AccessLog log(LogFormat::kText, p.fd[1]);
  log.record(entry("/a\"b\\c\nd e\x7f"));
  log.flush();
  const std::string line = p.read_all();
  EXPECT_NE(line.find("\"GET /a\\x22b\\x5cc\\x0ad\\x20e\\x7f\""), std::string::npos) << line;
  EXPECT_EQ(line.find('\n'), line.size() - 1);
}

TEST(AccessLog, JsonLineIsOneObjectWithTypedMembers) {
  Pipe p;
  AccessLog log(LogFormat::kJson, p.fd[1]);
  log.record(entry("/t\"\n"));
  log.flush();
  std::string line = p.read_all();
  ASSERT_EQ(line.find('\n'), line.size() - 1) << line;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(line).get(doc)) << line;
  EXPECT_EQ(std::string_view(doc["msg"]), "access");
  EXPECT_EQ(std::string_view(doc["method"]), "GET");
  EXPECT_EQ(std::string_view(doc["path"]), "/t\"\n");
  EXPECT_EQ(int64_t(doc["status"]), 200);
  EXPECT_EQ(int64_t(doc["bytes"]), 312);
  EXPECT_DOUBLE_EQ(double(doc["duration_ms"]), 0.153);
  EXPECT_EQ(std::string_view(doc["client"]), "127.0.0.1");
  EXPECT_EQ(std::string_view(doc["request_id"]), "r-1");
  std::string_view ts = doc["ts"];
  EXPECT_EQ(ts.size(), 24u) << ts;  // 2026-12-04T17:27:54.022Z
  EXPECT_EQ(ts.back(), 'Z');
}

TEST(AccessLog, WritesWholeLinesOnceTheBufferFills) {
  Pipe p;
  AccessLog log(LogFormat::kText, p.fd[1]);
  std::size_t lines = 0;
  while (p.read_all().empty() && lines < 10'000) {
    log.record(entry());
    ++lines;
  }
  EXPECT_LT(lines, 10'000u) << "the buffer never went out";
  EXPECT_EQ(log.pending(), "") << "a flush writes whole lines and empties the buffer";
}

TEST(AccessLog, FlushesWhenDestroyed) {
  Pipe p;
  {
    AccessLog log(LogFormat::kText, p.fd[1]);
    log.record(entry());
  }
  EXPECT_NE(p.read_all().find("id=r-1"), std::string::npos);
}

}  // namespace
}  // namespace brisk::http
