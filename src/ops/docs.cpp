#include "ops/docs.hpp"

#include "api/operation.hpp"
#include "api/problem.hpp"
#include "http/exchange.hpp"

namespace brisk::ops {

namespace {

// The page and the document change with the binary: revalidate every time
// (a 304 is cheap). Assets are referenced with ?v=<content hash>.
constexpr std::string_view kRevalidate = "no-cache";
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
// Everything the page loads comes from brisk; Swagger UI needs inline styles
// and data: images (its SVG icons).
constexpr std::string_view kPageCsp =
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'";

// ---- OpenAPI descriptions --------------------------------------------------

const api::HeaderDoc kETag{"ETag", "A strong ETag of this representation."};
const api::HeaderDoc kCacheControl{"Cache-Control", "How long the answer may be reused."};
const api::HeaderDoc kContentEncoding{"Content-Encoding", "`gzip` when Accept-Encoding allows it.",
                                      R"({"type": "string", "enum": ["gzip"]})"};
const api::HeaderDoc* const kFileHeaders[] = {&kETag, &kCacheControl, &kContentEncoding};
const api::HeaderDoc* const kNotModifiedHeaders[] = {&kETag, &kCacheControl};

constexpr api::ParamDoc kIfNoneMatch{
    .name = "If-None-Match",
    .in = api::ParamIn::kHeader,
    .description = "An ETag from an earlier answer: 304 if it is still current."};
constexpr api::ParamDoc kFileParams[] = {kIfNoneMatch};

void write_any_object(util::JsonWriter& w) {
  w.StartObject();
  w.Key("type");
  w.String("object");
  w.Key("description");
  w.String("An OpenAPI 3.1 document.");
  w.EndObject();
}
const api::SchemaDoc kOpenApiSchema{"OpenApiDocument", &write_any_object};

constexpr api::ResponseDoc kNotModified{.status = 304,
                                        .description = "Not modified: the ETag is current.",
                                        .headers = kNotModifiedHeaders};

constexpr api::ResponseDoc kDocumentResponses[] = {
    {.status = 200,
     .description = "This document.",
     .schema = &kOpenApiSchema,
     .headers = kFileHeaders},
    kNotModified,
};
const api::Operation kOpenApiOp{
    .operation_id = "getOpenApi",
    .summary = "The OpenAPI document",
    .description =
        "The OpenAPI 3.1 document of every route, generated at start from the same "
        "declarations that parse and validate requests (`brisk openapi` prints the "
        "same document without `servers`).",
    .tag = "docs",
    .params = kFileParams,
    .responses = kDocumentResponses,
    .public_route = true,
};

constexpr api::ResponseDoc kPageResponses[] = {
    {.status = 200,
     .description = "The Swagger UI page (HTML).",
     .schema = &kTextFileSchema,
     .media_type = "text/html",
     .headers = kFileHeaders},
    kNotModified,
    api::problem(404, "This build of brisk has no embedded docs UI.",
                 "this brisk was built without the docs UI"),
};
const api::Operation kDocsOp{
    .operation_id = "getDocs",
    .summary = "Interactive API docs",
    .description =
        "Swagger UI, compiled into the binary: it loads nothing from other hosts, and "
        "\"Try it out\" sends requests to this server.",
    .tag = "docs",
    .params = kFileParams,
    .responses = kPageResponses,
    .public_route = true,
};

constexpr api::ParamDoc kAssetParams[] = {
    {.name = "asset",
     .in = api::ParamIn::kPath,
     .required = true,
     .description = "A file of the docs UI, as the page references it.",
     .schema_json =
         R"({"type": "string", "examples": ["swagger-ui-bundle.js", "swagger-ui.css"]})"},
    kIfNoneMatch,
};
constexpr api::ResponseDoc kAssetResponses[] = {
    {.status = 200,
     .description = "The file (JavaScript, CSS, PNG or text).",
     .schema = &kTextFileSchema,
     .media_type = "*/*",
     .headers = kFileHeaders},
    kNotModified,
    api::problem(404, "No such file.", "no such file"),
};
const api::Operation kAssetOp{
    .operation_id = "getDocsAsset",
    .summary = "A file of the docs UI",
    .description =
        "Static files of Swagger UI (from the pinned npm package swagger-ui-dist). "
        "Cached for a year: the page references them with a content hash.",
    .tag = "docs",
    .params = kAssetParams,
    .responses = kAssetResponses,
    .public_route = true,
};

// ---- handlers --------------------------------------------------------------

// /docs/ -> /docs (308: the method and body are kept).
class DocsSlash final : public http::Handler {
 public:
  void handle(http::Exchange& ex) override {
    ex.respond(308).header("Location", "/docs").no_body();
  }
};

// Serves one prepared file, or a problem when there is none.
class FileHandler final : public http::Handler {
 public:
  FileHandler(const std::unique_ptr<http::PreparedFile>& f, int missing_status,
              std::string_view missing_detail)
      : file_(f), missing_status_(missing_status), missing_detail_(missing_detail) {}
  void handle(http::Exchange& ex) override {
    if (!file_) return api::reply_problem(ex, missing_status_, missing_detail_);
    file_->serve(ex);
  }

 private:
  const std::unique_ptr<http::PreparedFile>& file_;
  int missing_status_;
  std::string_view missing_detail_;
};

}  // namespace

DocsRoutes::DocsRoutes()
    : ui_(docs_assets(), {.page_cache_control = kRevalidate,
                          .page_csp = kPageCsp,
                          .asset_cache_control = kImmutable,
                          .missing_page = "this brisk was built without the docs UI"}) {}

DocsRoutes::~DocsRoutes() = default;

void DocsRoutes::set_document(std::string json) {
  document_ = std::make_unique<http::PreparedFile>(
      http::FileHeaders{"application/json", kRevalidate}, std::move(json), true);
}

void DocsRoutes::register_on(api::RouteTable& r) {
  handlers_.push_back(
      std::make_unique<FileHandler>(document_, 500, "the OpenAPI document was not prepared"));
  r.add({http::Method::kGet, "/openapi.json", handlers_.back().get()}, kOpenApiOp);
  r.add({http::Method::kGet, "/docs", ui_.page_handler()}, kDocsOp);
  handlers_.push_back(std::make_unique<DocsSlash>());
  r.add_unlisted_redirect({http::Method::kGet, "/docs/", handlers_.back().get()});
  r.add({http::Method::kGet, "/docs/{asset}", ui_.asset_handler()}, kAssetOp);
}

}  // namespace brisk::ops
