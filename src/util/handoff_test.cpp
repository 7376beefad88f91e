#include "util/handoff.hpp"

#include <gtest/gtest.h>

namespace brisk::util {
namespace {

void count(void* target) {
  ++*static_cast<int*>(target);
}

TEST(HandoffBatch, WithoutABatchTheCallerWakes) {
  int n = 0;
  EXPECT_FALSE(HandoffBatch::defer(&n, count));
  EXPECT_EQ(n, 0);
}

TEST(HandoffBatch, WakesEachTargetOnceWhenTheBatchEnds) {
  int a = 0, b = 0;
  {
    HandoffBatch batch;
    EXPECT_TRUE(HandoffBatch::defer(&a, count));
    EXPECT_TRUE(HandoffBatch::defer(&b, count));
    EXPECT_TRUE(HandoffBatch::defer(&a, count));
    EXPECT_EQ(a, 0);
    EXPECT_EQ(b, 0);
  }
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 1);
  EXPECT_FALSE(HandoffBatch::defer(&a, count));  // closed
}

TEST(HandoffBatch, InnerBatchCollectsAndEndsFirst) {
  int a = 0, b = 0;
  {
    HandoffBatch outer;
    HandoffBatch::defer(&a, count);
    {
      HandoffBatch inner;
      HandoffBatch::defer(&b, count);
    }
    EXPECT_EQ(b, 1);
    EXPECT_EQ(a, 0);
  }
  EXPECT_EQ(a, 1);
}

}  // namespace
}  // namespace brisk::util
