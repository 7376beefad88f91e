// brisk export / brisk import: every account and every task as JSON Lines,
// on any store backend. One object per line:
//   {"user": {"id", "username", "created_at", "password_hash", "disabled"}}
//   {"owner": "<username>" or null (--auth off), "task": <the API's task JSON>}
// Accounts come first. An import keeps ids, versions and times, skips what
// exists already (it can run again), and maps owners by username.
#pragma once
#include <cstdint>
#include <functional>
#include <istream>
#include <ostream>

#include "store/store.hpp"

namespace brisk::ops {

struct TransferCounts {
  std::uint64_t users = 0, tasks = 0;  // written, or (import) added
  std::uint64_t skipped = 0;           // import: already there
};

// Called now and then with the counts so far (a progress display).
using Progress = std::function<void(const TransferCounts&)>;

TransferCounts export_jsonl(store::Store& st, std::ostream& out, const Progress& progress);
// Throws std::runtime_error naming the line of the first malformed record.
TransferCounts import_jsonl(store::Store& st, std::istream& in, const Progress& progress);

}  // namespace brisk::ops
