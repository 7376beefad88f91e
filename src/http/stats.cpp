#include "http/stats.hpp"

namespace brisk::http {

std::size_t status_slot(int status) {
  for (std::size_t i = 0; i + 1 < kStatusSlots.size(); ++i) {
    if (kStatusSlots[i] == status) return i;
  }
  return kStatusSlots.size() - 1;
}

void RouteStats::record(int status, std::chrono::nanoseconds took) {
  by_status[status_slot(status)].add();
  double s = std::chrono::duration<double>(took).count();
  std::size_t b = 0;
  while (b < kLatencyBounds.size() && s > kLatencyBounds[b]) ++b;
  latency[b].add();
  latency_sum_ns.add(static_cast<std::uint64_t>(took.count()));
}

}  // namespace brisk::http
