#include "tasks/list_cache.hpp"

namespace brisk::tasks {

ListCache& ListCache::for_this_thread() {
  thread_local ListCache cache;
  return cache;
}

const std::string* ListCache::find(store::Owner owner, std::string_view query,
                                   std::uint64_t generation) {
  if (generation != generation_seen_) {
    // Everything cached is older than the last write: drop it all at once.
    entries_.clear();
    bytes_ = 0;
    generation_seen_ = generation;
    return nullptr;
  }
  key_.clear();
  key_.append(reinterpret_cast<const char*>(&owner), sizeof owner).append(query);
  auto it = entries_.find(key_);
  if (it == entries_.end() || it->second.generation != generation) return nullptr;
  return &it->second.body;
}

void ListCache::put(store::Owner owner, std::string_view query, std::uint64_t generation,
                    std::string_view body) {
  if (generation != generation_seen_ || body.size() > kMaxBytes / 4) return;
  if (bytes_ + body.size() > kMaxBytes) {
    entries_.clear();
    bytes_ = 0;
  }
  std::string key;
  key.append(reinterpret_cast<const char*>(&owner), sizeof owner).append(query);
  auto [it, inserted] = entries_.try_emplace(std::move(key), Entry{generation, std::string(body)});
  if (inserted) bytes_ += body.size() + it->first.size();
}

}  // namespace brisk::tasks
