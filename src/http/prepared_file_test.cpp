#include "http/prepared_file.hpp"

#include <gtest/gtest.h>

#include <string>

#include "util/gzip.hpp"

namespace brisk::http {
namespace {

TEST(AcceptsGzip, ListedCodingsAndQualities) {
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br"));
  EXPECT_TRUE(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(accepts_gzip("x-gzip"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_TRUE(accepts_gzip("identity, *;q=0.1"));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("identity"));
  EXPECT_FALSE(accepts_gzip("br, deflate"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip; q=0.000"));
  EXPECT_FALSE(accepts_gzip("*, gzip;q=0"));  // the explicit refusal wins
  EXPECT_FALSE(accepts_gzip("*;q=0"));
  EXPECT_FALSE(accepts_gzip("gzipped"));
}

TEST(EtagListed, WeakComparisonAndLists) {
  EXPECT_TRUE(etag_listed("\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_listed("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_listed("\"x\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_listed("*", "\"abc\""));
  EXPECT_FALSE(etag_listed("\"abcd\"", "\"abc\""));
  EXPECT_FALSE(etag_listed("abc", "\"abc\""));
  EXPECT_FALSE(etag_listed("\"abc-gzip\"", "\"abc\""));
}

TEST(PreparedFile, CompressesOnceAndKeepsBothRepresentations) {
  std::string text(10000, 'a');
  PreparedFile f({"text/plain", "no-cache"}, text, true);
  EXPECT_EQ(f.identity(), text);
  ASSERT_FALSE(f.gzip().empty());
  EXPECT_LT(f.gzip().size(), text.size());
  EXPECT_EQ(util::gunzip(f.gzip()), text);
  EXPECT_NE(f.etag(), f.gzip_etag());
  EXPECT_EQ(f.etag().front(), '"');
  EXPECT_EQ(f.etag().back(), '"');
}

TEST(PreparedFile, IncompressibleContentHasNoGzip) {
  PreparedFile f({"image/png", "no-cache"}, std::string("\x89PNG", 4), true);
  EXPECT_TRUE(f.gzip().empty());
  EXPECT_EQ(f.identity(), std::string("\x89PNG", 4));
}

TEST(PreparedFile, StaticGzipIsInflatedOnDemand) {
  std::string text = "body { color: red }\n";
  static const std::string gz = util::gzip(text);
  PreparedFile f({"text/css", "no-cache"}, std::string_view(gz), "00000000000000ab");
  EXPECT_EQ(f.gzip(), gz);
  EXPECT_EQ(f.identity(), text);
  EXPECT_EQ(f.etag(), "\"00000000000000ab\"");
  EXPECT_EQ(f.gzip_etag(), "\"00000000000000ab-gzip\"");
}

}  // namespace
}  // namespace brisk::http
