#include "cli/cli.hpp"

#include <cstdio>
#include <iostream>
#include <string_view>
#include <vector>

namespace brisk::cli {

namespace {

constexpr std::string_view kAbout =
    "brisk: the task-management REST API in one binary (SQLite embedded, PostgreSQL to scale "
    "out)";

// CLI11's messages, made brisk's: "--threads: ..." rather than CLI11's
// phrasing where it is unclear, arguments in the order given.
std::string describe(const CLI::ParseError& e, const CLI::App& app) {
  std::string msg = e.what();
  if (dynamic_cast<const CLI::ExtrasError*>(&e)) {
    std::vector<std::string> extras;
    for (const CLI::App* sub : app.get_subcommands()) {
      for (const std::string& r : sub->remaining()) extras.push_back(r);
    }
    for (const std::string& r : app.remaining()) extras.push_back(r);
    std::string list;
    for (const std::string& x : extras) list += (list.empty() ? "" : " ") + x;
    return "unexpected argument" + std::string(extras.size() > 1 ? "s" : "") + ": " + list;
  }
  return msg;
}

// The subcommand named `name`, or null (CLI11's own lookup throws).
CLI::App* find_command(CLI::App& app, std::string_view name) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == name) return sub;
  }
  return nullptr;
}

// The usage text of `app` itself (CLI11's help() would describe whichever
// subcommand was parsed).
std::string usage(CLI::App* app) {
  const std::string name = app->get_parent() ? "brisk " + app->get_name() : "brisk";
  return app->get_formatter()->make_help(app, name, CLI::AppFormatMode::Normal);
}

}  // namespace

int fail(const std::string& msg) {
  std::fprintf(stderr, "brisk: error: %s\n", msg.c_str());
  return 2;
}

CLI::Validator whole_number(long min, long max) {
  return CLI::Validator(
      [min, max](std::string& v) -> std::string {
        long n = 0;
        std::size_t used = 0;
        try {
          n = std::stol(v, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used == 0 || used != v.size() || n < min || n > max) {
          return "'" + v + "' is not a whole number from " + std::to_string(min) + " to " +
                 std::to_string(max);
        }
        return {};
      },
      "INT in [" + std::to_string(min) + " - " + std::to_string(max) + "]");
}

int run(int argc, char** argv) {
  CLI::App app{std::string(kAbout), "brisk"};
  app.set_version_flag("--version", std::string("brisk ") + BRISK_VERSION);
  app.require_subcommand(1);
  std::vector<Command> commands = {
      add_serve(app),  add_openapi(app), add_user(app),   add_migrate(app), add_check(app),
      add_backup(app), add_restore(app), add_export(app), add_import(app),  add_rotate_key(app)};
  CLI::App* version = app.add_subcommand("version", "Print the version");
  std::string help_topic;
  CLI::App* help = app.add_subcommand("help", "Print usage (of one command: brisk help COMMAND)");
  help->add_option("command", help_topic, "A command");

  // An unknown command is named as such (CLI11 would say a subcommand is
  // required, or that the word was not expected).
  if (argc < 2) return fail("a command is required; run 'brisk help' for the list of commands");
  if (argv[1][0] != '-' && !find_command(app, argv[1])) {
    return fail("unknown command '" + std::string(argv[1]) +
                "'; run 'brisk help' for the list of commands");
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    // --help: of the command it follows, or of brisk.
    const std::vector<CLI::App*> given = app.get_subcommands();
    std::cout << usage(given.empty() ? &app : given.front());
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return 0;
  } catch (const CLI::CallForVersion&) {
    std::cout << "brisk " << BRISK_VERSION << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    return fail(describe(e, app));
  }
  if (version->parsed()) {
    std::printf("brisk %s\n", BRISK_VERSION);
    return 0;
  }
  if (help->parsed()) {
    CLI::App* topic = help_topic.empty() ? &app : find_command(app, help_topic);
    if (!topic) return fail("unknown command '" + help_topic + "'");
    std::cout << usage(topic);
    return 0;
  }
  for (const Command& c : commands) {
    if (c.app->parsed()) return c.run();
  }
  return fail("a command is required; run 'brisk help'");
}

}  // namespace brisk::cli
