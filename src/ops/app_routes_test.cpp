// The OpenAPI document against the route table it is generated from.
#include "ops/app_routes.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

#include <simdjson.h>

#include "store/no_store.hpp"

namespace brisk::ops {
namespace {

using Pair = std::pair<std::string, std::string>;  // (METHOD, path)

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  return out;
}

struct Parsed {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  explicit Parsed(const std::string& json) {
    auto err = parser.parse(json).get(doc);
    EXPECT_FALSE(err) << "the document is not JSON";
  }
};

TEST(AppRoutesOpenApi, DocumentDescribesExactlyTheRoutesTheRouterServes) {
  store::NoStore none;
  api::RouteTable table;
  AppRoutes app(none, {}, table);
  std::set<Pair> routed;
  std::set<Pair> unlisted;
  for (const api::DocumentedRoute& d : app.routes().routes()) {
    (d.unlisted ? unlisted : routed)
        .emplace(std::string(http::method_name(d.route.method)), std::string(d.route.pattern));
  }
  EXPECT_EQ(routed.size() + unlisted.size(), app.router().routes().size());
  // Only redirects to a documented route are left out of the document.
  EXPECT_EQ(unlisted, (std::set<Pair>{{"GET", "/docs/"}}));
  Parsed p(api::write_openapi(app.routes(), document_info()));
  std::set<Pair> documented;
  simdjson::dom::object paths;
  ASSERT_FALSE(p.doc["paths"].get(paths));
  for (auto [path, item] : paths) {
    for (auto [method, op] : simdjson::dom::object(item)) {
      documented.emplace(upper(method), std::string(path));
    }
  }
  EXPECT_EQ(routed, documented);
  // The routes the contract names are all there (the set is not trivially empty).
  for (const Pair& want : std::initializer_list<Pair>{{"GET", "/tasks"},
                                                      {"POST", "/tasks"},
                                                      {"GET", "/tasks/{id}"},
                                                      {"PUT", "/tasks/{id}"},
                                                      {"PATCH", "/tasks/{id}"},
                                                      {"DELETE", "/tasks/{id}"},
                                                      {"GET", "/healthz"},
                                                      {"GET", "/readyz"},
                                                      {"GET", "/openapi.json"},
                                                      {"GET", "/docs"},
                                                      {"GET", "/"},
                                                      {"GET", "/app/{asset}"}}) {
    EXPECT_TRUE(documented.count(want)) << want.first << " " << want.second;
  }
}

TEST(AppRoutesOpenApi, CliDocumentDiffersFromServedOnlyInServers) {
  store::NoStore none;
  api::RouteTable table;
  AppRoutes app(none, {}, table);
  api::DocumentInfo info = document_info();
  info.servers.push_back({"http://127.0.0.1:8000", "brisk serve with its default --listen"});
  EXPECT_EQ(openapi_document(), api::write_openapi(app.routes(), info));
}

}  // namespace
}  // namespace brisk::ops
