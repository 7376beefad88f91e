// A bounded cache of each task's served JSON, shared by every reader thread.
// Valid only while this process is the database's single writer (SQLite with
// its exclusive lock): the writer invalidates changed ids after COMMIT and
// before any completion is posted, so no client that saw a write
// acknowledged can read the old value afterwards.
//
// Invariant: an entry is inserted only if its shard's generation is the one
// read before the database read that produced it; invalidation bumps the
// generation, so a read that raced with a commit can never re-insert stale
// data.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "util/uuid.hpp"

namespace brisk::store {

class TaskCache {
 public:
  explicit TaskCache(std::size_t max_bytes) : shard_budget_(max_bytes / kShards) {}

  // On a hit, copies the JSON into `json` and returns true.
  bool get(const util::Uuid& id, std::int64_t& owner, std::int64_t& version, std::string& json);
  // The generation to pass to put(); read it before the database read.
  std::uint64_t generation(const util::Uuid& id);
  void put(const util::Uuid& id, std::uint64_t generation, std::int64_t owner, std::int64_t version,
           std::string_view json);
  void invalidate(const util::Uuid& id);
  // Bumped after every commit that changed a task (lists depend on all).
  void bump_generation() { generation_.fetch_add(1, std::memory_order_release); }
  std::uint64_t task_generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  struct Entry {
    std::int64_t owner;
    std::int64_t version;
    std::string json;
  };
  struct Hash {
    // UUIDv7's last 8 bytes are random: a fine hash as they are.
    std::size_t operator()(const util::Uuid& u) const {
      std::size_t h;
      static_assert(sizeof h == 8);
      __builtin_memcpy(&h, u.bytes.data() + 8, 8);
      return h;
    }
  };
  struct Shard {
    std::mutex mu;
    std::uint64_t generation = 0;
    std::size_t bytes = 0;
    std::unordered_map<util::Uuid, Entry, Hash> map;
  };
  static constexpr std::size_t kShards = 64;
  Shard& shard(const util::Uuid& id) { return shards_[id.bytes[15] % kShards]; }
  std::size_t shard_budget_;
  std::atomic<std::uint64_t> generation_{0};
  std::array<Shard, kShards> shards_;
};

}  // namespace brisk::store
