// Power cuts, not only kill -9 (issue 15): the real store (group-commit
// writer, coalescing WAL layer, readers) runs over the power-cut VFS
// (testing/crash_vfs.hpp), which keeps what was not synced in a simulated
// page cache. Client threads create, update and delete tasks concurrently,
// so batches mix them; the power is cut just before a random write,
// truncate or sync, and what was not synced is lost or torn (whole sectors,
// or garbage). After the reboot the file must pass PRAGMA integrity_check,
// the store must open on it (WAL recovery, quick_check), and every
// acknowledged write must be there with its acknowledged content; a write
// whose answer never came may be there or not, but whole; nothing else.
//
// BRISK_POWER_CUT_ROUNDS sets the number of cuts (default 200: a few seconds
// in `make test`; docs/reliability.md gives a long run). Each run draws a
// seed (BRISK_POWER_CUT_SEED sets it) that fixes every round's cut point,
// tearing and client choices; a failure prints it. The threads' interleaving
// is not fixed by it, so a rerun explores the same cuts, not the same bytes.
#include <sqlite3.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/collation.hpp"
#include "store/sqlite/db.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/sqlite/testing/crash_vfs.hpp"
#include "store/sqlite_library.hpp"
#include "store/testing.hpp"

namespace brisk::store {
namespace {

namespace crash = sqlite::crash;
using Status = WriteResult::Status;

constexpr int kClients = 6;
constexpr int kOpsPerClient = 400;  // a client stops earlier, at its first failure
constexpr int kRoundsPerFile = 20;  // then a new file, so that rounds stay quick
// The cut comes before one of the first N writes, truncates and syncs (of
// any file). A commit is one or two of them (the coalescing WAL layer's
// write, the sync); a checkpoint (every 1000 WAL frames, about 40 commits
// here) a few hundred, one per page. Even rounds cut among the first 60,
// in group commits; odd rounds among the first 700, mostly in or after a
// checkpoint.
constexpr std::uint64_t kCommitCut = 60, kCheckpointCut = 700;

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

// What one task must look like after a cut: its acknowledged body (absent:
// nullopt), or, while a change of it got no answer, either that or the
// changed one (`doubted`; nullopt for a delete).
struct Expect {
  std::optional<std::string> acked;
  std::optional<TaskRow> row;  // the acknowledged row, to change it next
  bool in_doubt = false;
  std::optional<std::string> doubted;
  std::optional<TaskRow> doubted_row;
};

// One client's tasks, by id: only it changes them, so it knows their versions.
using Model = std::map<std::string, Expect>;

// Over the run: writes acknowledged, and writes sent that got no answer.
std::atomic<std::uint64_t> acknowledged{0}, unanswered{0};

// Runs changes until one is not acknowledged (the power is off) or `ops`
// are done.
void client(Store& s, Model& m, std::uint64_t seed, int ops) {
  std::mt19937_64 rng(seed);
  for (int i = 0; i < ops; ++i) {
    std::vector<std::string> live;
    for (auto& [k, e] : m) {
      if (e.acked) live.push_back(k);
    }
    Command cmd;
    std::string k;
    std::optional<TaskRow> after;
    if (live.size() < 8 || rng() % 10 < 4) {
      TaskRow r = testing::new_row("task " + std::to_string(rng() % 100000));
      r.description = std::string(rng() % 300, 'n');
      r.tags = {"t" + std::to_string(rng() % 5)};
      r.body = testing::body_of(r);
      k = testing::uuid_text(r.id);
      after = r;
      cmd = CreateTask{std::move(r), {}, {}};
    } else {
      k = live[rng() % live.size()];
      const TaskRow& before = *m[k].row;
      if (rng() % 10 < 7) {
        UpdateTask u = testing::update_of(before, [&](TaskRow& r) {
          r.title = "changed " + std::to_string(rng() % 100000);
          r.description = std::string(rng() % 2000, 'd');
          r.tags = {"t" + std::to_string(rng() % 5), "u" + std::to_string(rng() % 3)};
        });
        after = u.row;
        cmd = std::move(u);
      } else {
        cmd = testing::delete_of(before);
      }
    }
    const WriteResult r = testing::run(s, std::move(cmd));
    Expect& e = m[k];
    if (r.status == Status::kOk) {
      acknowledged.fetch_add(1, std::memory_order_relaxed);
      e.acked = after ? std::optional<std::string>(after->body) : std::nullopt;
      e.row = after;
      continue;
    }
    ASSERT_NE(r.status, Status::kVersionChanged) << "no other client changes this task";
    ASSERT_NE(r.status, Status::kNotFound) << "no other client deletes this task";
    unanswered.fetch_add(1, std::memory_order_relaxed);
    e.in_doubt = true;  // never acknowledged: may or may not have been kept
    e.doubted = after ? std::optional<std::string>(after->body) : std::nullopt;
    e.doubted_row = after;
    return;
  }
}

// One text per row of `sql` (";"-joined), on a connection of its own.
std::string query(const std::string& path, const char* sql) {
  sqlite::Db db;
  EXPECT_EQ(db.open(path, SQLITE_OPEN_READONLY, "unix-excl"), "");
  EXPECT_TRUE(sqlite::register_extensions(db.get()));  // the titles' collation, brisk's tokenizer
  sqlite::Stmt s = db.prepare(sql);
  std::string out;
  while (s.step() == SQLITE_ROW) out += std::string(s.text(0)) + ";";
  return out;
}

// After the reboot: every task of every client as expected, and no other
// task; the doubts of the round are settled by what the database holds.
void verify(Store& s, const std::string& path, std::vector<Model>& models) {
  std::size_t live = 0;
  for (Model& m : models) {
    for (auto& [k, e] : m) {
      util::Uuid id;
      ASSERT_TRUE(util::parse_uuid(k, id));
      const TaskRead t = testing::read_task(s.reader(0), kLocalOwner, id);
      ASSERT_TRUE(t.status == ReadStatus::kOk || t.status == ReadStatus::kNotFound)
          << "task " << k << ": read failed";
      std::optional<std::string> found;
      if (t.status == ReadStatus::kOk) found = t.json;
      const bool as_acked = found == e.acked;
      const bool as_doubted = e.in_doubt && found == e.doubted;
      ASSERT_TRUE(as_acked || as_doubted)
          << "task " << k << " holds " << found.value_or("nothing") << "; acknowledged "
          << e.acked.value_or("nothing")
          << (e.in_doubt ? "; unanswered change to " + e.doubted.value_or("nothing") : "");
      if (!as_acked) {
        e.acked = e.doubted;
        e.row = e.doubted_row;
      }
      e.in_doubt = false;
      e.doubted.reset();
      e.doubted_row.reset();
      if (e.acked) ++live;
    }
  }
  EXPECT_EQ(query(path, "SELECT count(*) FROM tasks"), std::to_string(live) + ";")
      << "tasks no client wrote, or that came back";
}

void remove_files(const std::string& path) {
  for (const char* sfx : {"", "-wal", "-shm"}) ::unlink((path + sfx).c_str());
}

// Removes the round's database when the test ends, passed or failed.
struct RemoveAtEnd {
  std::string path;
  ~RemoveAtEnd() {
    if (!path.empty()) remove_files(path);
  }
};

TEST(PowerLoss, AcknowledgedWritesSurviveEveryCut) {
  configure_sqlite_library();
  crash::register_vfs();
  const auto rounds = static_cast<int>(env_number("BRISK_POWER_CUT_ROUNDS", 200));
  const std::uint64_t seed = env_number("BRISK_POWER_CUT_SEED", std::random_device{}());
  std::mt19937_64 rng(seed);
  RemoveAtEnd files;
  std::string& path = files.path;
  std::vector<Model> models;
  int in_checkpoint = 0, after_checkpoint = 0;
  std::uint64_t ops = 0, lost = 0, kept = 0, torn = 0;
  const auto started = std::chrono::steady_clock::now();
  for (int round = 0; round < rounds; ++round) {
    SCOPED_TRACE("power cut round " + std::to_string(round) + " of the run with seed " +
                 std::to_string(seed) + " (rerun: BRISK_POWER_CUT_SEED=" + std::to_string(seed) +
                 " BRISK_POWER_CUT_ROUNDS=" + std::to_string(round + 1) + ")");
    if (round % kRoundsPerFile == 0) {
      if (!path.empty()) remove_files(path);
      path = ::testing::TempDir() + "/brisk-power-" + std::to_string(::getpid()) + "-" +
             std::to_string(round) + ".db";
      models.assign(kClients, Model{});
    }
    const auto tear = static_cast<crash::Tear>(round % 3);
    const std::uint64_t cut_at = 1 + rng() % (round % 2 ? kCheckpointCut : kCommitCut);
    const std::uint64_t tear_seed = rng();
    std::vector<std::uint64_t> client_seeds(kClients);
    for (auto& c : client_seeds) c = rng();
    {
      StoreOptions opts;
      opts.target = path;
      opts.readers = 1;
      sqlite::SqliteStore s(opts, crash::kVfsName);
      crash::arm(cut_at, tear, tear_seed);
      std::vector<std::thread> clients;
      for (int t = 0; t < kClients; ++t) {
        clients.emplace_back([&, t] { client(s, models[t], client_seeds[t], kOpsPerClient); });
      }
      for (std::thread& t : clients) t.join();
      crash::cut_now();  // if the clients finished first
      const crash::Counts c = crash::counts();
      ops += c.ops;
      lost += c.lost_sectors;
      kept += c.kept_sectors;
      torn += c.torn_sectors;
      in_checkpoint += c.cut_in_checkpoint;
      after_checkpoint += c.db_syncs > 0;
    }  // every connection closes with the power off
    if (HasFatalFailure()) return;
    crash::reboot();
    ASSERT_EQ(query(path, "PRAGMA integrity_check"), "ok;");
    StoreOptions opts;
    opts.target = path;
    sqlite::SqliteStore after(opts);  // recovers the WAL, runs quick_check
    verify(after, path, models);
    if (HasFailure()) return;
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  std::printf(
      "power cuts: %d rounds in %lld ms (seed %llu); %llu writes acknowledged (each task "
      "checked at its last), %llu "
      "unanswered; %d cuts mid-checkpoint, %d after one; %llu writes/truncates/syncs before "
      "the cuts; unsynced sectors: %llu lost, %llu kept, %llu garbled\n",
      rounds, static_cast<long long>(ms), static_cast<unsigned long long>(seed),
      static_cast<unsigned long long>(acknowledged.load()),
      static_cast<unsigned long long>(unanswered.load()), in_checkpoint, after_checkpoint,
      static_cast<unsigned long long>(ops), static_cast<unsigned long long>(lost),
      static_cast<unsigned long long>(kept), static_cast<unsigned long long>(torn));
}

}  // namespace
}  // namespace brisk::store
