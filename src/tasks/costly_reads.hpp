// GET /tasks lists that the store runs off the event loops (store.hpp:
// kWouldBlock, then list_async): who waits for them, what they answer when
// refused or stopped, and how often that happened (for /metrics).
#pragma once
#include <atomic>
#include <cstdint>
#include <string>

#include "http/exchange.hpp"
#include "store/store.hpp"

namespace brisk::tasks {

struct CostlyReadCounters {
  std::atomic<std::uint64_t> timeouts{0};  // stopped at --query-timeout
  std::atomic<std::uint64_t> refused{0};   // the pool or the client's share was full
};

// The process's counters (one store per process).
CostlyReadCounters& costly_read_counters();

// The waiter of a deferred list on `ex`: the client is the user, or its
// address when authentication is off (every request is the one local
// user's); the cancel flag is set if the client goes away while it waits.
store::ReadWaiter waiter_for(http::Exchange& ex, store::Owner owner);

// The answer of a list the store refused (kBusy) or stopped (kTimeout):
// 503 with Retry-After. A timeout is logged with the query's shape (never
// its text) and counted.
void reply_costly_refused(http::Exchange& ex, store::ReadStatus st, const store::ListSpec& q);

// The query's shape, for the log: which filters, sort and limit; no value
// a user typed.
std::string list_shape(const store::ListSpec& q);

}  // namespace brisk::tasks
