// brisk migrate | check | backup | restore | export | import: the database
// as a whole, for operators.
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "cli/cli.hpp"
#include "ops/admin_socket.hpp"
#include "ops/open_store.hpp"
#include "ops/restore.hpp"
#include "ops/transfer.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace brisk::cli {

namespace {

bool is_postgres(const std::string& t) {
  return t.starts_with("postgres://") || t.starts_with("postgresql://");
}

std::string absolute(const std::string& path) {
  char buf[PATH_MAX];
  if (!path.empty() && path[0] == '/') return path;
  if (!::getcwd(buf, sizeof buf)) throw std::runtime_error("cannot read the working directory");
  return std::string(buf) + "/" + path;
}

// "exported 12,000 tasks" on a terminal, overwritten in place.
ops::Progress progress_bar(const char* verb) {
  if (!::isatty(STDERR_FILENO)) return {};
  return [verb](const ops::TransferCounts& c) {
    std::fprintf(stderr, "\r%s %llu user(s), %llu task(s)", verb,
                 static_cast<unsigned long long>(c.users),
                 static_cast<unsigned long long>(c.tasks));
  };
}

void end_progress() {
  if (::isatty(STDERR_FILENO)) std::fprintf(stderr, "\n");
}

int guarded(const std::function<int()>& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}

// A SQLite target these commands read must exist (a typo must not create
// an empty database and report nothing).
void require_existing(const std::string& db) {
  if (!is_postgres(db) && ::access(db.c_str(), F_OK) != 0) {
    throw std::runtime_error("database '" + db + "' does not exist");
  }
}

CLI::Option* add_db(CLI::App* cmd, std::string& db) {
  return cmd->add_option("--db", db, "SQLite file path or postgres:// URL")
      ->envname("BRISK_DB")
      ->capture_default_str();
}

}  // namespace

Command add_migrate(CLI::App& app) {
  auto db = std::make_shared<std::string>("brisk.db");
  CLI::App* cmd = app.add_subcommand("migrate", "Create or migrate the schema, then exit");
  add_db(cmd, *db);
  return {cmd, [db] {
            return guarded([&] {
              auto st = ops::open_store({.target = *db});
              std::printf("schema version %d\n", st->schema_version());
              st->stop();
              return 0;
            });
          }};
}

Command add_check(CLI::App& app) {
  auto db = std::make_shared<std::string>("brisk.db");
  CLI::App* cmd = app.add_subcommand(
      "check", "Check a database's schema version and integrity (exit 1 if damaged)");
  add_db(cmd, *db);
  return {cmd, [db] {
            return guarded([&] {
              require_existing(*db);
              std::unique_ptr<store::Store> st;
              try {
                st = ops::open_store({.target = *db, .migrate = false});
              } catch (const std::exception& e) {
                // Damage can stop the store from opening (a statement on a
                // broken table fails to prepare): then say what is damaged.
                if (is_postgres(*db)) throw;
                const std::string problems = store::sqlite::integrity_problems_of_file(*db);
                if (problems.empty()) throw;
                std::printf("integrity: DAMAGED\n%s(the store cannot open it: %s)\n",
                            problems.c_str(), e.what());
                return 1;
              }
              std::printf("schema version %d, as this brisk expects\n", st->schema_version());
              std::string problems = st->check_integrity();
              st->stop();
              if (problems.empty()) {
                std::printf("integrity: ok\n");
                return 0;
              }
              std::printf("integrity: DAMAGED\n%s", problems.c_str());
              return 1;
            });
          }};
}

Command add_backup(CLI::App& app) {
  auto db = std::make_shared<std::string>("brisk.db");
  auto out = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "backup", "Write a consistent copy of a SQLite database to a new file (also while served)");
  add_db(cmd, *db);
  cmd->add_option("out", *out, "The backup file to create")->required();
  return {cmd, [db, out] {
            return guarded([&] {
              const std::string target = absolute(*out);
              if (::access(target.c_str(), F_OK) == 0) {
                return fail("'" + *out + "' exists; choose a new file");
              }
              // A serving brisk holds the file: ask it through its socket.
              std::string reply =
                  ops::admin_request(ops::admin_socket_path(*db), "backup " + target);
              if (reply.empty()) {
                require_existing(*db);
                auto st = ops::open_store({.target = *db});
                st->backup_to(target);
                st->stop();
              } else if (reply != "ok") {
                return fail("the server refused: " + reply.substr(reply.find(' ') + 1));
              }
              std::printf("backup written to %s\n", target.c_str());
              return 0;
            });
          }};
}

Command add_restore(CLI::App& app) {
  auto db = std::make_shared<std::string>("brisk.db");
  auto from = std::make_shared<std::string>();
  CLI::App* cmd =
      app.add_subcommand("restore", "Replace a (stopped) SQLite database with a backup");
  add_db(cmd, *db);
  cmd->add_option("backup", *from, "The backup file")->required();
  return {cmd, [db, from] {
            return guarded([&] {
              ops::restore_sqlite(*from, *db);
              std::printf("restored %s from %s\n", db->c_str(), from->c_str());
              return 0;
            });
          }};
}

Command add_export(CLI::App& app) {
  auto db = std::make_shared<std::string>("brisk.db");
  auto out = std::make_shared<std::string>("-");
  CLI::App* cmd = app.add_subcommand(
      "export", "Every account and task as JSON Lines (to a file, or - for standard output)");
  add_db(cmd, *db);
  cmd->add_option("out", *out, "File to write, or - (default)");
  return {cmd, [db, out] {
            return guarded([&] {
              require_existing(*db);
              auto st = ops::open_store({.target = *db});
              std::ofstream file;
              if (*out != "-") {
                file.open(*out, std::ios::out | std::ios::trunc);
                if (!file) return fail("cannot write '" + *out + "'");
              }
              ops::TransferCounts c =
                  ops::export_jsonl(*st, *out == "-" ? std::cout : file, progress_bar("exported"));
              end_progress();
              st->stop();
              std::fprintf(stderr, "exported %llu user(s) and %llu task(s)\n",
                           static_cast<unsigned long long>(c.users),
                           static_cast<unsigned long long>(c.tasks));
              return 0;
            });
          }};
}

Command add_import(CLI::App& app) {
  auto db = std::make_shared<std::string>("brisk.db");
  auto in = std::make_shared<std::string>("-");
  CLI::App* cmd = app.add_subcommand(
      "import", "Read an export back (ids and versions kept; what exists is skipped)");
  add_db(cmd, *db);
  cmd->add_option("in", *in, "File to read, or - (default: standard input)");
  return {cmd, [db, in] {
            return guarded([&] {
              std::ifstream file;
              if (*in != "-") {
                file.open(*in);
                if (!file) return fail("cannot read '" + *in + "'");
              }
              auto st = ops::open_store({.target = *db});
              ops::TransferCounts c =
                  ops::import_jsonl(*st, *in == "-" ? std::cin : file, progress_bar("imported"));
              end_progress();
              st->stop();
              std::fprintf(stderr, "imported %llu user(s) and %llu task(s); %llu already there\n",
                           static_cast<unsigned long long>(c.users),
                           static_cast<unsigned long long>(c.tasks),
                           static_cast<unsigned long long>(c.skipped));
              return 0;
            });
          }};
}

}  // namespace brisk::cli
