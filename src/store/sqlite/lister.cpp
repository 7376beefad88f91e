#include "store/sqlite/lister.hpp"

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include <spdlog/spdlog.h>

#include "util/json_writer.hpp"

namespace brisk::store::sqlite {

namespace {

constexpr std::uint32_t kProbeKey = 0x80000000u;

// The title sort key, as the title_key column computes it (002_query.sql):
// ASCII letters lowered, everything else kept.
void title_key(std::string_view title, std::string& out) {
  out.assign(title);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
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

}  // namespace

struct Lister::Run {
  const ListQuery& q;
  const std::function<void(std::string_view)>& row;
  ListPage& page;
  int served = 0;
  bool probe_failed = false;
  // Memoized probe counts (-1: not yet): status, priority, due, search, then tags.
  std::int64_t memo[4] = {-1, -1, -1, -1};
  std::vector<std::int64_t> tag_memo;
};

bool Lister::bind(Stmt& s, const ListQuery& q, std::size_t tag, std::int64_t limit) {
  s.bind(kParamOwner, q.owner);
  std::int64_t picked[3];
  int n = 0;
  for (int st = 0; st < 3; ++st) {
    if (q.status_mask & (1u << st)) picked[n++] = st;
  }
  for (int i = 0; i < 3; ++i) s.bind(kParamStatus0 + i, n ? picked[i < n ? i : 0] : 0);
  s.bind(kParamPriorityMin, q.priority_min).bind(kParamPriorityMax, q.priority_max);
  s.bind(kParamDueAfter, q.due_after.value_or(std::numeric_limits<std::int64_t>::min()));
  s.bind(kParamDueBefore, q.due_before.value_or(std::numeric_limits<std::int64_t>::max()));
  if (!q.tags.empty()) {
    s.bind(kParamTagsJson, std::string_view(tags_json_));
    s.bind(kParamTagCount, static_cast<std::int64_t>(q.tags.size()));
    s.bind(kParamTag, std::string_view(q.tags[tag < q.tags.size() ? tag : 0]));
  }
  if (!q.search.empty()) s.bind(kParamSearch, std::string_view(q.search));
  s.bind(kParamLimit, limit);
  return true;
}

std::int64_t Lister::probe(const ListQuery& q, Probe p, std::size_t tag) {
  Stmt& s = cache_.get(kProbeKey | static_cast<std::uint32_t>(p), [p] { return probe_sql(p); });
  StmtScope scope(s);
  bind(s, q, tag, probe_cap(p));
  if (s.step() != SQLITE_ROW) return -1;
  return s.int64(0);
}

ReadStatus Lister::phase(Run& run, bool null_group) {
  const ListQuery& q = run.q;
  auto memo_probe = [&](Probe p, std::size_t tag) -> std::int64_t {
    std::int64_t* slot = p == Probe::kTag ? &run.tag_memo[tag] : &run.memo[static_cast<int>(p)];
    if (*slot < 0) {
      *slot = probe(q, p, tag);
      if (*slot < 0) {
        run.probe_failed = true;
        *slot = probe_cap(p);  // no preference; the failure is reported below
      }
    }
    return *slot;
  };
  const Plan pl = plan(q, null_group, memo_probe);
  if (run.probe_failed) return ReadStatus::kError;

  Stmt& s = cache_.get(pl.shape.key(), [&] { return list_sql(pl.shape); });
  StmtScope scope(s);
  bind(s, q, pl.tag, static_cast<std::int64_t>(q.limit) + 1 - run.served);
  if (pl.shape.after) {
    const ListPosition& a = q.after;
    if (!null_group) {
      switch (q.sort) {
        case SortKey::kTitle: s.bind(kParamAfterKey, std::string_view(a.text)); break;
        case SortKey::kRelevance: s.bind_double(kParamAfterKey, a.rank); break;
        default: s.bind(kParamAfterKey, a.num); break;
      }
    }
    s.bind_blob(kParamAfterId, a.id.bytes.data(), a.id.bytes.size());
  }

  for (;;) {
    int rc = s.step();
    if (rc == SQLITE_DONE) return ReadStatus::kOk;
    if (rc != SQLITE_ROW) return ReadStatus::kError;
    if (run.served == q.limit) {
      run.page.more = true;
      return ReadStatus::kOk;
    }
    run.row(s.text(0));
    if (run.served == q.limit - 1) {
      // The last row a full page serves: the position a cursor continues from.
      ListPosition& last = run.page.last;
      std::string_view id = s.blob(1);
      if (id.size() == 16) std::copy(id.begin(), id.end(), last.id.bytes.begin());
      last.null_key = null_group;
      switch (q.sort) {
        case SortKey::kTitle: title_key(s.text(2), last.text); break;
        case SortKey::kRelevance: last.rank = s.real(2); break;
        default: last.num = null_group ? 0 : s.int64(2); break;
      }
    }
    ++run.served;
  }
}

ReadStatus Lister::list(const ListQuery& q, const std::function<void(std::string_view)>& row,
                        ListPage& page) {
  page = ListPage{};
  if (q.limit < 1) return ReadStatus::kOk;
  if (!q.tags.empty()) {
    tags_json_.clear();
    util::JsonWriter w(tags_json_);
    w.StartArray();
    for (const std::string& t : q.tags) w.String(t);
    w.EndArray();
  }
  Run run{q, row, page, 0, false, {-1, -1, -1, -1}, {}};
  run.tag_memo.assign(q.tags.size(), -1);
  try {
    // A due_at sort serves the tasks with due_at, then those without.
    const bool two_phases = q.sort == SortKey::kDueAt && !q.due_filtered();
    ReadTxn txn(cache_.db(), two_phases);
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
