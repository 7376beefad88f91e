#include "ops/accounts.hpp"

#include <future>
#include <memory>
#include <stdexcept>

#include "auth/password.hpp"
#include "auth/user.hpp"
#include "tasks/task_rules.hpp"
#include "util/time.hpp"

namespace brisk::ops {

namespace {

using Status = store::WriteResult::Status;

store::UserRow find_user(store::Store& st, std::string_view username) {
  std::optional<store::UserRow> found;
  st.scan_users([&](const store::UserRow& u) {
    if (u.username == username) found = u;
  });
  if (!found) throw std::runtime_error("no user '" + std::string(username) + "'");
  return *found;
}

std::string hashed(std::string_view password) {
  std::string h = auth::hash_password(password);
  if (h.empty()) throw std::runtime_error("out of memory for password hashing");
  return h;
}

void expect_ok(const store::WriteResult& r, std::string_view what) {
  if (r.status != Status::kOk) throw std::runtime_error(std::string(what) + " failed");
}

}  // namespace

store::WriteResult run_command(store::Store& st, store::Command cmd) {
  auto p = std::make_shared<std::promise<store::WriteResult>>();
  auto f = p->get_future();
  st.submit({std::move(cmd), [p](store::WriteResult&& r) { p->set_value(std::move(r)); }});
  return f.get();
}

std::vector<store::WriteResult> run_commands(store::Store& st, std::vector<store::Command> cmds) {
  std::vector<std::future<store::WriteResult>> futures;
  futures.reserve(cmds.size());
  for (store::Command& c : cmds) {
    auto p = std::make_shared<std::promise<store::WriteResult>>();
    futures.push_back(p->get_future());
    st.enqueue({std::move(c), [p](store::WriteResult&& r) { p->set_value(std::move(r)); }});
  }
  st.flush();
  std::vector<store::WriteResult> results;
  results.reserve(futures.size());
  for (auto& f : futures) results.push_back(f.get());
  return results;
}

std::vector<store::UserRow> list_users(store::Store& st) {
  std::vector<store::UserRow> users;
  st.scan_users([&](const store::UserRow& u) { users.push_back(u); });
  return users;
}

store::UserRow create_user(store::Store& st, std::string_view username, std::string_view password) {
  if (std::string problems = auth::check_new_account(username, password); !problems.empty()) {
    problems.pop_back();  // the last newline
    throw std::runtime_error(problems);
  }
  store::CreateUser cmd;
  cmd.row.created_at = util::now_unix_ms();
  cmd.row.id = util::next_uuid7(cmd.row.created_at);
  cmd.row.username = username;
  cmd.row.password_hash = hashed(password);
  store::UserRow row = cmd.row;
  store::WriteResult r = run_command(st, std::move(cmd));
  if (r.status == Status::kConflict) {
    throw std::runtime_error("username '" + std::string(username) + "' is taken");
  }
  expect_ok(r, "creating the account");
  row.owner = r.owner;
  return row;
}

void set_password(store::Store& st, std::string_view username, std::string_view password) {
  if (std::string problems = auth::check_new_account(username, password); !problems.empty()) {
    problems.pop_back();
    throw std::runtime_error(problems);
  }
  store::UserRow u = find_user(st, username);
  expect_ok(run_command(st, store::UpdateUser{u.owner, hashed(password), std::nullopt}),
            "setting the password");
}

void set_disabled(store::Store& st, std::string_view username, bool disabled) {
  store::UserRow u = find_user(st, username);
  expect_ok(run_command(st, store::UpdateUser{u.owner, std::nullopt, disabled ? 1 : 0}),
            disabled ? "disabling the account" : "enabling the account");
}

std::size_t delete_user(store::Store& st, std::string_view username) {
  store::UserRow u = find_user(st, username);
  // Each task goes the way a DELETE goes: the task rules make the command
  // (the indexes need the text the task was indexed with).
  std::vector<store::DeleteTask> deletes;
  st.scan_tasks(u.owner, [&](store::Owner owner, std::string_view body) {
    tasks::Task t;
    if (!tasks::parse_stored(body, t)) throw std::runtime_error("a stored task is not readable");
    deletes.push_back(tasks::delete_task(owner, std::move(t)));
  });
  const std::size_t n = deletes.size();
  std::vector<store::Command> cmds(std::make_move_iterator(deletes.begin()),
                                   std::make_move_iterator(deletes.end()));
  for (const store::WriteResult& r : run_commands(st, std::move(cmds))) {
    if (r.status != Status::kOk && r.status != Status::kNotFound) {
      throw std::runtime_error("deleting the user's tasks failed");
    }
  }
  store::WriteResult r = run_command(st, store::DeleteUser{u.owner});
  if (r.status == Status::kConflict) {
    throw std::runtime_error("the user got new tasks meanwhile; run the command again");
  }
  expect_ok(r, "deleting the account");
  return n;
}

}  // namespace brisk::ops
