#include "api/query.hpp"

#include "util/text.hpp"

namespace brisk::api {

std::vector<QueryParam> parse_query(std::string_view query, std::span<const QueryParamDecl> decls,
                                    Errors& errs) {
  std::vector<QueryParam> out;
  std::vector<unsigned> seen(decls.size(), 0);
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    std::string_view raw_name = part.substr(0, eq);
    std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
    QueryParam p;
    if (!util::percent_decode(raw_name, p.name)) {
      errs.push_back({"query", std::string(raw_name), -1, "query_parsing",
                      "Malformed percent-encoding in the parameter name"});
      continue;
    }
    if (!util::percent_decode(raw_value, p.value)) {
      errs.push_back({"query", p.name, -1, "query_parsing",
                      "Malformed percent-encoding or invalid UTF-8 in the value"});
      continue;
    }
    std::size_t i = 0;
    while (i < decls.size() && decls[i].name != p.name) ++i;
    if (i == decls.size()) {
      errs.push_back({"query", p.name, -1, "extra_forbidden", "Unknown query parameter"});
      continue;
    }
    if (++seen[i] == 2 && !decls[i].repeatable) {
      errs.push_back({"query", p.name, -1, "duplicate_parameter",
                      "This parameter takes one value and was given more than once"});
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace brisk::api
