#include "store/sqlite/lister.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <ctime>
#include <limits>
#include <stdexcept>
#include <vector>

#include <spdlog/spdlog.h>

#include "store/search.hpp"
#include "util/json_writer.hpp"

namespace brisk::store::sqlite {

namespace {

constexpr std::uint32_t kProbeKey = 0x80000000u;

// The title sort key: ASCII letters lowered, everything else kept. Compared
// with the brisk_title collation, it is equivalent to the title itself
// (collation.hpp); the cursor keeps this canonical form.
void title_key(std::string_view title, std::string& out) {
  out.assign(title);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
}

// Reads the position of the row `s` is on (columns: body, id, key).
void position_of(const Stmt& s, SortKey sort, bool null_group, ListPosition& out) {
  std::string_view id = s.blob(1);
  if (id.size() == 16) std::copy(id.begin(), id.end(), out.id.bytes.begin());
  out.null_key = null_group;
  switch (sort) {
    case SortKey::kTitle:
      title_key(s.text(2), out.text);
      break;
    case SortKey::kRelevance:
      out.rank = s.real(2);
      break;
    default:
      out.num = null_group ? 0 : s.int64(2);
      break;
  }
}

// Runs BEGIN now and COMMIT when destroyed: the phases of one page read
// one snapshot.
class ReadTxn {
 public:
  explicit ReadTxn(Db& db, bool on) : db_(on ? &db : nullptr) {
    if (db_) db_->exec("BEGIN");
  }
  ~ReadTxn() {
    if (db_) db_->exec("COMMIT");
  }
  ReadTxn(const ReadTxn&) = delete;
  ReadTxn& operator=(const ReadTxn&) = delete;

 private:
  Db* db_;
};

// SQLite VM steps between two calls of the progress handler.
constexpr int kTickSteps = 1000;

// This thread's CPU time, ns.
std::int64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

// Installs the progress handler for one list when it has a limit, and
// removes it when destroyed (before the read transaction ends: its COMMIT
// must not be interrupted).
class Lister::Ticker {
 public:
  Ticker(Lister& l, const ListLimits& limits) : l_(l) {
    l.limits_ = limits;
    l.hedge_ticks_ = -1;
    l.list_ticks_ = limits.max_steps > 0 ? limits.max_steps / kTickSteps : -1;
    l.stop_ = Stop::kNone;
    l.cpu_end_ns_ = limits.cpu.count() > 0 ? thread_cpu_ns() + limits.cpu.count() : 0;
    // A hedged walk needs the handler too: install it always (one pointer
    // store; it runs only on statements longer than kTickSteps).
    sqlite3_progress_handler(l.cache_.db().get(), kTickSteps, &Lister::tick, &l);
  }
  ~Ticker() {
    sqlite3_progress_handler(l_.cache_.db().get(), 0, nullptr, nullptr);
    l_.limits_ = {};
  }
  Ticker(const Ticker&) = delete;
  Ticker& operator=(const Ticker&) = delete;

