// Commands that work on a database without serving it: openapi, rotate-key.
#include <sys/stat.h>

#include <cstdio>
#include <memory>
#include <string>

#include "cli/cli.hpp"
#include "ops/app_routes.hpp"
#include "ops/open_store.hpp"

namespace brisk::cli {

namespace {

// A SQLite target must name an existing file for commands that change a
// database (a typo must not create an empty one).
bool is_existing_file(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_postgres(const std::string& target) {
  return target.starts_with("postgres://") || target.starts_with("postgresql://");
}

}  // namespace

Command add_openapi(CLI::App& app) {
  auto auth = std::make_shared<std::string>("required");
  CLI::App* cmd = app.add_subcommand(
      "openapi", "Print the OpenAPI document (as GET /openapi.json serves it, apart from servers)");
  cmd->add_option("--auth", *auth, "the document of a server with --auth required or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"required", "off"}));
  return {cmd, [auth] {
            std::string doc;
            try {
              doc = ops::openapi_document(*auth == "required");
            } catch (const std::exception& e) {
              return fail(e.what());
            }
            doc.push_back('\n');
            std::fwrite(doc.data(), 1, doc.size(), stdout);
            return std::fflush(stdout) == 0 ? 0 : 1;
          }};
}

Command add_rotate_key(CLI::App& app) {
  auto db = std::make_shared<std::string>("brisk.db");
  CLI::App* cmd = app.add_subcommand("rotate-key",
                                     "Replace the token signing key (every issued token stops "
                                     "working); run it while brisk is stopped");
  cmd->add_option("--db", *db, "SQLite file path or postgres:// URL")
      ->envname("BRISK_DB")
      ->capture_default_str();
  return {cmd, [db] {
            if (!is_postgres(*db) && !is_existing_file(*db)) {
              return fail("database '" + *db + "' does not exist; nothing was changed");
            }
            try {
              store::StoreOptions so;
              so.target = *db;
              so.rotate_token_key = true;
              ops::open_store(so)->stop();
            } catch (const std::exception& e) {
              return fail(e.what());
            }
            std::printf("token signing key replaced: every token issued before now is invalid\n");
            return 0;
          }};
}

}  // namespace brisk::cli
