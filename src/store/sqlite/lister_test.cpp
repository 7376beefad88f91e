// The lister against a reference: random queries over a database of tasks
// full of ties, each paged through to the end, compared with the order and
// filter semantics of API.md computed here from the rows written.
#include "store/sqlite/lister.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "store/search.hpp"
#include "store/sqlite/collation.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/sqlite/task_rows.hpp"
#include "store/sqlite/testing/task_file.hpp"
#include "store/store.hpp"
#include "store/tokenizer.hpp"
#include "util/json_writer.hpp"

namespace brisk::store::sqlite {
namespace {

constexpr const char* kWords[] = {"alpha", "Alpha", "ALPHA",  "beta",    "report", "reporting",
                                  "rep",   "draft", "review", "meeting", "budget", "bug",
                                  "café",  "zeta",  "A_b",    "a[b",     "東京",   "Zulu"};
constexpr const char* kTagPool[] = {"work", "Work", "home", "urgent", "x y", "été", "q3"};

// A body is the task's JSON as the API serves it, cut to what the store
// reads from it (brisk_match: description and tags) and the id the test
// reads back; the test keeps every row it wrote (all_) to compute the
// reference.
std::string body_of(const TaskRow& t) {
  char buf[36];
  util::format_uuid(t.id, buf);
  std::string out;
  util::JsonWriter w(out);
  w.StartObject();
  w.Key("id");
  w.String(std::string_view(buf, 36));
  w.Key("title");
  w.String(t.title);
  w.Key("description");
  w.String(t.description);
  w.Key("tags");
  w.StartArray();
  for (const std::string& tag : t.tags) {
    w.String(tag);
  }
  w.EndArray();
  w.EndObject();
  return out;
}

util::Uuid id_of(std::string_view body) {
  constexpr std::string_view kStart = "{\"id\":\"";
  util::Uuid id;
  EXPECT_TRUE(body.starts_with(kStart) && body.size() >= kStart.size() + 36) << body;
  EXPECT_TRUE(util::parse_uuid(body.substr(kStart.size(), 36), id)) << body;
  return id;
}

std::string lower_ascii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return s;
}

// Tokens of a text as far as the reference needs: ASCII letters and digits
// (lowered), 'é' folded to 'e', everything else separates.
std::vector<std::string> ascii_tokens(std::string text) {
  for (std::size_t at; (at = text.find("é")) != std::string::npos;) text.replace(at, 2, "e");
  std::vector<std::string> out;
  std::string cur;
  for (char c : text + " ") {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      cur += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    } else {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    }
  }
  return out;
}

class ListerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = task_file::temp_path("lister-test");
    std::mt19937_64 rng(7);
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    {
      // Rows written as the writer writes them, with few distinct keys: ties everywhere.
      ASSERT_EQ(
          task_file::write(path_, 400,
                           [&](int) {
                             TaskRow t;
                             for (auto& b : t.id.bytes) b = static_cast<std::uint8_t>(rng());
                             t.created_at = 1'700'000'000'000 + pick(60);
                             t.updated_at = t.created_at + pick(3) * 1000LL;
                             t.version = 1;
                             t.status = pick(3);
                             t.priority = 1 + pick(5);
                             if (pick(10) < 6)
                               t.due_at = 1'800'000'000'000 + pick(40) * 3'600'000LL;
                             t.title = kWords[pick(std::size(kWords))];
                             if (pick(2))
                               t.title += std::string(" ") + kWords[pick(std::size(kWords))];
                             for (int w = pick(5); w > 0; --w)
                               t.description += std::string(kWords[pick(std::size(kWords))]) + " ";
                             for (int k = pick(4); k > 0; --k) {
                               std::string tag = kTagPool[pick(std::size(kTagPool))];
                               if (std::find(t.tags.begin(), t.tags.end(), tag) == t.tags.end())
                                 t.tags.push_back(tag);
                             }
                             t.body = body_of(t);
                             all_.push_back(t);
                             return t;
                           }),
          "");
    }
    // Then changes through brisk's writer, which keeps the index rows in step.
    std::unique_ptr<Store> st = open_sqlite_store({path_, 1});
    auto run = [&](Command c) {
      std::promise<WriteResult> p;
      auto f = p.get_future();
      st->submit({std::move(c), [&p](WriteResult&& res) { p.set_value(std::move(res)); }});
      return f.get().status;
    };
    auto text = [](const TaskRow& t) { return IndexedText{t.title, t.description, t.tags}; };
    std::vector<TaskRow> kept;
    for (std::size_t i = 0; i < all_.size(); ++i) {
      TaskRow& t = all_[i];
      if (i % 9 == 0) {
        ASSERT_EQ(run(DeleteTask{t.owner, t.id, t.created_at, t.version, text(t)}),
                  WriteResult::Status::kOk);
        continue;
      }
      if (i % 7 == 4) {
        UpdateTask up{t, t.version, text(t)};
        up.row.title = std::string("review ") + kWords[i % std::size(kWords)];
        up.row.tags = {"work", "renamed"};
        up.row.status = 2;
        if (i % 2) up.row.due_at.reset();
        up.row.version = t.version + 1;
        up.row.body = body_of(up.row);
        t = up.row;
        ASSERT_EQ(run(std::move(up)), WriteResult::Status::kOk);
      }
      kept.push_back(t);
    }
    all_ = std::move(kept);
    st->stop();
  }
  static void TearDownTestSuite() { task_file::remove(path_); }

  void SetUp() override {
    ASSERT_EQ(task_file::open_reader(db_, path_), "");
    Stmt s = db_.prepare("SELECT count(*) FROM tasks");
    ASSERT_EQ(s.step(), SQLITE_ROW);
    ASSERT_EQ(static_cast<std::size_t>(s.int64(0)), all_.size());
    ASSERT_GT(all_.size(), 300u);
  }

  // The reference: which tasks match `q`, in the order of API.md.
  std::vector<TaskRow> reference(const ListSpec& q, const std::vector<std::string>& words) const {
    std::vector<TaskRow> out;
    for (const TaskRow& t : all_) {
      if (q.status_mask && !(q.status_mask & (1u << t.status))) continue;
      if (t.priority < q.priority_min.value_or(INT64_MIN) ||
          t.priority > q.priority_max.value_or(INT64_MAX)) {
        continue;
      }
      if (q.due_after && !(t.due_at && *t.due_at > *q.due_after)) continue;
      if (q.due_before && !(t.due_at && *t.due_at < *q.due_before)) continue;
      bool tags_ok = true;
      for (const std::string& tag : q.tags) {
        tags_ok &= std::find(t.tags.begin(), t.tags.end(), tag) != t.tags.end();
      }
      if (!tags_ok) continue;
      std::vector<std::string> toks = ascii_tokens(t.title + " " + t.description);
      for (const std::string& tag : t.tags) {
        for (const std::string& x : ascii_tokens(tag)) toks.push_back(x);
      }
      bool words_ok = true;
      for (const std::string& w : words) {
        bool any = false;
        for (const std::string& tok : toks) any |= tok.starts_with(w);
        words_ok &= any;
      }
      if (!words_ok) continue;
      out.push_back(t);
    }
    auto less = [&](const TaskRow& a, const TaskRow& b) {
      // Ascending by key, then id; due_at: tasks without one last.
      switch (q.sort) {
        case SortKey::kCreatedAt:
          if (a.created_at != b.created_at) return a.created_at < b.created_at;
          break;
        case SortKey::kUpdatedAt:
          if (a.updated_at != b.updated_at) return a.updated_at < b.updated_at;
          break;
        case SortKey::kPriority:
          if (a.priority != b.priority) return a.priority < b.priority;
          break;
        case SortKey::kTitle: {
          std::string ka = lower_ascii(a.title), kb = lower_ascii(b.title);
          if (ka != kb) return ka < kb;
          break;
        }
        case SortKey::kDueAt:
        case SortKey::kRelevance:
          break;
      }
      return a.id < b.id;
    };
    std::sort(out.begin(), out.end(), [&](const TaskRow& a, const TaskRow& b) {
      if (q.sort == SortKey::kDueAt) {
        if (a.due_at.has_value() != b.due_at.has_value()) return a.due_at.has_value();
        if (a.due_at && *a.due_at != *b.due_at) {
          return q.descending ? *a.due_at > *b.due_at : *a.due_at < *b.due_at;
        }
        return q.descending ? b.id < a.id : a.id < b.id;
      }
      return q.descending ? less(b, a) : less(a, b);
    });
    return out;
  }

  // Every task of `q`, page by page. Fails on a page longer than the limit,
  // a short page with more to come, or an end that is not flagged.
  std::vector<util::Uuid> walk(Lister& lister, ListSpec q) {
    std::vector<util::Uuid> ids;
    q.has_after = false;
    for (int pages = 0; pages < 2000; ++pages) {
      ListPage page;
      int n = 0;
      EXPECT_EQ(lister.list(
                    q,
                    [&](std::string_view json) {
                      ids.push_back(id_of(json));
                      ++n;
                    },
                    page),
                ReadStatus::kOk);
      EXPECT_LE(n, q.limit);
      if (!page.more) return ids;
      EXPECT_EQ(n, q.limit) << "a page with more to come must be full";
      EXPECT_EQ(page.last.id, ids.back());
      q.has_after = true;
      q.after = page.last;
    }
    ADD_FAILURE() << "pagination does not end";
    return ids;
  }

  static std::string path_;
  static std::vector<TaskRow> all_;  // every task stored, as stored
  Db db_;
};
std::string ListerTest::path_;
std::vector<TaskRow> ListerTest::all_;

