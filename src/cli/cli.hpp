// The command line (src/cli): subcommands, their options, and one way of
// failing. Every usage error is one line on stderr, "brisk: error: ...",
// and exit code 2; `brisk help [COMMAND]` and `--help` print usage, exit 0.
#pragma once
#include <string>

#include <CLI/CLI.hpp>

namespace brisk::cli {

// Runs the command line; returns the process's exit code.
int run(int argc, char** argv);

// Prints "brisk: error: <msg>" to stderr; returns 2 (the exit code of every
// refusal: a usage error, a configuration brisk cannot serve with).
int fail(const std::string& msg);

// A subcommand: added to the app, then run when it was the one given.
struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command add_serve(CLI::App& app);
Command add_openapi(CLI::App& app);
Command add_rotate_key(CLI::App& app);
Command add_user(CLI::App& app);     // users.cpp
Command add_migrate(CLI::App& app);  // data.cpp
Command add_check(CLI::App& app);
Command add_backup(CLI::App& app);
Command add_restore(CLI::App& app);
Command add_export(CLI::App& app);
Command add_import(CLI::App& app);

// A whole number from `min` to `max`, with a message that says so (CLI11's
// own says "not in range" for text).
CLI::Validator whole_number(long min, long max);

}  // namespace brisk::cli
