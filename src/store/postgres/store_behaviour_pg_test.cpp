// The store's behaviour tests (store/store_behaviour_test.cpp) on
// PostgreSQL, each on a new database of the test cluster.
#include <gtest/gtest.h>

#include "store/postgres/pg_store.hpp"
#include "store/postgres/testing_pg.hpp"
#include "store/store_behaviour.hpp"

namespace brisk::store::testing {
namespace {

std::unique_ptr<Store> open_new_database(unsigned readers, std::string& why) {
  StoreOptions o;
  o.target = postgres::testing::new_database(why);
  if (o.target.empty()) return nullptr;
  o.readers = readers;
  return postgres::open_pg_store(o);
}

INSTANTIATE_TEST_SUITE_P(Postgres, StoreBehaviour,
                         ::testing::Values(Backend{"postgres", &open_new_database}), backend_name);

}  // namespace
}  // namespace brisk::store::testing
