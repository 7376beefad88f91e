// `brisk serve`: its options, their checks, and the wiring of a server.
#include <malloc.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <spdlog/spdlog.h>

#include "api/json_input.hpp"
#include "cli/cli.hpp"
#include "http/server.hpp"
#include "ops/admin_socket.hpp"
#include "ops/app_routes.hpp"
#include "ops/config.hpp"
#include "ops/logging.hpp"
#include "ops/open_store.hpp"
#include "ops/sd_notify.hpp"
#include "store/store.hpp"
#include "tasks/task_rules.hpp"

namespace brisk::cli {

namespace {

using ops::Config;

// Tells systemd (Type=notify) about a state change. Not fatal on failure:
// under systemd a missing READY=1 fails the start by its own timeout, and
// outside systemd NOTIFY_SOCKET is unset and this does nothing.
void tell_systemd(const std::string& state) {
  std::string error;
  if (ops::sd_notify(state, error) == ops::NotifyResult::kFailed) {
    spdlog::warn("systemd notification failed: {}", error);
  }
}

// A test-only setting from the environment (DEVELOPERS.md): `fallback`
// unless the variable holds a whole number in [min, max].
std::int64_t test_knob(const char* name, std::int64_t min, std::int64_t max,
                       std::int64_t fallback) {
  const char* v =
      std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read before any thread starts
  if (!v || !*v) return fallback;
  std::int64_t n = 0;
  const char* end = v + std::char_traits<char>::length(v);
  auto [p, ec] = std::from_chars(v, end, n);
  if (ec != std::errc() || p != end || n < min || n > max) {
    spdlog::warn("{} ignored: expected a whole number from {} to {}", name, min, max);
    return fallback;
  }
  spdlog::warn("{}={} (a test setting)", name, n);
  return n;
}

int serve(const Config& cfg) {
  ops::setup_logging(cfg.log_level, cfg.json_logs ? ops::LogFormat::kJson : ops::LogFormat::kText);

  // The address first: a taken port must fail before any database file is
  // created or migrated. The routes are registered on `table` afterwards;
  // nothing is served before run().
  api::RouteTable table;
  http::ServerOptions so;
  so.host = cfg.host;
  so.port = cfg.port;
  so.threads = cfg.threads;
  so.rate_limit = cfg.rate_limit;
  so.max_connections = cfg.max_connections;
  // The access log is an info-level log: a higher --log-level turns it off.
  so.access_log = cfg.access_log && spdlog::should_log(spdlog::level::info);
  so.log_format = cfg.json_logs ? http::LogFormat::kJson : http::LogFormat::kText;
  so.limits.body_padding = api::kBodyPadding;
  http::Server server(so, table.router());
  try {
    server.listen();
  } catch (const std::exception& e) {
    return fail(e.what());
  }

  std::unique_ptr<store::Store> store;
  try {
    // BRISK_TEST_EVENT_WINDOW: a smaller event log, so that tests reach its end quickly.
    store =
        ops::open_store({.target = cfg.db,
                         .readers = cfg.threads,
                         .pool = cfg.db_pool,
                         .idempotency_ttl_ms = tasks::kIdempotencyTtlMs,
                         .event_window = test_knob("BRISK_TEST_EVENT_WINDOW", 1, 10'000, 10'000),
                         .query_timeout_ms = cfg.query_timeout_ms,
                         .quick_check = !cfg.skip_quick_check,
                         .read_cache = cfg.read_cache});
  } catch (const std::exception& e) {
    return fail(e.what());
  }

  // brisk backup reaches a running server through its control socket (a
  // SQLite file is locked while served).
  std::unique_ptr<ops::AdminSocket> admin;
  if (cfg.db != ":memory:" && !cfg.db.starts_with("postgres://") &&
      !cfg.db.starts_with("postgresql://")) {
    try {
      admin = std::make_unique<ops::AdminSocket>(ops::admin_socket_path(cfg.db), *store);
    } catch (const std::exception& e) {
      spdlog::warn("{} (brisk backup will not reach this server)", e.what());
    }
  }

  const bool auth_required = cfg.auth == ops::AuthMode::kRequired;
  // Argon2id hashing runs off the event loops, on at most two threads.
  ops::AppOptions ao{auth_required, std::max(1u, std::min(cfg.threads, 2u))};
  // BRISK_TEST_SSE_HEARTBEAT_SECONDS: quiet streams' comment lines sooner, for tests.
  ao.events.heartbeat_every = std::chrono::seconds(
      test_knob("BRISK_TEST_SSE_HEARTBEAT_SECONDS", 1, 14, ao.events.heartbeat_every.count()));
  ops::AppRoutes app(*store, ao, table);
  try {
    app.prepare_document();
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  // Each event loop drives its own reader (PostgreSQL waits on its sockets there).
  for (unsigned i = 0; i < server.worker_count(); ++i) store->attach(i, server.worker_io(i));
  server.on_drain = [&app] {
    app.health().set_draining();
    tell_systemd("STOPPING=1\nSTATUS=draining");
  };
  app.metrics().attach(server);
  const std::string url =
      "http://" + server.bound_host() + ":" + std::to_string(server.bound_port());
  std::printf("brisk listening on %s\n", url.c_str());
  std::fflush(stdout);
  // After the listening line: whoever waits for either sees the same order.
  tell_systemd("READY=1\nSTATUS=listening on " + url);
  spdlog::info("serving with {} thread(s), authentication {}, database {}, at most {} connections",
               cfg.threads, auth_required ? "required" : "off (single user)", cfg.db,
               server.max_connections());
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
  std::string query_timeout = "2s";
  std::string access_log = "on";
  std::string log_format = "text";
  std::string read_cache = "on";
};

// The checks of `brisk serve`'s options that CLI11 cannot make; then serves.
int checked_serve(Config& cfg, const ServeArgs& args) {
  std::string err;
  if (!ops::parse_listen(args.listen, cfg.host, cfg.port, err)) {
    return fail("--listen: " + err);
  }
  cfg.auth = args.auth == "off" ? ops::AuthMode::kOff : ops::AuthMode::kRequired;
  cfg.access_log = args.access_log == "on";
  cfg.read_cache = args.read_cache == "on";
  cfg.json_logs = args.log_format == "json";
  if (!args.rate.empty() && !ops::parse_rate_limit(args.rate, cfg.rate_limit)) {
    return fail("--rate-limit: expected N/s with N from 1 to 1000000, e.g. 100/s");
  }
  if (!ops::parse_timeout(args.query_timeout, cfg.query_timeout_ms)) {
    return fail("--query-timeout: expected Nms or Ns (at most 3600s), e.g. 500ms or 2s; 0: none");
  }
  // Never serve without authentication beyond loopback unless the operator opts in.
  if (cfg.auth == ops::AuthMode::kOff && !ops::is_loopback(cfg.host) && !cfg.allow_open) {
    return fail("refusing to serve with --auth off on " + cfg.host +
                ", which is not a loopback address: anyone who can reach it could read and change "
                "every task. Use --auth required, or pass --allow-open to accept that");
  }
  return serve(cfg);
}

}  // namespace

Command add_serve(CLI::App& app) {
  auto cfg = std::make_shared<Config>();
  auto args = std::make_shared<ServeArgs>();
  cfg->threads = ops::usable_cores();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the API");
  cmd->add_option("--listen", args->listen,
                  "Address to serve on, HOST:PORT or [V6]:PORT; port 0 picks one")
      ->envname("BRISK_LISTEN")
      ->capture_default_str();
  cmd->add_option("--db", cfg->db,
                  "SQLite file path, :memory:, or a postgres:// (postgresql://) URL")
      ->envname("BRISK_DB")
      ->capture_default_str();
  cmd->add_option("--db-pool", cfg->db_pool,
                  "PostgreSQL: read connections per instance (default: 2 x threads)")
      ->envname("BRISK_DB_POOL")
      ->check(whole_number(1, 1000));
  cmd->add_option("--auth", args->auth, "required or off (off: single user, no accounts)")
      ->envname("BRISK_AUTH")
      ->capture_default_str()
      ->check(CLI::IsMember({"required", "off"}));
  cmd->add_flag("--allow-open", cfg->allow_open,
                "Allow serving without authentication on a non-loopback address")
      ->envname("BRISK_ALLOW_OPEN");
  cmd->add_option("--threads", cfg->threads, "Event-loop threads (1..256)")
      ->envname("BRISK_THREADS")
      ->capture_default_str()
      ->check(whole_number(1, 256));
  cmd->add_option("--rate-limit", args->rate, "Per-client request rate, N/s (burst N)")
      ->envname("BRISK_RATE_LIMIT");
  cmd->add_flag("--skip-quick-check", cfg->skip_quick_check,
                "Start without checking the database file (PRAGMA quick_check reads all of it: "
                "about a second per GB)")
      ->envname("BRISK_SKIP_QUICK_CHECK");
  cmd->add_option("--max-connections", cfg->max_connections,
                  "Connections held at once (default 16384, at most the open-file limit less "
                  "256); beyond it a new connection gets 503 and is closed")
      ->envname("BRISK_MAX_CONNECTIONS")
      ->check(whole_number(1, 10'000'000));
  cmd->add_option("--query-timeout", args->query_timeout,
                  "Time budget of an expensive read (a search, a large list): Nms or Ns; over "
                  "it, 503 (0: none)")
      ->envname("BRISK_QUERY_TIMEOUT")
      ->capture_default_str();
  cmd->add_option("--log-level", cfg->log_level, "trace, debug, info, warn, error, critical or off")
      ->envname("BRISK_LOG_LEVEL")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  cmd->add_option("--read-cache", args->read_cache,
                  "on or off: off answers every read from the database, not from the caches of "
                  "recent answers (for benchmarks of the queries themselves)")
      ->envname("BRISK_READ_CACHE")
      ->capture_default_str()
      ->check(CLI::IsMember({"on", "off"}));
  cmd->add_option("--access-log", args->access_log,
                  "on or off: a line per request (method, path, status, bytes, duration, client, "
                  "request id) at info")
      ->envname("BRISK_ACCESS_LOG")
      ->capture_default_str()
      ->check(CLI::IsMember({"on", "off"}));
  cmd->add_option("--log-format", args->log_format, "text or json (JSON Lines, for log shippers)")
      ->envname("BRISK_LOG_FORMAT")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  return {cmd, [cfg, args] { return checked_serve(*cfg, *args); }};
}

}  // namespace brisk::cli
