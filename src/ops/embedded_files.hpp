// Serves one embedded UI (ops/embedded_assets.hpp): its page, index.html,
// and the files the page loads, looked up by name. Each is a PreparedFile
// (gzip, a strong ETag per representation, Cache-Control), built once at
// start from the bytes compiled in.
#pragma once
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "api/operation.hpp"
#include "http/prepared_file.hpp"
#include "http/router.hpp"
#include "ops/embedded_assets.hpp"

namespace brisk::ops {

struct EmbeddedPolicy {
  std::string_view page_cache_control;
  std::string_view page_csp;  // Content-Security-Policy of the page
  std::string_view asset_cache_control;
  std::string_view missing_page;  // the 404's detail when the build has no page
};

// The OpenAPI schema of a served file ({"type": "string"}, named "Text"),
// one object for every UI's operations (the generator refuses two
// different schemas of the same name).
extern const api::SchemaDoc kTextFileSchema;

class EmbeddedFiles {
 public:
  // `policy`'s strings must outlive this (they are literals).
  EmbeddedFiles(std::span<const EmbeddedAsset> files, EmbeddedPolicy policy);
  ~EmbeddedFiles();
  EmbeddedFiles(const EmbeddedFiles&) = delete;  // the handlers point at this
  EmbeddedFiles& operator=(const EmbeddedFiles&) = delete;

  // GET of the page: 200, or 404 when this build embeds no page.
  http::Handler* page_handler() { return &page_handler_; }
  // GET of {asset}: the file named by the path parameter, or 404.
  http::Handler* asset_handler() { return &asset_handler_; }

 private:
  struct Asset {
    std::string_view name;
    std::unique_ptr<http::PreparedFile> file;
  };
  struct PageHandler final : http::Handler {
    const EmbeddedFiles* files;
    void handle(http::Exchange& ex) override;
  };
  struct AssetHandler final : http::Handler {
    const EmbeddedFiles* files;
    void handle(http::Exchange& ex) override;
  };

  EmbeddedPolicy policy_;
  std::unique_ptr<http::PreparedFile> page_;  // null when not embedded
  std::vector<Asset> assets_;
  PageHandler page_handler_;
  AssetHandler asset_handler_;
};

}  // namespace brisk::ops
