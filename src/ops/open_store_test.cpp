#include "ops/open_store.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace brisk::ops {
namespace {

TEST(OpenStore, EmptyAndPostgresTargetsAreRefused) {
  EXPECT_THROW(open_store({.target = ""}), std::runtime_error);
  EXPECT_THROW(open_store({.target = "postgres://localhost/brisk"}), std::runtime_error);
}

TEST(OpenStore, MemoryTargetOpensSqlite) {
  auto s = open_store({.target = ":memory:"});
  EXPECT_TRUE(s->reader(0).ping());
}

}  // namespace
}  // namespace brisk::ops
