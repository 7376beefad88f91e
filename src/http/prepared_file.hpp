// Bytes prepared once and served many times (the OpenAPI document, the docs
// UI): Content-Type, a strong ETag per representation, Cache-Control, and
// gzip when the client accepts it. Nothing is computed per request except
// the choice of representation and the If-None-Match check.
#pragma once
#include <mutex>
#include <string>
#include <string_view>

#include "http/exchange.hpp"

namespace brisk::http {

// True if Accept-Encoding allows gzip (gzip, x-gzip or *, with q > 0).
bool accepts_gzip(std::string_view accept_encoding);

// True if If-None-Match is "*" or lists `etag` (weak comparison: W/ ignored).
bool etag_listed(std::string_view if_none_match, std::string_view etag);

struct FileHeaders {
  std::string_view content_type;
  std::string_view cache_control;  // e.g. "no-cache" or "public, max-age=31536000, immutable"
  std::string_view csp = {};       // Content-Security-Policy, for pages
};

class PreparedFile {
 public:
  // From the file itself; gzips it now when `compress` and it gets smaller,
  // and then keeps only the gzip (the plain bytes are inflated on demand).
  PreparedFile(FileHeaders h, std::string identity, bool compress);
  // From gzip bytes that live as long as the process (embedded at build
  // time) and their hash (hex, computed at build time too); the plain bytes
  // are inflated the first time a client needs them.
  PreparedFile(FileHeaders h, std::string_view static_gzip, std::string_view hash);

  // Answers 200 (or 304 when If-None-Match lists the representation's ETag).
  void serve(Exchange& ex) const;

  std::string_view identity() const;
  std::string_view gzip() const { return gzip_; }
  std::string_view etag() const { return etag_; }
  std::string_view gzip_etag() const { return gzip_etag_; }

 private:
  void set_etags(std::string_view hex);

  FileHeaders headers_;
  std::string gzip_owned_;
  std::string_view gzip_;
  std::string etag_, gzip_etag_;
  mutable std::once_flag inflate_once_;
  mutable std::string identity_;
};

}  // namespace brisk::http
