// The command line: brisk serve | openapi | version.
#include <cstdio>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "http/server.hpp"
#include "ops/app_routes.hpp"
#include "ops/config.hpp"
#include "store/store.hpp"

namespace {

using brisk::ops::Config;

int fail(const std::string& msg) {
  std::fprintf(stderr, "brisk: error: %s\n", msg.c_str());
  return 2;
}

int serve(const Config& cfg) {
  auto log = spdlog::stderr_color_mt("brisk");
  spdlog::set_default_logger(log);
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));

  std::unique_ptr<brisk::store::Store> store;
  try {
    store = brisk::store::open_store({cfg.db, cfg.threads});
  } catch (const std::exception& e) {
    return fail(e.what());
  }

  brisk::ops::AppRoutes app(*store);
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
  brisk::http::Server server(so, app.router());
  server.on_drain = [&app] { app.health().set_draining(); };
  try {
    server.listen();
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  std::printf("brisk listening on http://%s:%u\n", server.bound_host().c_str(), server.bound_port());
  std::fflush(stdout);
  spdlog::info("serving {} with {} thread(s), database {}", cfg.auth == brisk::ops::AuthMode::kOff ? "without accounts" : "(accounts not yet available: single-user)", cfg.threads, cfg.db == ":memory:" ? ":memory:" : cfg.db);
  server.run();
  store->stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"brisk: a fast task-management REST API server"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("brisk ") + BRISK_VERSION);

  Config cfg;
  unsigned hw = std::thread::hardware_concurrency();
  cfg.threads = hw ? hw : 1;
  std::string listen = "127.0.0.1:8000", auth = "required", rate;

  CLI::App* serve_cmd = app.add_subcommand("serve", "Serve the API");
  serve_cmd->add_option("--listen", listen, "Address to serve on, HOST:PORT or [V6]:PORT; port 0 picks one")
      ->envname("BRISK_LISTEN")->capture_default_str();
  serve_cmd->add_option("--db", cfg.db, "SQLite file path or :memory:")
      ->envname("BRISK_DB")->capture_default_str();
  serve_cmd->add_option("--auth", auth, "required or off (off: single user, no accounts)")
      ->envname("BRISK_AUTH")->capture_default_str()->check(CLI::IsMember({"required", "off"}));
  serve_cmd->add_flag("--allow-open", cfg.allow_open,
                      "Allow serving without authentication on a non-loopback address")
      ->envname("BRISK_ALLOW_OPEN");
  serve_cmd->add_option("--threads", cfg.threads, "Event-loop threads")
      ->envname("BRISK_THREADS")->capture_default_str()->check(CLI::Range(1u, 256u));
  serve_cmd->add_option("--rate-limit", rate, "Per-client request rate, N/s (burst N)")
      ->envname("BRISK_RATE_LIMIT");
  serve_cmd->add_option("--log-level", cfg.log_level, "trace, debug, info, warn, error, critical or off")
      ->envname("BRISK_LOG_LEVEL")->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));

  app.add_subcommand("openapi",
                     "Print the OpenAPI document (as GET /openapi.json serves it, "
                     "apart from servers) and exit");
  app.add_subcommand("version", "Print the version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  if (app.got_subcommand("openapi")) {
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
  if (app.got_subcommand("version")) {
    std::printf("brisk %s\n", BRISK_VERSION);
    return 0;
  }

  std::string err;
  if (!brisk::ops::parse_listen(listen, cfg.host, cfg.port, err)) return fail("--listen: " + err);
  cfg.auth = auth == "off" ? brisk::ops::AuthMode::kOff : brisk::ops::AuthMode::kRequired;
  if (!rate.empty() && !brisk::ops::parse_rate_limit(rate, cfg.rate_limit)) {
    return fail("--rate-limit: expected N/s with N from 1 to 1000000, e.g. 100/s");
  }
  // Accounts do not exist yet, so every mode serves without authentication:
  // never expose that beyond loopback unless the operator opts in.
  if (!brisk::ops::is_loopback(cfg.host) && !cfg.allow_open) {
    return fail("refusing to serve without authentication on " + cfg.host +
                ", which is not a loopback address; pass --allow-open to do it anyway");
  }
  return serve(cfg);
}
