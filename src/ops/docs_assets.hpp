// The Swagger UI files compiled into the binary (see tools/embed_assets.cpp
// and CMakeLists.txt): swagger-ui-dist's CSS, bundle and icons from the
// pinned npm package, plus brisk's own page and initializer (web/docs/).
#pragma once
#include <cstddef>
#include <span>
#include <string_view>

namespace brisk::ops {

struct EmbeddedAsset {
  std::string_view name;  // "index.html" or the file name under /docs/
  std::string_view content_type;
  std::string_view data;  // gzip bytes if `gzipped`, else the file itself
  bool gzipped;
  std::size_t size;       // the file's size before compression
  std::string_view hash;  // 16 hex digits of a hash of `data`, for the ETag
};

// Empty when the build embeds no UI (-DBRISK_DOCS_UI=OFF).
std::span<const EmbeddedAsset> docs_assets();

}  // namespace brisk::ops
