// The command line: brisk serve | openapi | version | rotate-key.
#include <malloc.h>

#include <cstdio>
#include <iostream>
#include <thread>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "api/json_input.hpp"
#include "http/server.hpp"
#include "ops/app_routes.hpp"
#include "ops/config.hpp"
#include "ops/open_store.hpp"
#include "ops/sd_notify.hpp"
#include "store/store.hpp"
#include "tasks/task_rules.hpp"

namespace {

using brisk::ops::Config;

int fail(const std::string& msg) {
  std::fprintf(stderr, "brisk: error: %s\n", msg.c_str());
  return 2;
}

// Tells systemd (Type=notify) about a state change. Not fatal on failure:
// under systemd a missing READY=1 fails the start by its own timeout, and
// outside systemd NOTIFY_SOCKET is unset and this does nothing.
void tell_systemd(const std::string& state) {
  std::string error;
  if (brisk::ops::sd_notify(state, error) == brisk::ops::NotifyResult::kFailed) {
    spdlog::warn("systemd notification failed: {}", error);
  }
}

int serve(const Config& cfg) {
  auto log = spdlog::stderr_color_mt("brisk");
  spdlog::set_default_logger(log);
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));

  std::unique_ptr<brisk::store::Store> store;
  try {
    store = brisk::ops::open_store({.target = cfg.db,
                                    .readers = cfg.threads,
                                    .idempotency_ttl_ms = brisk::tasks::kIdempotencyTtlMs});
  } catch (const std::exception& e) {
    return fail(e.what());
  }

  const bool auth_required = cfg.auth == brisk::ops::AuthMode::kRequired;
  // Argon2id hashing runs off the event loops, on at most two threads.
  brisk::ops::AppRoutes app(*store, {auth_required, std::max(1u, std::min(cfg.threads, 2u))});
  try {
    app.prepare_document();
  } catch (const std::exception& e) {
    return fail(e.what());
  }

  brisk::http::ServerOptions so;
  so.host = cfg.host;
  so.port = cfg.port;
  so.threads = cfg.threads;
  so.rate_limit = cfg.rate_limit;
  so.limits.body_padding = brisk::api::kBodyPadding;
  brisk::http::Server server(so, app.router());
  server.on_drain = [&app] {
    app.health().set_draining();
    tell_systemd("STOPPING=1\nSTATUS=draining");
  };
  app.metrics().attach(server);
  try {
    server.listen();
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  const std::string url =
      "http://" + server.bound_host() + ":" + std::to_string(server.bound_port());
  std::printf("brisk listening on %s\n", url.c_str());
  std::fflush(stdout);
  // After the listening line: whoever waits for either sees the same order.
  tell_systemd("READY=1\nSTATUS=listening on " + url);
  spdlog::info("serving with {} thread(s), authentication {}, database {}", cfg.threads,
               auth_required ? "required" : "off (single user)", cfg.db);
  // Start-up is done: migrations, statement preparation and compressing the
  // OpenAPI document freed more than brisk keeps. Hand those pages back
  // rather than hold them for the life of the process.
  malloc_trim(0);
  server.run();
  store->stop();
  spdlog::info("stopped");
  return 0;
}

// What `brisk serve` reads as text before it is checked into a Config.
struct ServeArgs {
  std::string listen = "127.0.0.1:8000";
  std::string auth = "required";
  std::string rate;
};

