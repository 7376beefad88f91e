#include "ops/embedded_files.hpp"

#include "api/problem.hpp"
#include "http/exchange.hpp"

namespace brisk::ops {

namespace {

void write_text(util::JsonWriter& w) {
  w.StartObject();
  w.Key("type");
  w.String("string");
  w.EndObject();
}

std::unique_ptr<http::PreparedFile> prepare(const EmbeddedAsset& a, http::FileHeaders h) {
  if (a.gzipped) return std::make_unique<http::PreparedFile>(h, a.data, a.hash);
  return std::make_unique<http::PreparedFile>(h, std::string(a.data), false);
}

}  // namespace

const api::SchemaDoc kTextFileSchema{"Text", &write_text};

EmbeddedFiles::EmbeddedFiles(std::span<const EmbeddedAsset> files, EmbeddedPolicy policy)
    : policy_(policy) {
  for (const EmbeddedAsset& a : files) {
    if (a.name == "index.html") {
      page_ = prepare(a, {a.content_type, policy.page_cache_control, policy.page_csp});
    } else {
      assets_.push_back({a.name, prepare(a, {a.content_type, policy.asset_cache_control})});
    }
  }
  page_handler_.files = this;
  asset_handler_.files = this;
}

EmbeddedFiles::~EmbeddedFiles() = default;

void EmbeddedFiles::PageHandler::handle(http::Exchange& ex) {
  if (!files->page_) return api::reply_problem(ex, 404, files->policy_.missing_page);
  files->page_->serve(ex);
}

void EmbeddedFiles::AssetHandler::handle(http::Exchange& ex) {
  for (const Asset& a : files->assets_) {
    if (a.name == ex.param()) return a.file->serve(ex);
  }
  api::reply_problem(ex, 404, "no such file");
}

}  // namespace brisk::ops
