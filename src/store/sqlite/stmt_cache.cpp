#include "store/sqlite/stmt_cache.hpp"

namespace brisk::store::sqlite {

Stmt& StmtCache::get(std::uint32_t key, const std::function<std::string()>& make_sql) {
  ++clock_;
  // A linear scan: the cache is small and a hit costs far less than the query.
  for (Entry& e : entries_) {
    if (e.key == key) {
      e.used = clock_;
      return e.stmt;
    }
  }
  Stmt s = db_.prepare(make_sql());
  ++prepared_;
  if (entries_.size() < capacity_) {
    entries_.push_back({key, clock_, std::move(s)});
    return entries_.back().stmt;
  }
  Entry* oldest = &entries_.front();
  for (Entry& e : entries_) {
    if (e.used < oldest->used) oldest = &e;
  }
  *oldest = Entry{key, clock_, std::move(s)};
  return oldest->stmt;
}

}  // namespace brisk::store::sqlite
