// Relevance order at any size: tiers, then windows of the newest matches.
//
// Ranking every match costs in proportion to the matches (a word in 80% of a
// million tasks: 0.76 s). Instead:
//  - tier 0 holds the matches whose title matches every word, tier 1 the
//    others; tier 0 is served first, whatever the ranks;
//  - within a tier, the matches are taken newest first (seq, the order
//    tasks were stored in) in windows of kRelevanceWindow (1,000), and each
//    window is ranked on its own (brisk_rank, rank.hpp; ties by id, newest
//    first): the first page holds the best title matches among the 1,000
//    newest, and following pages go on through that window, then the next.
// A window costs about kRelevanceWindow candidates read from tasks_fts
// (whose prefix indexes give a short prefix's matches newest first without
// merging: migration 008), however many tasks match.
//
// A cursor names its window as a seq range [low, high), fixed when the
// window was formed: tasks added later (higher seq) or removed never shift a
// window, and a rank depends on the task's own text only, so within the
// range (rank, id) is a fixed order: following next_cursor serves every
// match once (a task whose text is edited meanwhile may move).
#include <algorithm>
#include <limits>

#include "store/sqlite/lister.hpp"

namespace brisk::store::sqlite {

namespace {

constexpr std::uint32_t kWindowKey = 0x40000000u;
constexpr std::uint32_t kBodyKey = 0x80000000u | 0xFE;

// Best first; equal ranks by id, newest first.
bool ranked_before(double rank_a, const util::Uuid& a, double rank_b, const util::Uuid& b) {
  return rank_a < rank_b || (rank_a == rank_b && b < a);
}

}  // namespace

ReadStatus Lister::scan_window(Run& run, const Shape& shape, int tier, std::int64_t below,
                               std::int64_t from, std::int64_t want) {
  Stmt& s = cache_.get(kWindowKey | shape.key(), [&] { return window_sql(shape); });
  StmtScope scope(s);
  ++stats_.driver[static_cast<std::size_t>(Driver::kSearch)];
  ++stats_.windows;
  bind(s, run.q, 0, want);
  s.bind(kParamSearch, std::string_view(tier_query_[tier]));
  s.bind(kParamSeqBelow, below).bind(kParamSeqFrom, from);
  int counted = sqlite3_stmt_status(s.get(), SQLITE_STMTSTATUS_VM_STEP, 0);
  for (;;) {
    const int rc = s.step();
    if (rc == SQLITE_DONE) return ReadStatus::kOk;
    if (rc != SQLITE_ROW || !ticks_left(s, counted)) return stopped();
    Hit h{s.real(2), {}, s.int64(0)};
    std::string_view id = s.blob(1);
    if (id.size() == 16) std::copy(id.begin(), id.end(), h.id.bytes.begin());
    hits_.push_back(h);
  }
}

ReadStatus Lister::serve_window(Run& run, const ListPosition* after, int tier, std::int64_t low,
                                std::int64_t high) {
  const ListSpec& q = run.q;
  std::sort(hits_.begin(), hits_.end(),
            [](const Hit& a, const Hit& b) { return ranked_before(a.rank, a.id, b.rank, b.id); });
  auto it = hits_.begin();
  if (after) {
    it = std::find_if(hits_.begin(), hits_.end(), [after](const Hit& h) {
      return ranked_before(after->rank, after->id, h.rank, h.id);
    });
  }
  Stmt& body =
      cache_.get(kBodyKey, [] { return std::string("SELECT body FROM tasks WHERE seq = ?1"); });
  for (; it != hits_.end(); ++it) {
    if (run.served == q.limit) {
      run.page.more = true;
      return ReadStatus::kOk;
    }
    StmtScope scope(body);
    body.bind(1, it->seq);
    const int rc = body.step();
    if (rc != SQLITE_ROW) return rc == SQLITE_DONE ? ReadStatus::kError : stopped();
    run.row(body.text(0));
    if (run.served == q.limit - 1) {
      ListPosition& last = run.page.last;
      last.rank = it->rank;
      last.id = it->id;
      last.tier = tier;
      last.window_low = low;
      last.window_high = high;
    }
    ++run.served;
  }
  return ReadStatus::kOk;
}

ReadStatus Lister::any_below(Run& run, const Shape& shape, int tier, std::int64_t below,
                             bool& more) {
  for (; tier < 2; ++tier) {
    hits_.clear();
    if (ReadStatus st = scan_window(run, shape, tier, below, 0, 1); st != ReadStatus::kOk) {
      return st;
    }
    if (!hits_.empty()) {
      more = true;
      return ReadStatus::kOk;
    }
    below = std::numeric_limits<std::int64_t>::max();  // tier 1 from its top
  }
  more = false;
  return ReadStatus::kOk;
}

ReadStatus Lister::relevance(Run& run) {
  const ListSpec& q = run.q;
  // The filters other than the search, checked per candidate.
  Shape shape = plan(q, false, 0, [](Probe, std::size_t) { return 0; }).shape;
  shape.after = false;  // positions are compared here, not in SQL
  for (int t = 0; t < 2; ++t) tier_query_[t] = tier_query(search_, t);
  // Every window of a tier lies below `top`: tasks stored after the first
  // page of tier 1 was formed are not in this walk of it.
  constexpr std::int64_t kTop = std::numeric_limits<std::int64_t>::max();
  int tier = q.has_after ? q.after.tier : 0;
  std::int64_t high = q.has_after ? q.after.window_high : kTop;
  std::int64_t low = q.has_after ? q.after.window_low : -1;  // -1: not formed yet
  const ListPosition* after = q.has_after ? &q.after : nullptr;
  for (;;) {
    hits_.clear();
    ReadStatus st = ReadStatus::kOk;
    if (low < 0) {
      st = scan_window(run, shape, tier, high, 0, kRelevanceWindow);
      // A full window reaches down to its last match; a short one to the end.
      low = static_cast<std::int64_t>(hits_.size()) == kRelevanceWindow ? hits_.back().seq : 0;
    } else {
      st = scan_window(run, shape, tier, high, low, std::numeric_limits<std::int64_t>::max());
    }
    if (st != ReadStatus::kOk) return st;
    // A window beginning at the top is named by where its matches begin,
    // so that its cursor range stays valid while tasks are added.
    if (high == kTop) high = hits_.empty() ? 1 : hits_.front().seq + 1;
    st = serve_window(run, after, tier, std::max<std::int64_t>(low, 0), high);
    if (st != ReadStatus::kOk || run.page.more) return st;
    after = nullptr;
    // The window is served to its end: next the window below it, or tier 1.
    if (low > 0) {
      high = low;
    } else if (tier == 0) {
      tier = 1;
      high = kTop;
    } else {
      return ReadStatus::kOk;
    }
    low = -1;
    if (run.served == q.limit) return any_below(run, shape, tier, high, run.page.more);
  }
}

}  // namespace brisk::store::sqlite