TEST_F(ListerTest, RandomQueriesPageThroughTheReferenceOrder) {
  Lister lister(db_);
  // A budget so small that every filtered walk falls back to a filter's index.
  Lister hedging(db_, 8, 1);
  std::mt19937_64 rng(11);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const char* search_words[] = {"rep",     "report", "alpha", "caf",    "cafe", "b",     "zulu",
                                "nothing", "review", "work",  "urgent", "ete",  "budget"};
  for (int round = 0; round < 500; ++round) {
    ListSpec q;
    if (pick(3) == 0) q.status_mask = static_cast<unsigned>(1 + pick(7));
    if (pick(3) == 0) {
      q.priority_min = 1 + pick(5);
      q.priority_max = 1 + pick(5);
    }
    if (pick(4) == 0) q.due_after = 1'800'000'000'000 + pick(40) * 3'600'000LL;
    if (pick(4) == 0) q.due_before = 1'800'000'000'000 + pick(40) * 3'600'000LL;
    for (int k = pick(4) == 0 ? 1 + pick(2) : 0; k > 0; --k) {
      q.tags.push_back(pick(8) == 0 ? "absent" : kTagPool[pick(std::size(kTagPool))]);
    }
    std::sort(q.tags.begin(), q.tags.end());
    q.tags.erase(std::unique(q.tags.begin(), q.tags.end()), q.tags.end());
    std::vector<std::string> words;
    if (pick(4) == 0) {
      std::string text;
      for (int w = 1 + pick(2); w > 0; --w) {
        words.push_back(search_words[pick(std::size(search_words))]);
        text += words.back() + " ";
      }
      ASSERT_EQ(parse_search(text, q.search), SearchStatus::kOk);
    }
    q.sort = static_cast<SortKey>(pick(q.search.empty() ? 5 : 6));
    q.descending = pick(2);
    q.limit = pick(4) == 0 ? 1000 : 1 + pick(9);

    const std::vector<TaskRow> want = reference(q, words);
    std::vector<util::Uuid> want_ids;
    for (const TaskRow& t : want) want_ids.push_back(t.id);
    for (Lister* l : {&lister, &hedging}) {
      std::vector<util::Uuid> got = walk(*l, q);
      SCOPED_TRACE("round " + std::to_string(round) + " sort " + std::to_string(int(q.sort)) +
                   (q.descending ? " desc" : " asc") + " limit " + std::to_string(q.limit) +
                   " search " + search_text(q.search) + (l == &hedging ? " (hedging)" : ""));
      if (q.sort == SortKey::kRelevance) {
        // Relevance: no order to compare with, but every match exactly once.
        std::set<util::Uuid> unique(got.begin(), got.end());
        EXPECT_EQ(unique.size(), got.size()) << "a task served twice";
        std::sort(got.begin(), got.end());
        std::vector<util::Uuid> w = want_ids;
        std::sort(w.begin(), w.end());
        EXPECT_EQ(got, w);
      } else {
        EXPECT_EQ(got, want_ids);
      }
      if (HasFailure()) return;
    }
  }
  // The random queries reached every driver and the fallback.
  for (std::size_t d = 0; d < 6; ++d) {
    EXPECT_GT(lister.stats().driver[d] + hedging.stats().driver[d], 0u) << "driver " << d;
  }
  EXPECT_GT(hedging.stats().fallbacks, 20u);
  EXPECT_LE(lister.cache().size(), 48u);
}

TEST_F(ListerTest, TitlesCompareAsciiLettersCaseInsensitivelyOthersByCodePoint) {
  // "A_b" < "a[b"? '_' (0x5F) > '[' (0x5B): with letters folded to lower
  // case, "a_b" > "a[b". And 'é' (U+00E9) sorts after every ASCII letter.
  Lister lister(db_);
  ListSpec q;
  q.sort = SortKey::kTitle;
  q.descending = false;
  q.limit = 1000;
  std::vector<util::Uuid> got = walk(lister, q);
  std::vector<std::string> keys;
  for (const util::Uuid& id : got) {
    for (const TaskRow& t : all_) {
      if (t.id == id) keys.push_back(lower_ascii(t.title));
    }
  }
  ASSERT_EQ(keys.size(), all_.size());
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  auto first = [&](std::string_view prefix) {
    return std::find_if(keys.begin(), keys.end(),
                        [&](const std::string& k) { return k.starts_with(prefix); }) -
           keys.begin();
  };
  EXPECT_LT(first("a[b"), first("a_b"));
  EXPECT_LT(first("zulu"), first("東京"));
  EXPECT_LT(first("alpha"), first("beta"));
}

}  // namespace
}  // namespace brisk::store::sqlite
