#include "ops/app_routes.hpp"

#include "auth/openapi_docs.hpp"
#include "store/no_store.hpp"
#include "tasks/cursor.hpp"

namespace brisk::ops {

namespace {

constexpr std::string_view kDescription =
    R"(brisk is the classic task-management REST API as one binary.

**Errors** are RFC 9457 problem details (`application/problem+json`). A 422 lists every problem
found in `errors`, each with a `loc` (`["body", "title"]`, `["body", "tags", 2]`,
`["query", "limit"]`, `["header", "idempotency-key"]`), a `msg` and a machine-readable `type`.

**Besides the statuses listed per operation**, the HTTP layer can answer any request with:
400 (malformed request line or framing), 404 (no such path), 405 with `Allow` (a known path with
another method), 408 (headers not complete within 10 s), 413 (body over 1 MiB), 429 with
`Retry-After` (over `--rate-limit`), 431 (request line and headers over 16 KiB),
503 (shutting down) and 505 (not HTTP/1.x). HEAD is served wherever GET is.

**Bodies** are UTF-8 JSON objects, at most 64 levels deep; unknown fields, read-only fields and
duplicate keys are a 422. Strings are counted in Unicode code points. Timestamps are RFC 3339;
answers use UTC with milliseconds.

**Writes are durable**: a 2xx answer means the change is on stable storage.)";

}  // namespace

AppRoutes::AppRoutes(store::Store& s, AppOptions opts, api::RouteTable& table)
    : store_(s),
      tokens_(s.token_key()),
      authenticator_(opts.auth_required, tokens_, s),
      hashing_(opts.hash_threads),
      table_(table),
      auth_required_(opts.auth_required),
      tasks_({s, tasks::CursorCodec(s.cursor_key()), authenticator_}, opts.events),
      auth_({s, authenticator_, tokens_, hashing_, throttle_}),
      health_(s),
      metrics_(s, &tasks_.events()) {
  store_.set_event_sink(&tasks_.events());
  tasks_.register_on(table_);
  if (auth_required_) auth_.register_on(table_);
  health_.register_on(table_);
  metrics_.register_on(table_);
  docs_.register_on(table_);
  web_ui_.register_on(table_);
}

AppRoutes::~AppRoutes() {
  store_.set_event_sink(nullptr);
}

void AppRoutes::prepare_document() {
  api::DocumentInfo info = document_info(auth_required_);
  info.servers.push_back({"/", "This server"});
  docs_.set_document(api::write_openapi(table_, info));
}

api::DocumentInfo document_info(bool auth_required) {
  api::DocumentInfo info;
  info.title = "brisk";
  info.version = BRISK_VERSION;
  info.description = kDescription;
  info.tags = {{"tasks", "Your tasks: create, list, read, update and delete."}};
  if (auth_required) {
    info.tags.push_back({"accounts", "Register, log in (the Authorize button), and who am I."});
  }
  info.tags.insert(info.tags.end(), {
                                        {"operations", "Health, readiness and metrics."},
                                        {"docs", "This document and the interactive docs."},
                                        {"ui", "The web UI: open / in a browser."},
                                    });
  // Every operation not marked public needs one of these. With --auth off
  // there are none: nothing asks for credentials.
  if (auth_required) {
    info.add_security_scheme("bearerAuth", auth::kBearerScheme);
    info.add_security_scheme("oauth2Password", auth::kOAuth2Scheme);
  }
  return info;
}

std::string openapi_document(bool auth_required) {
  store::NoStore none;
  api::RouteTable table;
  AppRoutes app(none, {.auth_required = auth_required}, table);
  api::DocumentInfo info = document_info(auth_required);
  info.servers.push_back({"http://127.0.0.1:8000", "brisk serve with its default --listen"});
  return api::write_openapi(app.routes(), info);
}

}  // namespace brisk::ops
