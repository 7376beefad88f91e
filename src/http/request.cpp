#include "http/request.hpp"

#include "util/text.hpp"

namespace brisk::http {

std::string_view method_name(Method m) {
  switch (m) {
    case Method::kGet:
      return "GET";
    case Method::kHead:
      return "HEAD";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kOptions:
      return "OPTIONS";
    default:
      return "OTHER";
  }
}

const HeaderField* Request::find_header(std::string_view name) const {
  for (const HeaderField& f : headers) {
    if (util::iequals(f.name, name)) return &f;
  }
  return nullptr;
}

}  // namespace brisk::http
