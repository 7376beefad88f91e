// Per-thread cache of whole GET /tasks answers, keyed by owner and the raw
// query string. An entry is served only while the store's task generation
// is the one read before the answer was built, so no list outlives a write
// that could change it (the writer bumps the generation after COMMIT and
// before any completion). Per thread: no locks; bounded by bytes.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/store.hpp"

namespace brisk::tasks {

class ListCache {
 public:
  // The cached body for (owner, query) if still valid for `generation`.
  const std::string* find(store::Owner owner, std::string_view query, std::uint64_t generation);
  void put(store::Owner owner, std::string_view query, std::uint64_t generation,
           std::string_view body);

  static ListCache& for_this_thread();

 private:
  struct Entry {
    std::uint64_t generation;
    std::string body;
  };
  static constexpr std::size_t kMaxBytes = 2 * 1024 * 1024;
  std::string key_;  // reused lookup key
  std::unordered_map<std::string, Entry> entries_;
  std::size_t bytes_ = 0;
  std::uint64_t generation_seen_ = 0;
};

}  // namespace brisk::tasks
