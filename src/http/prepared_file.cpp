#include "http/prepared_file.hpp"

#include <cstdio>

#include "util/gzip.hpp"
#include "util/text.hpp"

namespace brisk::http {

namespace {

// q > 0 for a coding's parameters ("q=0" or "q=0.000" refuse it).
bool q_positive(std::string_view params) {
  bool positive = true;
  util::for_each_item(
      params,
      [&](std::string_view p) {
        if (p.size() < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=') return;
        positive = false;
        for (char c : util::trim(p.substr(2))) positive = positive || (c >= '1' && c <= '9');
      },
      ';');
  return positive;
}

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
  int gzip = -1, any = -1;  // -1: not listed, 0: refused, 1: accepted
  util::for_each_item(accept_encoding, [&](std::string_view item) {
    auto semi = item.find(';');
    std::string_view coding = util::trim(item.substr(0, semi));
    bool ok = semi == std::string_view::npos || q_positive(item.substr(semi + 1));
    if (util::iequals(coding, "gzip") || util::iequals(coding, "x-gzip")) {
      gzip = ok;
    } else if (coding == "*") {
      any = ok;
    }
  });
  return gzip == 1 || (gzip == -1 && any == 1);
}

bool etag_listed(std::string_view if_none_match, std::string_view etag) {
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  bool hit = false;
  util::for_each_item(if_none_match, [&](std::string_view item) {
    if (item.starts_with("W/")) item.remove_prefix(2);
    hit = hit || item == "*" || item == etag;
  });
  return hit;
}

PreparedFile::PreparedFile(FileHeaders h, std::string identity, bool compress) : headers_(h) {
  if (compress) {
    std::string gz = util::gzip(identity);
    if (gz.size() < identity.size()) gzip_owned_ = std::move(gz);
  }
  gzip_ = gzip_owned_;
  char hex[24];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a(identity)));
  set_etags(hex);
  // When the gzip is kept, the plain bytes are inflated again only if a
  // client does not accept gzip (few do not): the OpenAPI document is 52 kB
  // plain, 9 kB gzipped, and every heap page counts in an idle RSS of a few MB.
  if (gzip_.empty()) {
    identity_ = std::move(identity);
    std::call_once(inflate_once_, [] {});  // identity_ is ready
  }
}

PreparedFile::PreparedFile(FileHeaders h, std::string_view static_gzip, std::string_view hash)
    : headers_(h), gzip_(static_gzip) {
  set_etags(hash);
}

void PreparedFile::set_etags(std::string_view hex) {
  etag_ = "\"" + std::string(hex) + "\"";
  gzip_etag_ = "\"" + std::string(hex) + "-gzip\"";
}

std::string_view PreparedFile::identity() const {
  std::call_once(inflate_once_, [this] { identity_ = util::gunzip(gzip_); });
  return identity_;
}

void PreparedFile::serve(Exchange& ex) const {
  const Request& req = ex.request();
  const bool gz = !gzip_.empty() && accepts_gzip(req.header("accept-encoding"));
  std::string_view etag = gz ? std::string_view(gzip_etag_) : std::string_view(etag_);
  auto common = [&](ResponseBuilder& rb) {
    rb.header("ETag", etag).header("Cache-Control", headers_.cache_control);
    if (!gzip_.empty()) rb.header("Vary", "Accept-Encoding");
    rb.header("X-Content-Type-Options", "nosniff");
    if (!headers_.csp.empty()) rb.header("Content-Security-Policy", headers_.csp);
  };
  if (std::string_view inm = req.header("if-none-match"); !inm.empty() && etag_listed(inm, etag)) {
    ResponseBuilder rb = ex.respond(304);
    common(rb);
    rb.no_body();
    return;
  }
  ResponseBuilder rb = ex.respond(200);
  common(rb);
  if (gz) rb.header("Content-Encoding", "gzip");
  rb.body(headers_.content_type, gz ? gzip_ : identity());
}

}  // namespace brisk::http
