// Test support: fresh databases in the throwaway PostgreSQL cluster that
// ctest's fixture `pg` starts (tests/pg_cluster.py), whose URL is in the
// file named by BRISK_TEST_PG_FILE. Included by tests only.
#pragma once
#include <atomic>
#include <fstream>
#include <string>

#include <unistd.h>

#include "store/postgres/pg.hpp"

namespace brisk::store::postgres::testing {

// The cluster's URL (its `postgres` database), or "" with `why` set.
inline std::string cluster_url(std::string& why) {
  const char* file = std::getenv("BRISK_TEST_PG_FILE");
  if (!file || !*file) {
    why = "BRISK_TEST_PG_FILE is not set (ctest sets it: the fixture `pg` starts PostgreSQL)";
    return {};
  }
  std::ifstream in(file);
  std::string url;
  std::getline(in, url);
  if (url.empty()) why = std::string("no PostgreSQL URL in ") + file;
  return url;
}

// A URL of `base` (…/postgres) with another database name.
inline std::string with_database(const std::string& base, const std::string& name) {
  return base.substr(0, base.rfind('/') + 1) + name;
}

// Creates an empty database and returns its URL, or "" with `why` set.
inline std::string new_database(std::string& why) {
  std::string base = cluster_url(why);
  if (base.empty()) return {};
  static std::atomic<int> counter{0};
  const std::string name = "gtest_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  Conn c = connect(base, why);
  if (!c) return {};
  Result r(PQexec(c.get(), ("CREATE DATABASE " + name).c_str()));
  if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
    why = "CREATE DATABASE failed: " + message(c.get());
    return {};
  }
  return with_database(base, name);
}

}  // namespace brisk::store::postgres::testing
