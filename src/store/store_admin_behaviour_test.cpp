// The account administration and import commands (brisk user ..., brisk
// import) and the blocking scans, on every backend (StoreBehaviour is
// instantiated per backend beside each one).
#include <gtest/gtest.h>

#include <vector>

#include "store/store_behaviour.hpp"
#include "store/testing.hpp"
#include "util/time.hpp"

namespace brisk::store {
namespace {

using Status = WriteResult::Status;
using testing::body_of;
using testing::run;
using testing::StoreBehaviour;

std::vector<UserRow> users(Store& s) {
  std::vector<UserRow> out;
  s.scan_users([&](const UserRow& u) { out.push_back(u); });
  return out;
}

Owner create_user(Store& s, const std::string& name) {
  CreateUser c;
  c.row.created_at = util::now_unix_ms();
  c.row.id = util::next_uuid7(c.row.created_at);
  c.row.username = name;
  c.row.password_hash = "hash-of-" + name;
  WriteResult r = run(s, std::move(c));
  EXPECT_EQ(r.status, Status::kOk);
  return r.owner;
}

TEST_P(StoreBehaviour, ImportKeepsTheRowAndRefusesAnExistingId) {
  TaskRow t = testing::new_row("imported", kLocalOwner, util::now_unix_ms() - 5000);
  t.version = 7;
  t.updated_at = t.created_at + 1000;
  t.body = body_of(t);
  ASSERT_EQ(run(s(), ImportTask{t}).status, Status::kOk);
  TaskRow again = t;
  again.title = "changed";
  again.body = body_of(again);
  EXPECT_EQ(run(s(), ImportTask{again}).status, Status::kConflict) << "an import can run again";
  std::vector<std::string> bodies;
  s().scan_tasks(kLocalOwner, [&](Owner, std::string_view b) { bodies.emplace_back(b); });
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(bodies[0], t.body) << "stored as given, and not replaced";
}

TEST_P(StoreBehaviour, UpdateUserChangesOnlyTheFieldsGiven) {
  const Owner alice = create_user(s(), "alice");
  ASSERT_EQ(run(s(), UpdateUser{alice, std::nullopt, 1}).status, Status::kOk);
  std::vector<UserRow> u = users(s());
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0].disabled, 1);
  EXPECT_EQ(u[0].password_hash, "hash-of-alice");
  ASSERT_EQ(run(s(), UpdateUser{alice, "new-hash", std::nullopt}).status, Status::kOk);
  u = users(s());
  EXPECT_EQ(u[0].disabled, 1);
  EXPECT_EQ(u[0].password_hash, "new-hash");
  EXPECT_EQ(run(s(), UpdateUser{alice + 100, "x", 0}).status, Status::kNotFound);
}

TEST_P(StoreBehaviour, DeleteUserOnlyOnceTheirTasksAreGone) {
  const Owner bob = create_user(s(), "bob");
  create_user(s(), "carol");
  TaskRow t = testing::new_row("bob's", bob, util::now_unix_ms());
  ASSERT_EQ(run(s(), CreateTask{t, {}}).status, Status::kOk);
  EXPECT_EQ(run(s(), DeleteUser{bob}).status, Status::kConflict);
  ASSERT_EQ(run(s(), testing::delete_of(t)).status, Status::kOk);
  EXPECT_EQ(run(s(), DeleteUser{bob}).status, Status::kOk);
  EXPECT_EQ(run(s(), DeleteUser{bob}).status, Status::kNotFound);
  std::vector<UserRow> u = users(s());
  ASSERT_EQ(u.size(), 1u);
  EXPECT_EQ(u[0].username, "carol");
}

}  // namespace
}  // namespace brisk::store
