#include "tasks/request_body.hpp"

#include "api/json_input.hpp"
#include "api/problem.hpp"
#include "util/text.hpp"

namespace brisk::tasks {

bool require_json(http::Exchange& ex, bool allow_merge_patch) {
  const http::Request& req = ex.request();
  std::string_view mt = req.content_type.substr(0, req.content_type.find(';'));
  while (!mt.empty() && (mt.back() == ' ' || mt.back() == '\t')) mt.remove_suffix(1);
  while (!mt.empty() && (mt.front() == ' ' || mt.front() == '\t')) mt.remove_prefix(1);
  if (req.has_content_type && (util::iequals(mt, "application/json") ||
                               (allow_merge_patch && util::iequals(mt, "application/merge-patch+json")))) {
    return true;
  }
  api::reply_problem(ex, 415,
                     allow_merge_patch
                         ? "Content-Type must be application/json or application/merge-patch+json"
                         : "Content-Type must be application/json");
  return false;
}

bool parse_object(http::Exchange& ex, simdjson::dom::object& obj) {
  simdjson::dom::element doc;
  std::string_view reason;
  if (!api::thread_json_input().parse(ex.request().body, doc, reason)) {
    api::reply_problem(ex, 400, reason);
    return false;
  }
  if (doc.get_object().get(obj)) {
    api::reply_problem(ex, 400, "the request body must be a JSON object");
    return false;
  }
  return true;
}

void reply_not_found(http::Exchange& ex, std::string_view id_text) {
  if (id_text.size() > 64 || !util::utf8_valid(id_text)) id_text = "with this id";
  api::reply_problem(ex, 404, "task " + std::string(id_text) + " not found");
}

bool parse_task_id(http::Exchange& ex, util::Uuid& id) {
  if (util::parse_uuid(ex.param(), id)) return true;
  reply_not_found(ex, ex.param());
  return false;
}

}  // namespace brisk::tasks
