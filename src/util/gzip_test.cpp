#include "util/gzip.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace brisk::util {
namespace {

TEST(Gzip, RoundTripsAndIsDeterministic) {
  std::string data;
  for (int i = 0; i < 200000; ++i) data.push_back(static_cast<char>((i * 7919) % 251));
  std::string gz = gzip(data);
  ASSERT_GE(gz.size(), 18u);
  EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);  // gzip magic
  EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
  EXPECT_EQ(gunzip(gz), data);
  EXPECT_EQ(gzip(data), gz);
  EXPECT_EQ(gunzip(gzip("")), "");
}

TEST(Gzip, CorruptOrTruncatedInputThrows) {
  std::string gz = gzip(std::string(5000, 'x'));
  EXPECT_THROW(gunzip(gz.substr(0, gz.size() / 2)), std::runtime_error);
  std::string bad = gz;
  bad[12] = static_cast<char>(bad[12] ^ 0x55);
  EXPECT_THROW(gunzip(bad), std::runtime_error);
  EXPECT_THROW(gunzip("not gzip at all"), std::runtime_error);
}

}  // namespace
}  // namespace brisk::util
