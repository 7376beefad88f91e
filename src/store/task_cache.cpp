#include "store/task_cache.hpp"

namespace brisk::store {

namespace {
constexpr std::size_t kEntryOverhead = 96;  // node, key, strings: an estimate for the budget
}

bool TaskCache::get(const util::Uuid& id, std::int64_t& owner, std::int64_t& version,
                    std::string& json) {
  Shard& s = shard(id);
  std::lock_guard lock(s.mu);
  auto it = s.map.find(id);
  if (it == s.map.end()) return false;
  owner = it->second.owner;
  version = it->second.version;
  json.assign(it->second.json);
  return true;
}

std::uint64_t TaskCache::generation(const util::Uuid& id) {
  Shard& s = shard(id);
  std::lock_guard lock(s.mu);
  return s.generation;
}

void TaskCache::put(const util::Uuid& id, std::uint64_t generation, std::int64_t owner,
                    std::int64_t version, std::string_view json) {
  const std::size_t cost = json.size() + kEntryOverhead;
  if (cost > shard_budget_) return;
  Shard& s = shard(id);
  std::lock_guard lock(s.mu);
  if (s.generation != generation) return;  // a commit changed something since the read
  // Make room: evict whatever comes first (ids are random, so this is a
  // random eviction, good enough for a read cache).
  while (s.bytes + cost > shard_budget_ && !s.map.empty()) {
    auto victim = s.map.begin();
    s.bytes -= victim->second.json.size() + kEntryOverhead;
    s.map.erase(victim);
  }
  auto [it, inserted] = s.map.try_emplace(id, Entry{owner, version, std::string(json)});
  if (!inserted) {
    s.bytes -= it->second.json.size() + kEntryOverhead;
    it->second = Entry{owner, version, std::string(json)};
  }
  s.bytes += cost;
}

void TaskCache::invalidate(const util::Uuid& id) {
  Shard& s = shard(id);
  std::lock_guard lock(s.mu);
  ++s.generation;
  auto it = s.map.find(id);
  if (it == s.map.end()) return;
  s.bytes -= it->second.json.size() + kEntryOverhead;
  s.map.erase(it);
}

}  // namespace brisk::store
