#include "http/router.hpp"

namespace brisk::http {

namespace {
// Matches `path` against `pattern`, capturing the {param} segment, which must
// be non-empty and contain no '/'.
bool match_pattern(std::string_view pattern, std::string_view path, std::string_view& param) {
  auto open = pattern.find('{');
  if (open == std::string_view::npos) return pattern == path;
  auto close = pattern.find('}', open);
  std::string_view prefix = pattern.substr(0, open);
  std::string_view suffix = pattern.substr(close + 1);
  if (path.size() <= prefix.size() + suffix.size()) return false;
  if (path.substr(0, prefix.size()) != prefix) return false;
  if (path.substr(path.size() - suffix.size()) != suffix) return false;
  std::string_view mid = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
  if (mid.find('/') != std::string_view::npos) return false;
  param = mid;
  return true;
}
}  // namespace

RouteMatch Router::match(Method m, std::string_view path) const {
  // A pattern without {param} that equals the path takes it from every
  // pattern with one, for every method: /tasks/events is not the task
  // "events" (a GET goes to its route, a DELETE gets 405), whatever the
  // order the routes were added in.
  bool literal = false;
  for (const Route& r : routes_) {
    if (r.pattern == path && r.pattern.find('{') == std::string_view::npos) {
      literal = true;
      break;
    }
  }
  auto candidate = [&](const Route& r, std::string_view& param) {
    if (literal) return r.pattern == path;
    return match_pattern(r.pattern, path, param);
  };
  RouteMatch result;
  Method want = m == Method::kHead ? Method::kGet : m;
  for (const Route& r : routes_) {
    std::string_view param;
    if (!candidate(r, param)) continue;
    result.path_known = true;
    if (r.method == want) {
      result.route = &r;
      result.param = param;
      return result;
    }
  }
  if (result.path_known) {
    for (const Route& r : routes_) {
      std::string_view param;
      if (!candidate(r, param)) continue;
      if (!result.allow.empty()) result.allow += ", ";
      result.allow += method_name(r.method);
      if (r.method == Method::kGet) result.allow += ", HEAD";
    }
  }
  return result;
}

}  // namespace brisk::http