void add_serve_command(CLI::App& app, Config& cfg, ServeArgs& args) {
  CLI::App* serve_cmd = app.add_subcommand("serve", "Serve the API");
  serve_cmd
      ->add_option("--listen", args.listen,
                   "Address to serve on, HOST:PORT or [V6]:PORT; port 0 picks one")
      ->envname("BRISK_LISTEN")
      ->capture_default_str();
  serve_cmd->add_option("--db", cfg.db, "SQLite file path or :memory:")
      ->envname("BRISK_DB")
      ->capture_default_str();
  serve_cmd->add_option("--auth", args.auth, "required or off (off: single user, no accounts)")
      ->envname("BRISK_AUTH")
      ->capture_default_str()
      ->check(CLI::IsMember({"required", "off"}));
  serve_cmd
      ->add_flag("--allow-open", cfg.allow_open,
                 "Allow serving without authentication on a non-loopback address")
      ->envname("BRISK_ALLOW_OPEN");
  serve_cmd->add_option("--threads", cfg.threads, "Event-loop threads")
      ->envname("BRISK_THREADS")
      ->capture_default_str()
      ->check(CLI::Range(1u, 256u));
  serve_cmd->add_option("--rate-limit", args.rate, "Per-client request rate, N/s (burst N)")
      ->envname("BRISK_RATE_LIMIT");
  serve_cmd
      ->add_option("--log-level", cfg.log_level, "trace, debug, info, warn, error, critical or off")
      ->envname("BRISK_LOG_LEVEL")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
}

// The checks of `brisk serve`'s options that CLI11 cannot make; then serves.
int checked_serve(Config& cfg, const ServeArgs& args) {
  std::string err;
  if (!brisk::ops::parse_listen(args.listen, cfg.host, cfg.port, err)) {
    return fail("--listen: " + err);
  }
  cfg.auth = args.auth == "off" ? brisk::ops::AuthMode::kOff : brisk::ops::AuthMode::kRequired;
  if (!args.rate.empty() && !brisk::ops::parse_rate_limit(args.rate, cfg.rate_limit)) {
    return fail("--rate-limit: expected N/s with N from 1 to 1000000, e.g. 100/s");
  }
  // Never serve without authentication beyond loopback unless the operator opts in.
  if (cfg.auth == brisk::ops::AuthMode::kOff && !brisk::ops::is_loopback(cfg.host) &&
      !cfg.allow_open) {
    return fail("refusing to serve with --auth off on " + cfg.host +
                ", which is not a loopback address: anyone who can reach it could read and change "
                "every task. Use --auth required, or pass --allow-open to accept that");
  }
  return serve(cfg);
}

int print_openapi() {
  std::string doc;
  try {
    doc = brisk::ops::openapi_document();
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  doc.push_back('\n');
  std::fwrite(doc.data(), 1, doc.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

int rotate_key(const std::string& db) {
  try {
    brisk::store::StoreOptions so;
    so.target = db;
    so.rotate_token_key = true;
    brisk::ops::open_store(so)->stop();
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  std::printf("token signing key replaced: every token issued before now is invalid\n");
  return 0;
}

int run_cli(int argc, char** argv) {
  CLI::App app{"brisk: a fast task-management REST API server"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("brisk ") + BRISK_VERSION);

  Config cfg;
  cfg.threads = brisk::ops::usable_cores();
  ServeArgs serve_args;
  add_serve_command(app, cfg, serve_args);
  app.add_subcommand("openapi",
                     "Print the OpenAPI document (as GET /openapi.json serves it, "
                     "apart from servers) and exit");
  app.add_subcommand("version", "Print the version");
  std::string rotate_db = "brisk.db";
  CLI::App* rotate_cmd = app.add_subcommand("rotate-key",
                                            "Replace the token signing key (every issued token "
                                            "stops working); run it while brisk is stopped");
  rotate_cmd->add_option("--db", rotate_db, "SQLite file path")
      ->envname("BRISK_DB")
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (app.got_subcommand("openapi")) return print_openapi();
  if (app.got_subcommand("version")) {
    std::printf("brisk %s\n", BRISK_VERSION);
    return 0;
  }
  if (app.got_subcommand("rotate-key")) return rotate_key(rotate_db);
  return checked_serve(cfg, serve_args);
}

}  // namespace

int main(int argc, char** argv) {
  // Nothing escapes as an abort: a failure is one line and exit code 2.
  try {
    return run_cli(argc, argv);
  } catch (const std::exception& e) {
    return fail(e.what());
  } catch (...) {
    return fail("unexpected error");
  }
}
