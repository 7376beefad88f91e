// Runs GET /tasks queries on one read connection: plans each phase
// (list_plan.hpp), binds the query's values, and streams the stored JSON of
// each row to the caller without copying it.
#pragma once
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "store/list_spec.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/list_plan.hpp"
#include "store/sqlite/stmt_cache.hpp"
#include "store/store.hpp"

namespace brisk::store::sqlite {

// What may stop a list before it is done (each absent by default). The
// statements are interrupted through SQLite's progress handler, which runs
// every kTickSteps VM steps: that is how often the clock and the flag are
// looked at.
struct ListLimits {
  // VM steps for the whole list (0: no limit); over it, the list answers
  // kWouldBlock: an event loop runs lists under this budget, and those over
  // it go to the costly-read pool.
  int max_steps = 0;
  // Over either: kTimeout. `cpu` is the time the list may spend working
  // on its thread (CLOCK_THREAD_CPUTIME_ID; 0: no limit), which a list
  // starved of a core by other work does not spend; `deadline` bounds the
  // wall time.
  std::chrono::nanoseconds cpu{0};
  std::chrono::steady_clock::time_point deadline{};
  // Set: kCancelled.
  const std::atomic<bool>* cancel = nullptr;
};

class Lister {
 public:
  // What ran so far (for tests and diagnostics).
  struct Stats {
    std::array<std::uint64_t, 6> driver{};  // statements run, by Driver
    std::uint64_t fallbacks = 0;            // hedged walks that spent their budget
    std::uint64_t windows = 0;              // relevance windows scanned
    std::uint64_t projected = 0;            // of the fallbacks: stopped early by projection
  };

  // Statements for at most `cache` shapes stay prepared; a hedged walk may
  // take `walk_budget` VM steps.
  explicit Lister(Db& db, std::size_t cache = 48, int walk_budget = kWalkBudgetSteps)
      : cache_(db, cache), walk_budget_(walk_budget) {}
  ReadStatus list(const ListSpec& q, const std::function<void(std::string_view)>& row,
                  ListPage& page, const ListLimits& limits = {});
  const StmtCache& cache() const { return cache_; }
  const Stats& stats() const { return stats_; }

 private:
  // The state of one list (lister.cpp).
  struct Run {
    const ListSpec& q;
    const std::function<void(std::string_view)>& row;
    ListPage& page;
    int served = 0;
    bool probe_failed = false;
    ListPosition current;   // the last row served by a hedged walk
    std::int64_t cap = -1;  // the probe cap (-1: not yet known)
    // Memoized probe counts by Probe (-1: not yet); tags have one per tag.
    std::array<std::int64_t, 5> memo{-1, -1, -1, -1, -1};
    std::vector<std::int64_t> tag_memo;
  };
  // A match of a relevance window (lister_relevance.cpp).
  struct Hit {
    double rank;
    util::Uuid id;
    std::int64_t seq;
  };
  void bind(Stmt& s, const ListSpec& q, std::size_t tag, std::int64_t limit);
  // Why the statement running was interrupted.
  enum class Stop : std::uint8_t { kNone, kHedge, kSteps, kDeadline, kCancelled };
  class Ticker;
  static int tick(void* self);
  // SQLite calls the progress handler only while a step runs long, so a
  // statement that returns its rows one by one, each in a few VM steps,
  // would escape the limits: its reader calls this after each row. Ticks
  // for the VM steps `s` ran since `counted` (updated); false when a limit
  // stopped the list (then stop_ says why).
  bool ticks_left(Stmt& s, int& counted);
  // True when a projecting walk should give way to its fallback now.
  bool projected_over() const;
  // The answer for a statement that failed: the limit that stopped it, or kError.
  ReadStatus stopped() const;
  std::int64_t probe(const ListSpec& q, Probe p, std::size_t tag, std::int64_t cap);
  std::int64_t total_estimate();
  ReadStatus phase(Run& run, bool null_group);
  // Runs one statement of the page. With a budget (VM steps), stops early
  // and sets `interrupted` when it is spent.
  ReadStatus run_shape(Run& run, const Shape& shape, std::size_t tag, const ListPosition* after,
                       int budget, bool& interrupted);
  // Relevance order, window by window (lister_relevance.cpp).
  ReadStatus relevance(Run& run);
  // Appends to hits_ the matches of `tier` with seq in [from, below),
  // newest first, at most `want`.
  ReadStatus scan_window(Run& run, const Shape& shape, int tier, std::int64_t below,
                         std::int64_t from, std::int64_t want);
  // Serves hits_ (sorted) after `after` (null: from the start) until the
  // page is full.
  ReadStatus serve_window(Run& run, const ListPosition* after, int tier, std::int64_t low,
                          std::int64_t high);
  // True when a match of `tier` (or of tier 1 after tier 0) lies below
  // `below`; in `more`.
  ReadStatus any_below(Run& run, const Shape& shape, int tier, std::int64_t below, bool& more);

  StmtCache cache_;
  int walk_budget_;
  Stats stats_;
  std::string tags_json_;      // the query's tags as a JSON array (kParamTagsJson)
  std::string search_;         // the query's FTS5 search text (kParamSearch)
  std::string probe_search_;   // what Probe::kSearch counts (probe_search_text)
  std::string tier_query_[2];  // relevance: each tier's FTS5 query (list_plan.hpp)
  std::vector<Hit> hits_;      // relevance: the window being served
  // The limits of the list running, in progress-handler ticks left (-1:
  // none): the hedged walk's, the whole list's; and why it stopped.
  ListLimits limits_;
  int hedge_ticks_ = -1;
  int list_ticks_ = -1;
  // A walk checking search text per row (Shape::search_row) also stops
  // when the rows it has served so far project past its budget: at the
  // share of matches seen, finding the rest of the page would cost more
  // ticks than the budget holds (then the set of every match is cheaper).
  struct Projection {
    bool on = false;
    int budget = 0;               // ticks the walk began with
    const int* served = nullptr;  // Run::served, read on each tick
    int served_from = 0, need = 0;
  } projection_;
  std::int64_t cpu_end_ns_ = 0;  // limits_.cpu as a thread CPU clock reading (0: none)
  Stop stop_ = Stop::kNone;
};

}  // namespace brisk::store::sqlite
