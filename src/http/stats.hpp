// Per-worker request statistics for /metrics. Each counter has exactly one
// writer (its worker thread), so increments are a relaxed load and store:
// no lock prefix, no shared cache line between workers. Readers (the
// /metrics handler on any thread) sum the workers' relaxed loads.
#pragma once
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <vector>

namespace brisk::http {

struct Counter {
  std::atomic<std::uint64_t> v{0};
  void add(std::uint64_t n = 1) {
    v.store(v.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  std::uint64_t get() const { return v.load(std::memory_order_relaxed); }
};

// Status codes brisk answers; anything else is counted under the last slot.
inline constexpr std::array<int, 24> kStatusSlots = {100, 200, 201, 204, 304, 400, 401, 404,
                                                     405, 408, 409, 412, 413, 415, 422, 429,
                                                     431, 500, 501, 503, 505, 417, 411, 0};
std::size_t status_slot(int status);

// Latency histogram bounds, seconds.
inline constexpr std::array<double, 12> kLatencyBounds = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0};

struct RouteStats {
  std::array<Counter, kStatusSlots.size()> by_status;
  std::array<Counter, kLatencyBounds.size() + 1> latency;  // last: +Inf
  Counter latency_sum_ns;
  void record(int status, std::chrono::nanoseconds took);
};

struct WorkerStats {
  explicit WorkerStats(std::size_t routes) : routes(routes) {}
  std::vector<RouteStats> routes;       // indexed like Router::routes()
  std::array<RouteStats, 8> unmatched;  // by Method: 404, 405 and HTTP-level errors
  Counter connections_opened, connections_closed;
};

}  // namespace brisk::http
