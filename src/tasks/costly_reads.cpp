#include "tasks/costly_reads.hpp"

#include <memory>

#include <spdlog/spdlog.h>

#include "http/problem.hpp"

namespace brisk::tasks {

CostlyReadCounters& costly_read_counters() {
  static CostlyReadCounters counters;
  return counters;
}

store::ReadWaiter waiter_for(http::Exchange& ex, store::Owner owner) {
  auto cancel = std::make_shared<std::atomic<bool>>(false);
  ex.on_client_gone([cancel] { cancel->store(true, std::memory_order_relaxed); });
  std::string client = owner == store::kLocalOwner ? "a" + std::string(ex.request().peer)
                                                   : "u" + std::to_string(owner);
  return {std::move(client), std::move(cancel)};
}

std::string list_shape(const store::ListSpec& q) {
  static constexpr const char* kSorts[] = {"created_at", "updated_at", "priority",
                                           "due_at",     "title",      "relevance"};
  std::string s;
  if (!q.search.empty()) s += "search of " + std::to_string(q.search.words.size()) + " word(s), ";
  if (q.status_mask) s += "status filter, ";
  if (q.priority_filtered()) s += "priority range, ";
  if (q.due_filtered()) s += "due_at range, ";
  if (!q.tags.empty()) s += std::to_string(q.tags.size()) + " tag(s), ";
  s += "sort ";
  s += q.descending && q.sort != store::SortKey::kRelevance ? "-" : "";
  s += kSorts[static_cast<std::size_t>(q.sort)];
  s += ", limit " + std::to_string(q.limit);
  if (q.has_after) s += ", after a cursor";
  return s;
}

void reply_costly_refused(http::Exchange& ex, store::ReadStatus st, const store::ListSpec& q) {
  http::ResponseBuilder rb = ex.respond(503);
  if (st == store::ReadStatus::kTimeout) {
    costly_read_counters().timeouts.fetch_add(1, std::memory_order_relaxed);
    spdlog::warn("GET /tasks stopped at the query time budget (--query-timeout): {}",
                 list_shape(q));
    rb.header("Retry-After", std::int64_t{5});
    http::write_problem(rb,
                        "the query was too expensive: it was stopped at the server's time "
                        "budget. Narrow it: search for longer or rarer words, add a filter "
                        "(status, tag, priority, due date), or ask for a smaller limit");
    return;
  }
  costly_read_counters().refused.fetch_add(1, std::memory_order_relaxed);
  rb.header("Retry-After", std::int64_t{1});
  http::write_problem(rb,
                      "too many expensive queries (searches, large lists) are running; retry "
                      "shortly, or narrow the query");
}

}  // namespace brisk::tasks
