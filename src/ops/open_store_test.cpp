#include "ops/open_store.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace brisk::ops {
namespace {

TEST(OpenStore, EmptyTargetIsRefused) {
  EXPECT_THROW(open_store({.target = ""}), std::runtime_error);
}

TEST(OpenStore, PostgresUrlsGoToPostgresql) {
  // A port nothing listens on: the PostgreSQL backend's own error, one line.
  for (const char* url : {"postgres://brisk@127.0.0.1:1/brisk", "postgresql://127.0.0.1:1/x"}) {
    try {
      open_store({.target = url});
      ADD_FAILURE() << url << " opened";
    } catch (const std::runtime_error& e) {
      std::string msg = e.what();
      EXPECT_TRUE(msg.starts_with("cannot connect to PostgreSQL: ")) << msg;
      EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    }
  }
}

TEST(OpenStore, MemoryTargetOpensSqlite) {
  auto s = open_store({.target = ":memory:"});
  EXPECT_TRUE(s->reader(0).ping());
}

}  // namespace
}  // namespace brisk::ops
