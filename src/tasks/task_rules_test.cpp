// The task rules that used to live in the store's writer: what a new task
// is, what an update does, and the rows and commands handed to the store.
#include "tasks/task_rules.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "util/time.hpp"

namespace brisk::tasks {
namespace {

constexpr api::FieldMask bit(unsigned f) {
  return api::FieldMask{1} << f;
}

bool is_uuid_v7(const util::Uuid& id) {
  return (id.bytes[6] >> 4) == 7 && (id.bytes[8] & 0xC0) == 0x80;
}

Task stored(const store::TaskRow& r) {
  Task t;
  EXPECT_TRUE(parse_stored(r.body, t)) << r.body;
  return t;
}

Task fields(std::string title) {
  Task t;
  t.title = std::move(title);
  return t;
}

TEST(NewTask, AssignsIdVersionAndTimesAndServesTheRow) {
  Task f = fields("Write the report");
  f.description = "desc";
  f.priority = 3;
  f.due_at = 1795339800123;
  f.tags = {"work", "home"};
  const std::int64_t now = util::now_unix_ms();
  store::TaskRow r = new_task(7, std::move(f), now);
  EXPECT_TRUE(is_uuid_v7(r.id));
  std::int64_t id_ms = 0;
  for (int i = 0; i < 6; ++i) id_ms = id_ms << 8 | r.id.bytes[i];
  EXPECT_EQ(id_ms, now);
  EXPECT_EQ(r.owner, 7);
  EXPECT_EQ(r.version, 1);
  EXPECT_EQ(r.created_at, now);
  EXPECT_EQ(r.updated_at, now);
  EXPECT_EQ(r.title, "Write the report");
  EXPECT_EQ(r.description, "desc");
  EXPECT_EQ(r.priority, 3);
  EXPECT_EQ(r.due_at, 1795339800123);
  EXPECT_EQ(r.tags, (std::vector<std::string>{"work", "home"}));
  // The body is the served JSON of exactly these values.
  Task t = stored(r);
  EXPECT_EQ(t.id, r.id);
  EXPECT_EQ(t.title, r.title);
  EXPECT_EQ(t.version, 1);
  EXPECT_EQ(t.created_at, now);
  EXPECT_EQ(r.body, serialize(t));
}

TEST(NewTask, IdsOfOneThreadIncrease) {
  util::Uuid prev;
  for (int i = 0; i < 5; ++i) {
    store::TaskRow r = new_task(0, fields("t"), 1'700'000'000'000);
    EXPECT_GT(r.id, prev);
    prev = r.id;
  }
}

TEST(UpdateTask, ChangesOnlyMaskedFieldsAndBumpsVersion) {
  Task f = fields("original");
  f.description = "keep me";
  f.tags = {"a"};
  store::TaskRow created = new_task(3, std::move(f), 1'000);
  Task patch;
  patch.title = "not applied";
  patch.description = "not applied";
  patch.status = static_cast<std::int64_t>(Status::kDone);
  patch.priority = 5;
  patch.version = 99;  // read-only: never applied, even if masked
  store::UpdateTask u =
      update_task(3, stored(created), patch, bit(kStatus) | bit(kPriority) | bit(kVersion), 2'000);
  EXPECT_EQ(u.expected_version, 1);
  EXPECT_EQ(u.before.title, "original");
  EXPECT_EQ(u.before.description, "keep me");
  EXPECT_EQ(u.before.tags, std::vector<std::string>{"a"});
  const store::TaskRow& r = u.row;
  EXPECT_EQ(r.id, created.id);
  EXPECT_EQ(r.owner, 3);
  EXPECT_EQ(r.title, "original");
  EXPECT_EQ(r.description, "keep me");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.priority, 5);
  EXPECT_EQ(r.version, 2);
  EXPECT_EQ(r.created_at, 1'000);
  EXPECT_EQ(r.updated_at, 2'000);
  Task t = stored(r);
  EXPECT_EQ(t.version, 2);
  EXPECT_EQ(t.status, 2);
  EXPECT_EQ(t.updated_at, 2'000);
}

TEST(UpdateTask, AnUpdateThatChangesNoValueStillBumpsTheVersion) {
  store::TaskRow created = new_task(0, fields("same"), 1'000);
  Task patch;
  patch.priority = 1;  // the value it has
  store::UpdateTask u = update_task(0, stored(created), patch, bit(kPriority), 1'500);
  EXPECT_EQ(u.row.version, 2);
}

TEST(UpdateTask, UpdatedAtNeverGoesBack) {
  store::TaskRow created = new_task(0, fields("clock"), 5'000);
  Task patch;
  patch.title = "earlier clock";
  store::UpdateTask u = update_task(0, stored(created), patch, bit(kTitle), 4'000);
  EXPECT_EQ(u.row.updated_at, 5'000);
}

TEST(UpdateTask, MaskedNullClearsDueAt) {
  Task f = fields("due");
  f.due_at = 1795339800123;
  store::TaskRow created = new_task(0, std::move(f), 1'000);
  Task patch;  // due_at is null
  store::UpdateTask u = update_task(0, stored(created), patch, bit(kDueAt), 2'000);
  EXPECT_FALSE(u.row.due_at.has_value());
  EXPECT_NE(u.row.body.find("\"due_at\":null"), std::string::npos) << u.row.body;
}

TEST(DeleteTask, NamesTheVersionAndTheIndexedText) {
  Task f = fields("doomed");
  f.tags = {"x", "y"};
  store::TaskRow created = new_task(4, std::move(f), 1'000);
  store::DeleteTask d = delete_task(4, stored(created));
  EXPECT_EQ(d.owner, 4);
  EXPECT_EQ(d.id, created.id);
  EXPECT_EQ(d.created_at, 1'000);
  EXPECT_EQ(d.expected_version, 1);
  EXPECT_EQ(d.before.title, "doomed");
  EXPECT_EQ(d.before.tags, (std::vector<std::string>{"x", "y"}));
}

TEST(ParseStored, RefusesWhatIsNotATask) {
  Task t;
  EXPECT_FALSE(parse_stored("not json", t));
  EXPECT_FALSE(parse_stored("[1]", t));
  EXPECT_FALSE(parse_stored(R"({"title": 5})", t));
}

}  // namespace
}  // namespace brisk::tasks
