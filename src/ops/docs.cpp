#include "ops/docs.hpp"

#include "api/operation.hpp"
#include "api/problem.hpp"
#include "http/exchange.hpp"
#include "ops/docs_assets.hpp"

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

void write_text(util::JsonWriter& w) {
  w.StartObject();
  w.Key("type");
  w.String("string");
  w.EndObject();
}
const api::SchemaDoc kTextSchema{"Text", &write_text};

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
     .schema = &kTextSchema,
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
     .schema = &kTextSchema,
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

template <class Assets>
class AssetHandler final : public http::Handler {
 public:
  explicit AssetHandler(const Assets& a) : assets_(a) {}
  void handle(http::Exchange& ex) override {
    for (const auto& a : assets_) {
      if (a.name == ex.param()) return a.file->serve(ex);
    }
    api::reply_problem(ex, 404, "no such file");
  }

 private:
  const Assets& assets_;
};

std::unique_ptr<http::PreparedFile> prepare(const EmbeddedAsset& a, http::FileHeaders h) {
  if (a.gzipped) return std::make_unique<http::PreparedFile>(h, a.data, a.hash);
  return std::make_unique<http::PreparedFile>(h, std::string(a.data), false);
}

}  // namespace

DocsRoutes::DocsRoutes() {
  for (const EmbeddedAsset& a : docs_assets()) {
    if (a.name == "index.html") {
      page_ = prepare(a, {a.content_type, kRevalidate, kPageCsp});
    } else {
      assets_.push_back({a.name, prepare(a, {a.content_type, kImmutable})});
    }
  }
}

DocsRoutes::~DocsRoutes() = default;

void DocsRoutes::set_document(std::string json) {
  document_ = std::make_unique<http::PreparedFile>(
      http::FileHeaders{"application/json", kRevalidate}, std::move(json), true);
}

void DocsRoutes::register_on(http::Router& r) {
  handlers_.push_back(
      std::make_unique<FileHandler>(document_, 500, "the OpenAPI document was not prepared"));
  r.add({http::Method::kGet, "/openapi.json", handlers_.back().get(), &kOpenApiOp});
  handlers_.push_back(
      std::make_unique<FileHandler>(page_, 404, "this brisk was built without the docs UI"));
  r.add({http::Method::kGet, "/docs", handlers_.back().get(), &kDocsOp});
  handlers_.push_back(std::make_unique<AssetHandler<std::vector<Asset>>>(assets_));
  r.add({http::Method::kGet, "/docs/{asset}", handlers_.back().get(), &kAssetOp});
}

}  // namespace brisk::ops
