// Runs GET /tasks queries on one read connection: plans each phase
// (list_plan.hpp), binds the query's values, and streams the stored JSON of
// each row to the caller without copying it.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "store/list_spec.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/list_plan.hpp"
#include "store/sqlite/stmt_cache.hpp"
#include "store/store.hpp"

namespace brisk::store::sqlite {

class Lister {
 public:
  // What ran so far (for tests and diagnostics).
  struct Stats {
    std::array<std::uint64_t, 6> driver{};  // statements run, by Driver
    std::uint64_t fallbacks = 0;            // hedged walks that spent their budget
  };

  // Statements for at most `cache` shapes stay prepared; a hedged walk may
  // take `walk_budget` VM steps.
  explicit Lister(Db& db, std::size_t cache = 48, int walk_budget = kWalkBudgetSteps)
      : cache_(db, cache), walk_budget_(walk_budget) {}
  ReadStatus list(const ListSpec& q, const std::function<void(std::string_view)>& row,
                  ListPage& page);
  const StmtCache& cache() const { return cache_; }
  const Stats& stats() const { return stats_; }

 private:
  struct Run;
  void bind(Stmt& s, const ListSpec& q, std::size_t tag, std::int64_t limit);
  std::int64_t probe(const ListSpec& q, Probe p, std::size_t tag, std::int64_t cap);
  std::int64_t total_estimate();
  ReadStatus phase(Run& run, bool null_group);
  // Runs one statement of the page. With a budget (VM steps), stops early
  // and sets `interrupted` when it is spent.
  ReadStatus run_shape(Run& run, const Shape& shape, std::size_t tag, const ListPosition* after,
                       int budget, bool& interrupted);

  StmtCache cache_;
  int walk_budget_;
  Stats stats_;
  std::string tags_json_;
  std::string search_;  // the query's FTS5 search text (kParamSearch)  // the query's tags as a
                        // JSON array (kParamTagsJson)
};

}  // namespace brisk::store::sqlite
