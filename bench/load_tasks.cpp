// brisk_bench_load DB N [SEED]: fills a new brisk database with N generated
// tasks in one transaction, for bench/scale.sh. Rows are written exactly as
// brisk writes them: the schema comes from brisk's own migrations, the body
// from tasks::serialize and the row from the store's insert (migration 002
// then builds the tag and text indexes). Only created_at/updated_at are spread over two years
// instead of "now", so that every sort order has realistic spread.
//
// Text: titles of 2..8 words and, for 60% of tasks, descriptions of 4..40
// words, drawn from a Zipf-distributed vocabulary (rank 1 is in most tasks,
// the tail in few); 2% of titles are Japanese, a few words are accented.
// "zeppelin" is in the titles of 20 tasks at every size (the rare search
// word), "quokka" in about 1 task in 10,000.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "ops/open_store.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/task_rows.hpp"
#include "store/store.hpp"
#include "tasks/task.hpp"
#include "tasks/task_rules.hpp"
#include "util/uuid.hpp"

namespace {

using namespace brisk;

constexpr const char* kWords[] = {
    "update",       "review",       "report",        "meeting",
    "team",         "project",      "draft",         "plan",
    "check",        "email",        "client",        "budget",
    "call",         "design",       "notes",         "schedule",
    "fix",          "doc",          "send",          "prepare",
    "weekly",       "data",         "sales",         "release",
    "test",         "order",        "invoice",       "follow",
    "up",           "with",         "for",           "the",
    "and",          "about",        "new",           "final",
    "quarterly",    "slides",       "deck",          "contract",
    "vendor",       "onboarding",   "hiring",        "interview",
    "feedback",     "roadmap",      "sprint",        "backlog",
    "bug",          "deploy",       "server",        "database",
    "migration",    "backup",       "security",      "audit",
    "policy",       "training",     "workshop",      "agenda",
    "minutes",      "summary",      "analysis",      "forecast",
    "expense",      "receipt",      "tax",           "payroll",
    "benefits",     "insurance",    "renewal",       "subscription",
    "license",      "account",      "password",      "laptop",
    "printer",      "office",       "supplies",      "groceries",
    "milk",         "bread",        "coffee",        "dentist",
    "doctor",       "appointment",  "pharmacy",      "gym",
    "run",          "yoga",         "birthday",      "gift",
    "party",        "dinner",       "lunch",         "reservation",
    "flight",       "hotel",        "trip",          "visa",
    "passport",     "packing",      "laundry",       "cleaning",
    "repair",       "plumber",      "garden",        "car",
    "oil",          "tires",        "insurance",     "bank",
    "transfer",     "loan",         "mortgage",      "rent",
    "utilities",    "internet",     "phone",         "bill",
    "refund",       "return",       "package",       "delivery",
    "pickup",       "school",       "homework",      "teacher",
    "parents",      "kids",         "soccer",        "practice",
    "piano",        "lesson",       "book",          "read",
    "article",      "blog",         "post",          "newsletter",
    "website",      "landing",      "page",          "copy",
    "campaign",     "marketing",    "social",        "media",
    "video",        "podcast",      "episode",       "recording",
    "edit",         "publish",      "launch",        "announcement",
    "press",        "partner",      "proposal",      "estimate",
    "quote",        "pricing",      "survey",        "customer",
    "support",      "ticket",       "escalation",    "incident",
    "postmortem",   "outage",       "monitoring",    "alert",
    "dashboard",    "metrics",      "kpi",           "okr",
    "goal",         "review",       "career",        "mentor",
    "one",          "on",           "retro",         "demo",
    "prototype",    "mockup",       "wireframe",     "research",
    "user",         "study",        "results",       "paper",
    "conference",   "talk",         "abstract",      "submission",
    "deadline",     "extension",    "approval",      "signature",
    "legal",        "compliance",   "gdpr",          "privacy",
    "café",         "résumé",       "naïve",         "façade",
    "coöperate",    "jalapeño",     "crème",         "brûlée",
    "señor",        "München",      "Zürich",        "São",
    "Paulo",        "Kraków",       "Åland",         "smörgåsbord",
    "piñata",       "architecture", "refactor",      "cleanup",
    "performance",  "latency",      "cache",         "index",
    "query",        "search",       "api",           "endpoint",
    "schema",       "frontend",     "backend",       "mobile",
    "android",      "ios",          "accessibility", "translation",
    "localization", "holiday",      "vacation",      "leave",
    "sick",         "volunteer",    "donation",      "charity",
    "church",       "neighbor",     "dog",           "vet",
    "cat",          "walk",
};

const char* const kTitlesJa[] = {"月次報告書を書く", "東京タワーの予約", "会議の議事録",
                                 "請求書を送る",     "プロジェクト計画", "週次レビュー",
                                 "顧客対応"};

constexpr const char* kTags[] = {
    "work",    "home",    "errands", "urgent",   "finance", "health",  "reading", "travel",
    "ops",     "q3",      "q4",      "family",   "kids",    "garden",  "car",     "admin",
    "hiring",  "design",  "backend", "frontend", "infra",   "sales",   "support", "legal",
    "someday", "waiting", "phone",   "computer", "ideas",   "learning"};

std::string capitalized(std::string w) {
  if (!w.empty() && w[0] >= 'a' && w[0] <= 'z') w[0] = static_cast<char>(w[0] - 32);
  return w;
}

struct Generator {
  std::mt19937_64 rng;
  std::discrete_distribution<int> word, tag;
  explicit Generator(std::uint64_t seed) : rng(seed) {
    std::vector<double> ww, tw;
    for (std::size_t r = 1; r <= std::size(kWords); ++r) ww.push_back(1.0 / static_cast<double>(r));
    for (std::size_t r = 1; r <= std::size(kTags); ++r) tw.push_back(1.0 / std::pow(r, 1.2));
    word = std::discrete_distribution<int>(ww.begin(), ww.end());
    tag = std::discrete_distribution<int>(tw.begin(), tw.end());
  }
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng); }
  std::string words(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) {
      if (i) s += ' ';
      s += kWords[word(rng)];
    }
    return s;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s DB N [SEED]\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const long n = std::atol(argv[2]);
  const std::uint64_t seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 42;

  // Schema 1 only: the rows are inserted before migration 002 exists, and
  // brisk itself then migrates the file, building every index and the
  // full-text index in bulk (much faster than row by row).
  store::sqlite::Db db;
  std::string err = db.open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (err.empty()) {
    err = db.exec(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; BEGIN");
  }
  if (err.empty()) err = db.exec(store::sqlite::kMigrations[0].sql);
  if (err.empty()) err = db.exec("PRAGMA user_version = 1");
  if (!err.empty()) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), err.c_str());
    return 1;
  }
  store::sqlite::Stmt insert = db.prepare(store::sqlite::insert_task_sql());

  Generator g(seed);
  util::Uuid7Generator ids;
  const std::int64_t start = 1735689600000;                // 2025-01-01T00:00:00Z
  const std::int64_t span = 2LL * 365 * 24 * 3600 * 1000;  // two years
  std::int64_t created = start;
  for (long i = 0; i < n; ++i) {
    tasks::Task t;
    created = std::max(created, start + span * i / std::max(n, 1L) + g.uniform(0, 999));
    t.created_at = created;
    t.id = ids.next(created);
    const bool updated = g.chance(0.4);
    t.updated_at = updated ? created + g.uniform(1, 30 * 24) * 3600000LL : created;
    t.version = updated ? g.uniform(2, 5) : 1;
    const int st = g.uniform(0, 99);
    t.status = st < 50 ? 0 : st < 65 ? 1 : 2;
    const int pr = g.uniform(0, 99);
    t.priority = pr < 30 ? 1 : pr < 55 ? 2 : pr < 80 ? 3 : pr < 92 ? 4 : 5;
    if (g.chance(0.4)) t.due_at = (created / 3600000 + g.uniform(24, 60 * 24)) * 3600000;
    if (g.chance(0.02)) {
      t.title = kTitlesJa[g.uniform(0, static_cast<int>(std::size(kTitlesJa)) - 1)];
    } else {
      t.title = capitalized(g.words(g.uniform(2, 8)));
    }
    if (i % std::max(n / 20, 1L) == 7) t.title += " zeppelin";
    if (g.chance(0.0001)) t.title += " quokka";
    if (g.chance(0.6)) t.description = g.words(g.uniform(4, 40));
    const int ntags = g.uniform(0, 3);
    for (int k = 0; k < ntags; ++k) {
      std::string tag = kTags[g.tag(g.rng)];
      bool dup = false;
      for (const std::string& x : t.tags) dup = dup || x == tag;
      if (!dup) t.tags.push_back(std::move(tag));
    }
    std::string body = tasks::serialize(t);
    if (!store::sqlite::insert_task_row(
            insert, tasks::to_row(store::kLocalOwner, std::move(t), std::move(body)))) {
      std::fprintf(stderr, "insert failed: %s\n", db.error().c_str());
      return 1;
    }
  }
  err = db.exec("COMMIT; PRAGMA journal_mode=WAL");
  if (!err.empty()) {
    std::fprintf(stderr, "commit failed: %s\n", err.c_str());
    return 1;
  }
  insert = {};
  db = {};
  // brisk's own migrations (002 on) index what was loaded, as on any upgrade.
  try {
    ops::open_store({path, 1})->stop();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cannot migrate %s: %s\n", path.c_str(), e.what());
    return 1;
  }
  // Start the benchmark from a checkpointed database with an empty WAL.
  if (db.open(path, SQLITE_OPEN_READWRITE, nullptr).empty()) {
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  return 0;
}
