#include "ops/web_ui.hpp"

#include "api/operation.hpp"
#include "api/problem.hpp"

namespace brisk::ops {

namespace {

// The page and its modules are revalidated on every load (a 304 each when
// nothing changed): ES modules import each other by plain relative URLs,
// which cannot carry a content hash as the docs UI's assets do, so no file
// may be cached without asking, or an upgrade could mix old and new modules.
constexpr std::string_view kRevalidate = "no-cache";
// Everything comes from brisk, and nothing inline: no inline script, no
// style attributes, no other host (and the forms never submit by
// themselves: the app sends every request with fetch).
constexpr std::string_view kPageCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

const api::HeaderDoc kETag{"ETag", "A strong ETag of this representation."};
const api::HeaderDoc kCacheControl{"Cache-Control", "`no-cache`: revalidate before reuse."};
const api::HeaderDoc kContentEncoding{"Content-Encoding", "`gzip` when Accept-Encoding allows it.",
                                      R"({"type": "string", "enum": ["gzip"]})"};
const api::HeaderDoc* const kFileHeaders[] = {&kETag, &kCacheControl, &kContentEncoding};
const api::HeaderDoc* const kNotModifiedHeaders[] = {&kETag, &kCacheControl};

constexpr api::ParamDoc kIfNoneMatch{
    .name = "If-None-Match",
    .in = api::ParamIn::kHeader,
    .description = "An ETag from an earlier answer: 304 if it is still current."};
constexpr api::ParamDoc kPageParams[] = {kIfNoneMatch};

constexpr api::ResponseDoc kNotModified{.status = 304,
                                        .description = "Not modified: the ETag is current.",
                                        .headers = kNotModifiedHeaders};

constexpr api::ResponseDoc kPageResponses[] = {
    {.status = 200,
     .description = "The web UI's page (HTML).",
     .schema = &kTextFileSchema,
     .media_type = "text/html",
     .headers = kFileHeaders},
    kNotModified,
    api::problem(404, "This build of brisk has no embedded web UI.",
                 "this brisk was built without the web UI"),
};
const api::Operation kPageOp{
    .operation_id = "getWebUi",
    .summary = "The web UI",
    .description =
        "A single-page app for people: sign in, list, filter, search, create, edit, complete "
        "and delete tasks, with live updates. Compiled into the binary; it loads nothing from "
        "other hosts and uses only this API.",
    .tag = "ui",
    .params = kPageParams,
    .responses = kPageResponses,
    .public_route = true,
};

constexpr api::ParamDoc kAssetParams[] = {
    {.name = "asset",
     .in = api::ParamIn::kPath,
     .required = true,
     .description = "A file of the web UI, as the page references it.",
     .schema_json = R"({"type": "string", "examples": ["main.js", "style.css"]})"},
    kIfNoneMatch,
};
constexpr api::ResponseDoc kAssetResponses[] = {
    {.status = 200,
     .description = "The file (JavaScript module, CSS or SVG).",
     .schema = &kTextFileSchema,
     .media_type = "*/*",
     .headers = kFileHeaders},
    kNotModified,
    api::problem(404, "No such file.", "no such file"),
};
const api::Operation kAssetOp{
    .operation_id = "getWebUiAsset",
    .summary = "A file of the web UI",
    .description = "The web UI's modules, stylesheet and icon (web/app/ in the repository).",
    .tag = "ui",
    .params = kAssetParams,
    .responses = kAssetResponses,
    .public_route = true,
};

}  // namespace

WebUiRoutes::WebUiRoutes()
    : app_(app_assets(), {.page_cache_control = kRevalidate,
                          .page_csp = kPageCsp,
                          .asset_cache_control = kRevalidate,
                          .missing_page = "this brisk was built without the web UI"}) {}

void WebUiRoutes::register_on(api::RouteTable& r) {
  r.add({http::Method::kGet, "/", app_.page_handler()}, kPageOp);
  r.add({http::Method::kGet, "/app/{asset}", app_.asset_handler()}, kAssetOp);
}

}  // namespace brisk::ops
