// A bounded cache of prepared statements keyed by a shape number, least
// recently used first out. One per read connection (not thread-safe).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "store/sqlite/db.hpp"

namespace brisk::store::sqlite {

class StmtCache {
 public:
  StmtCache(Db& db, std::size_t capacity) : db_(db), capacity_(capacity) {
    entries_.reserve(capacity);
  }
  // The statement for `key`, prepared from make_sql() on a miss (throws
  // like Db::prepare). Valid until the next call.
  Stmt& get(std::uint32_t key, const std::function<std::string()>& make_sql);
  Db& db() { return db_; }
  std::size_t size() const { return entries_.size(); }
  std::uint64_t prepared() const { return prepared_; }  // misses so far

 private:
  struct Entry {
    std::uint32_t key;
    std::uint64_t used;
    Stmt stmt;
  };
  Db& db_;
  std::size_t capacity_;
  std::uint64_t clock_ = 0;
  std::uint64_t prepared_ = 0;
  std::vector<Entry> entries_;
};

}  // namespace brisk::store::sqlite
