// brisk user list|create|disable|enable|delete|set-password: accounts on a
// stopped server's database (SQLite), or on a shared one (PostgreSQL).
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "cli/cli.hpp"
#include "ops/accounts.hpp"
#include "ops/open_store.hpp"
#include "util/time.hpp"

namespace brisk::cli {

namespace {

struct UserArgs {
  std::string db = "brisk.db";
  std::string username;
};

// A password: typed twice without echo on a terminal, else the first line
// of standard input (for scripts: `echo "$PW" | brisk user create alice`).
std::string read_password() {
  if (!::isatty(STDIN_FILENO)) {
    std::string line;
    std::getline(std::cin, line);
    return line;
  }
  termios old{};
  ::tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::string first, second;
  std::fprintf(stderr, "Password: ");
  std::getline(std::cin, first);
  std::fprintf(stderr, "\nPassword again: ");
  std::getline(std::cin, second);
  std::fprintf(stderr, "\n");
  ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
  if (first != second) throw std::runtime_error("the two passwords differ");
  return first;
}

int list(store::Store& st) {
  for (const store::UserRow& u : ops::list_users(st)) {
    char ts[24];
    util::format_rfc3339_ms(u.created_at, ts);
    std::printf("%-32s %s%s\n", u.username.c_str(), std::string(ts, 24).c_str(),
                u.disabled ? "  disabled" : "");
  }
  return 0;
}

int act(const std::string& action, const UserArgs& a) {
  const bool postgres = a.db.starts_with("postgres://") || a.db.starts_with("postgresql://");
  if (!postgres && ::access(a.db.c_str(), F_OK) != 0) {
    return fail("database '" + a.db + "' does not exist");
  }
  std::unique_ptr<store::Store> st = ops::open_store({.target = a.db});
  if (action == "list") return list(*st);
  if (a.username.empty()) return fail("brisk user " + action + " needs a USERNAME");
  if (action == "create") {
    ops::create_user(*st, a.username, read_password());
    std::printf("user '%s' created\n", a.username.c_str());
  } else if (action == "set-password") {
    ops::set_password(*st, a.username, read_password());
    std::printf("password of '%s' changed\n", a.username.c_str());
  } else if (action == "disable" || action == "enable") {
    ops::set_disabled(*st, a.username, action == "disable");
    std::printf("user '%s' %sd: %s\n", a.username.c_str(), action.c_str(),
                action == "disable" ? "cannot log in; tokens stop working within 30 s"
                                    : "can log in again");
  } else {
    const std::size_t n = ops::delete_user(*st, a.username);
    std::printf("user '%s' deleted with %zu task(s)\n", a.username.c_str(), n);
  }
  st->stop();
  return 0;
}

}  // namespace

Command add_user(CLI::App& app) {
  auto a = std::make_shared<UserArgs>();
  auto action = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "user", "Accounts: list | create | disable | enable | delete | set-password USERNAME");
  cmd->add_option("action", *action, "list, create, disable, enable, delete or set-password")
      ->required()
      ->check(CLI::IsMember({"list", "create", "disable", "enable", "delete", "set-password"}));
  cmd->add_option("username", a->username, "The account (all but list)");
  cmd->add_option("--db", a->db, "SQLite file path or postgres:// URL")
      ->envname("BRISK_DB")
      ->capture_default_str();
  return {cmd, [a, action] {
            try {
              return act(*action, *a);
            } catch (const std::exception& e) {
              return fail(e.what());
            }
          }};
}

}  // namespace brisk::cli