 private:
  Lister& l_;
};

int Lister::tick(void* self) {
  Lister& l = *static_cast<Lister*>(self);
  if (l.hedge_ticks_ >= 0) {
    if (l.hedge_ticks_-- == 0) {
      l.stop_ = Stop::kHedge;
      return 1;
    }
    if (l.projected_over()) {
      ++l.stats_.projected;
      l.stop_ = Stop::kHedge;
      return 1;
    }
  }
  if (l.list_ticks_ >= 0 && l.list_ticks_-- == 0) {
    l.stop_ = Stop::kSteps;
    return 1;
  }
  if (l.limits_.cancel && l.limits_.cancel->load(std::memory_order_relaxed)) {
    l.stop_ = Stop::kCancelled;
    return 1;
  }
  if ((l.cpu_end_ns_ != 0 && thread_cpu_ns() >= l.cpu_end_ns_) ||
      (l.limits_.deadline != std::chrono::steady_clock::time_point{} &&
       std::chrono::steady_clock::now() >= l.limits_.deadline)) {
    l.stop_ = Stop::kDeadline;
    return 1;
  }
  return 0;
}

bool Lister::projected_over() const {
  const Projection& p = projection_;
  if (!p.on) return false;
  const std::int64_t spent = p.budget - hedge_ticks_;
  // Not before a few ticks (some 100 rows): the first rows are a sample.
  constexpr std::int64_t kSampleTicks = 3;
  const std::int64_t found = *p.served - p.served_from;
  // spent * need / (found + 1): the ticks the whole page would take. Over
  // twice the budget: hopeless (a share under about one in twenty); between,
  // the walk goes on to its budget.
  return spent >= kSampleTicks && spent * p.need > 2 * std::int64_t{p.budget} * (found + 1);
}

bool Lister::ticks_left(Stmt& s, int& counted) {
  const int now = sqlite3_stmt_status(s.get(), SQLITE_STMTSTATUS_VM_STEP, 0);
  for (; now - counted >= kTickSteps; counted += kTickSteps) {
    if (tick(this) != 0) return false;
  }
  return true;
}

ReadStatus Lister::stopped() const {
  switch (stop_) {
    case Stop::kSteps:
      return ReadStatus::kWouldBlock;
    case Stop::kDeadline:
      return ReadStatus::kTimeout;
    case Stop::kCancelled:
      return ReadStatus::kCancelled;
    default:
      return ReadStatus::kError;
  }
}

void Lister::bind(Stmt& s, const ListSpec& q, std::size_t tag, std::int64_t limit) {
  s.bind(kParamOwner, q.owner);
  std::int64_t picked[3];
  int n = 0;
  for (int st = 0; st < 3; ++st) {
    if (q.status_mask & (1u << st)) picked[n++] = st;
  }
  for (int i = 0; i < 3; ++i) s.bind(kParamStatus0 + i, n ? picked[i < n ? i : 0] : 0);
  s.bind(kParamPriorityMin, q.priority_min.value_or(INT64_MIN))
      .bind(kParamPriorityMax, q.priority_max.value_or(INT64_MAX));
  s.bind(kParamDueAfter, q.due_after.value_or(std::numeric_limits<std::int64_t>::min()));
  s.bind(kParamDueBefore, q.due_before.value_or(std::numeric_limits<std::int64_t>::max()));
  if (!q.tags.empty()) {
    s.bind(kParamTagsJson, std::string_view(tags_json_));
    s.bind(kParamTagCount, static_cast<std::int64_t>(q.tags.size()));
    s.bind(kParamTag, std::string_view(q.tags[tag < q.tags.size() ? tag : 0]));
  }
  if (!q.search.empty()) s.bind(kParamSearch, std::string_view(search_));
  s.bind(kParamLimit, limit);
}

std::int64_t Lister::probe(const ListSpec& q, Probe p, std::size_t tag, std::int64_t cap) {
  Stmt& s = cache_.get(kProbeKey | static_cast<std::uint32_t>(p), [p] { return probe_sql(p); });
  StmtScope scope(s);
  bind(s, q, tag, cap);
  if (p == Probe::kSearch) s.bind(kParamSearch, std::string_view(probe_search_));
  if (s.step() != SQLITE_ROW) return -1;
  return s.int64(0);
}

std::int64_t Lister::total_estimate() {
  // The largest seq: every task ever stored, all owners. An upper bound of
  // the owner's tasks, in O(log n).
  Stmt& s = cache_.get(kProbeKey | 0xFF, [] { return std::string("SELECT max(seq) FROM tasks"); });
  StmtScope scope(s);
  return s.step() == SQLITE_ROW ? s.int64(0) : 0;
}

ReadStatus Lister::phase(Run& run, bool null_group) {
  const ListSpec& q = run.q;
  // Two captures: small enough for std::function to hold without allocating.
  auto memo_probe = [this, &run](Probe p, std::size_t tag) -> std::int64_t {
    std::int64_t* slot =
        p == Probe::kTag ? &run.tag_memo.at(tag) : &run.memo.at(static_cast<std::size_t>(p));
    if (*slot < 0) {
      *slot = probe(run.q, p, tag, run.cap);
      if (*slot < 0) {
        run.probe_failed = true;
        *slot = run.cap;  // no preference; the failure is reported below
      }
    }
    return *slot;
  };
  const bool filtered = q.status_mask != 0 || q.priority_filtered() || q.due_filtered() ||
                        !q.tags.empty() || !q.search.empty();
  if (run.cap < 0 && filtered) run.cap = probe_cap(q.limit, total_estimate());
  const Plan pl = plan(q, null_group, run.cap, memo_probe);
  if (run.probe_failed) return stopped();
  if (spdlog::should_log(spdlog::level::trace)) {
    spdlog::trace("list plan: {} ({}), probe cap {}{}", driver_name(pl.shape.driver),
                  pl.shape.ordered() ? "in order" : "then sorted", run.cap,
                  pl.hedged ? ", hedged: the walk has a budget" : "");
  }

  const ListPosition* after = pl.shape.after ? &q.after : nullptr;
  const int served_before = run.served;
  bool interrupted = false;
  ReadStatus st = run_shape(run, pl.shape, pl.tag, after,
                            pl.hedged ? std::min(walk_budget_, pl.budget) : 0, interrupted);
  if (st != ReadStatus::kOk || !interrupted) return st;
  // The walk spent its budget: the best filter's index serves the rest of
  // the page, after the last row the walk served (or where the walk began).
  ++stats_.fallbacks;
  spdlog::debug("list walk over its budget: {} serves the rest of the page",
                driver_name(pl.fallback.driver));
  const ListPosition resume = run.current;
  if (run.served > served_before) after = &resume;
  const Shape rest = after_position(pl.fallback, q, after != nullptr);
  return run_shape(run, rest, pl.fallback_tag, after, 0, interrupted);
}

ReadStatus Lister::run_shape(Run& run, const Shape& shape, std::size_t tag,
                             const ListPosition* after, int budget, bool& interrupted) {
  const ListSpec& q = run.q;
  Stmt& s = cache_.get(shape.key(), [&] { return list_sql(shape); });
  StmtScope scope(s);
  ++stats_.driver[static_cast<std::size_t>(shape.driver)];
  bind(s, q, tag, static_cast<std::int64_t>(q.limit) + 1 - run.served);
  if (after) {
    if (!shape.null_group) {
      switch (q.sort) {
        case SortKey::kTitle:
          s.bind(kParamAfterKey, std::string_view(after->text));
          break;
        case SortKey::kRelevance:
          s.bind_double(kParamAfterKey, after->rank);
          break;
        default:
          s.bind(kParamAfterKey, after->num);
          break;
      }
    }
    s.bind_blob(kParamAfterId, after->id.bytes.data(), after->id.bytes.size());
  }
  // The walk's budget, in progress-handler ticks (as many whole ticks as
  // it holds, then the next one stops it); -1 again when this returns.
  hedge_ticks_ = budget > 0 ? budget / kTickSteps : -1;
  if (budget > 0 && shape.search_row) {
    projection_ = {true, hedge_ticks_, &run.served, run.served, q.limit + 1 - run.served};
  }
  struct EndHedge {
    Lister& l;
    ~EndHedge() {
      l.hedge_ticks_ = -1;
      l.projection_ = {};
    }
  } end_hedge{*this};

  for (;;) {
    int rc = s.step();
    if (rc == SQLITE_DONE) return ReadStatus::kOk;
    if (rc == SQLITE_INTERRUPT && stop_ == Stop::kHedge) {
      stop_ = Stop::kNone;
      interrupted = true;
      return ReadStatus::kOk;
    }
    if (rc != SQLITE_ROW) return stopped();
    if (run.served == q.limit) {
      run.page.more = true;
      return ReadStatus::kOk;
    }
    run.row(s.text(0));
    // The last row a full page serves is the position a cursor continues
    // from; a hedged walk keeps every row's, to resume after it.
    if (run.served == q.limit - 1) position_of(s, q.sort, shape.null_group, run.page.last);
    if (budget > 0) position_of(s, q.sort, shape.null_group, run.current);
    ++run.served;
  }
}

ReadStatus Lister::list(const ListSpec& q, const std::function<void(std::string_view)>& row,
                        ListPage& page, const ListLimits& limits) {
  page = ListPage{};
  if (q.limit < 1) return ReadStatus::kOk;
  if (!q.tags.empty()) {
    tags_json_.clear();
    util::JsonWriter w(tags_json_);
    w.StartArray();
    for (const std::string& t : q.tags) w.String(t);
    w.EndArray();
  }
  if (!q.search.empty()) {
    search_ = search_text(q.search);  // the terms' FTS5 query
    probe_search_ = probe_search_text(q.search);
  }
  Run run{q, row, page, 0, false, {}, -1, {-1, -1, -1, -1, -1}, {}};
  run.tag_memo.assign(q.tags.size(), -1);
  try {
    // A due_at sort serves the tasks with due_at, then those without.
    const bool two_phases = q.sort == SortKey::kDueAt && !q.due_filtered();
    const bool relevant = q.sort == SortKey::kRelevance && !q.search.empty();
    ReadTxn txn(cache_.db(), two_phases || relevant);
    Ticker ticker(*this, limits);
    if (relevant) return relevance(run);
    if (!(two_phases && q.has_after && q.after.null_key)) {
      if (ReadStatus st = phase(run, false); st != ReadStatus::kOk || page.more || !two_phases) {
        return st;
      }
    }
    return phase(run, true);
  } catch (const std::exception& e) {
    spdlog::error("list query failed: {}", e.what());
    return ReadStatus::kError;
  }
}

}  // namespace brisk::store::sqlite
