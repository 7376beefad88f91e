// The files of the UIs compiled into the binary (tools/embed_assets.cpp
// writes one table per UI, see CMakeLists.txt): Swagger UI for /docs
// (swagger-ui-dist's CSS, bundle and icons from the pinned npm package, plus
// brisk's page and initializer from web/docs/) and the web UI for /
// (web/app/).
#pragma once
#include <cstddef>
#include <span>
#include <string_view>

namespace brisk::ops {

struct EmbeddedAsset {
  std::string_view name;  // "index.html" (the page) or the file's name under its folder
  std::string_view content_type;
  std::string_view data;  // gzip bytes if `gzipped`, else the file itself
  bool gzipped;
  std::size_t size;       // the file's size before compression
  std::string_view hash;  // 16 hex digits of a hash of `data`, for the ETag
};

// Swagger UI; empty when the build embeds none (-DBRISK_DOCS_UI=OFF).
std::span<const EmbeddedAsset> docs_assets();

// The web UI; empty when the build embeds none (-DBRISK_WEB_UI=OFF).
std::span<const EmbeddedAsset> app_assets();

}  // namespace brisk::ops
