// The store's behaviour tests, written once against the Store interface and
// run against every backend (store_behaviour_test.cpp holds the tests;
// each backend instantiates them with its factory, e.g.
// sqlite/store_behaviour_sqlite_test.cpp). Included by tests only.
#pragma once
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "store/store.hpp"

namespace brisk::store::testing {

struct Backend {
  std::string name;
  // A new, empty store with `readers` readers; null when the backend cannot
  // run here (the test is skipped, with `why`).
  std::function<std::unique_ptr<Store>(unsigned readers, std::string& why)> open;
};

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param.name;
}

class StoreBehaviour : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::string why;
    s_ = GetParam().open(1, why);
    if (!s_) GTEST_SKIP() << why;
  }
  void TearDown() override { s_.reset(); }
  Store& s() { return *s_; }
  std::unique_ptr<Store> open(unsigned readers) {
    std::string why;
    auto st = GetParam().open(readers, why);
    if (!st) ADD_FAILURE() << why;
    return st;
  }
  std::unique_ptr<Store> s_;
};

}  // namespace brisk::store::testing
