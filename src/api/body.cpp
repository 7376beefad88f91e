#include "api/body.hpp"

#include "api/json_input.hpp"
#include "api/problem.hpp"
#include "util/text.hpp"

namespace brisk::api {

bool media_type_is(const http::Request& req, std::string_view type) {
  const http::HeaderField* ct = req.find_header("content-type");
  if (!ct) return false;
  std::string_view mt = util::trim(ct->value.substr(0, ct->value.find(';')));
  return util::iequals(mt, type);
}

bool require_json(http::Exchange& ex, JsonMedia accepted) {
  const bool allow_merge_patch = accepted == JsonMedia::kJsonMergePatch;
  const http::Request& req = ex.request();
  if (media_type_is(req, "application/json") ||
      (allow_merge_patch && media_type_is(req, "application/merge-patch+json"))) {
    return true;
  }
  reply_problem(ex, 415,
                allow_merge_patch
                    ? "Content-Type must be application/json or application/merge-patch+json"
                    : "Content-Type must be application/json");
  return false;
}

bool parse_object(http::Exchange& ex, simdjson::dom::object& obj) {
  simdjson::dom::element doc;
  std::string_view reason;
  if (!thread_json_input().parse(ex.request().body, doc, reason)) {
    reply_problem(ex, 400, reason);
    return false;
  }
  if (doc.get_object().get(obj)) {
    reply_problem(ex, 400, "the request body must be a JSON object");
    return false;
  }
  return true;
}

}  // namespace brisk::api
