// The store's behaviour tests (store/store_behaviour_test.cpp) on SQLite,
// each on a fresh ":memory:" store.
#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.hpp"
#include "store/store_behaviour.hpp"

namespace brisk::store::testing {
namespace {

std::unique_ptr<Store> open_memory(unsigned readers, std::string&) {
  StoreOptions o;
  o.target = ":memory:";
  o.readers = readers;
  return sqlite::open_sqlite_store(o);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreBehaviour, ::testing::Values(Backend{"sqlite", &open_memory}),
                         backend_name);

}  // namespace
}  // namespace brisk::store::testing
