// The generator: schemas from the model declaration, parameters, responses,
// security schemes, and refusal of inconsistent descriptions.
#include "api/openapi.hpp"
#include "auth/authenticator.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include <simdjson.h>

#include "api/operation.hpp"
#include "api/schema.hpp"
#include "store/no_store.hpp"
#include "tasks/openapi_docs.hpp"
#include "tasks/routes.hpp"

namespace brisk::api {
namespace {

class Noop final : public http::Handler {
 public:
  void handle(http::Exchange&) override {}
};

struct Doc {
  std::string json;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  explicit Doc(std::string text) : json(std::move(text)) {
    auto err = parser.parse(json).get(root);
    EXPECT_FALSE(err) << json;
  }
  simdjson::dom::element at(std::string_view pointer) {
    simdjson::dom::element e;
    auto err = root.at_pointer(pointer).get(e);
    EXPECT_FALSE(err) << "no " << pointer;
    return e;
  }
  bool has(std::string_view pointer) {
    simdjson::dom::element e;
    return !root.at_pointer(pointer).get(e);
  }
  std::string text(std::string_view pointer) { return simdjson::minify(at(pointer)); }
};

DocumentInfo info() {
  DocumentInfo i;
  i.title = "t";
  i.version = "1";
  i.tags = {{"tasks", ""}};
  return i;
}

Doc task_document(const DocumentInfo& i = info()) {
  store::NoStore none;
  auth::TokenCodec tokens(none.token_key());
  auth::Authenticator authenticator(false, tokens, none);
  tasks::TaskRoutes routes({none, tasks::CursorCodec(none.cursor_key()), authenticator});
  RouteTable r;
  routes.register_on(r);
  return Doc(write_openapi(r, i));
}

TEST(OpenApi, TaskSchemaComesFromTheModel) {
  Doc d = task_document();
  EXPECT_EQ(d.text("/openapi"), R"("3.1.0")");
  const std::string t = "/components/schemas/Task/properties/";
  EXPECT_EQ(d.text(t + "title/minLength"), "1");
  EXPECT_EQ(d.text(t + "title/maxLength"), "200");
  EXPECT_TRUE(d.has(t + "title/pattern"));
  EXPECT_EQ(d.text(t + "priority/minimum"), "1");
  EXPECT_EQ(d.text(t + "priority/maximum"), "5");
  EXPECT_EQ(d.text(t + "status/enum"), R"(["pending","in_progress","done"])");
  EXPECT_EQ(d.text(t + "due_at/type"), R"(["string","null"])");
  EXPECT_EQ(d.text(t + "due_at/format"), R"("date-time")");
  EXPECT_EQ(d.text(t + "id/format"), R"("uuid")");
  EXPECT_EQ(d.text(t + "id/readOnly"), "true");
  EXPECT_EQ(d.text(t + "version/readOnly"), "true");
  EXPECT_FALSE(d.has(t + "title/readOnly"));
  EXPECT_EQ(d.text(t + "tags/uniqueItems"), "true");
  EXPECT_EQ(d.text(t + "tags/maxItems"), "20");
  EXPECT_EQ(d.text(t + "tags/items/maxLength"), "50");
  EXPECT_EQ(
      d.text("/components/schemas/Task/required"),
      R"(["id","title","description","status","priority","due_at","tags","created_at","updated_at","version"])");
}

TEST(OpenApi, CreateAndUpdateSchemasHoldOnlyWritableFields) {
  Doc d = task_document();
  for (std::string name : {"TaskCreate", "TaskUpdate"}) {
    const std::string s = "/components/schemas/" + name;
    EXPECT_EQ(d.text(s + "/additionalProperties"), "false") << name;
    for (std::string ro : {"id", "created_at", "updated_at", "version"}) {
      EXPECT_FALSE(d.has(s + "/properties/" + ro)) << name << " has read-only " << ro;
    }
    EXPECT_TRUE(d.has(s + "/properties/title")) << name;
  }
  EXPECT_EQ(d.text("/components/schemas/TaskCreate/required"), R"(["title"])");
  EXPECT_EQ(d.text("/components/schemas/TaskCreate/properties/priority/default"), "1");
  EXPECT_FALSE(d.has("/components/schemas/TaskUpdate/required"));
  EXPECT_EQ(d.text("/components/schemas/TaskUpdate/minProperties"), "1");
  EXPECT_FALSE(d.has("/components/schemas/TaskUpdate/properties/priority/default"));
}

TEST(OpenApi, OperationsHaveParametersBodiesAndEveryStatus) {
  Doc d = task_document();
  EXPECT_EQ(d.text("/paths/~1tasks/post/operationId"), R"("createTask")");
  EXPECT_EQ(d.text("/paths/~1tasks/post/requestBody/content/application~1json/schema/$ref"),
            R"("#/components/schemas/TaskCreate")");
  EXPECT_EQ(d.text("/paths/~1tasks~1{id}/patch/requestBody/content/"
                   "application~1merge-patch+json/schema/$ref"),
            R"("#/components/schemas/TaskUpdate")");
  for (std::string s : {"201", "400", "409", "413", "415", "422", "429", "500"}) {
    EXPECT_TRUE(d.has("/paths/~1tasks/post/responses/" + s)) << s;
  }
  for (std::string s : {"200", "400", "404", "412", "415", "422", "500"}) {
    EXPECT_TRUE(d.has("/paths/~1tasks~1{id}/put/responses/" + s)) << s;
  }
  EXPECT_TRUE(d.has("/paths/~1tasks~1{id}/get/responses/304"));
  EXPECT_EQ(d.text("/paths/~1tasks~1{id}/get/parameters/0/in"), R"("path")");
  EXPECT_EQ(d.text("/paths/~1tasks~1{id}/get/parameters/1/name"), R"("If-None-Match")");
  EXPECT_EQ(d.text("/paths/~1tasks~1{id}/delete/parameters/1/name"), R"("If-Match")");
  EXPECT_EQ(d.text("/paths/~1tasks/post/parameters/0/name"), R"("Idempotency-Key")");
  // Query parameters come from the handler's own declarations.
  EXPECT_EQ(d.text("/paths/~1tasks/get/parameters/0/in"), R"("query")");
  // The 422 example is a problem with an errors list, as brisk writes it.
  EXPECT_EQ(d.text("/paths/~1tasks/post/responses/422/content/application~1problem+json/"
                   "example/detail"),
            R"("2 validation errors")");
  EXPECT_EQ(d.text("/paths/~1tasks/post/responses/422/content/application~1problem+json/"
                   "example/errors/0/loc"),
            R"(["body","title"])");
  EXPECT_TRUE(d.has("/components/schemas/ValidationProblem/properties/errors"));
  // A TaskList refers to Task, which is therefore a component too.
  EXPECT_TRUE(d.has("/components/schemas/TaskList"));
  EXPECT_TRUE(d.has("/components/schemas/Task"));
}

TEST(OpenApi, NoSecuritySchemeMeansNothingRequired) {
  Doc d = task_document();
  EXPECT_EQ(d.text("/security"), "[]");
  EXPECT_FALSE(d.has("/components/securitySchemes"));
}

TEST(OpenApi, RegisteringASecuritySchemeIsOneCall) {
  static constexpr ResponseDoc kOk[] = {{.status = 200, .description = "ok"}};
  const Operation public_op{.operation_id = "open",
                            .summary = "s",
                            .tag = "tasks",
                            .responses = kOk,
                            .public_route = true};
  DocumentInfo i = info();
  i.add_security_scheme("bearer", R"({"type":"http","scheme":"bearer","bearerFormat":"JWT"})");
  store::NoStore none;
  auth::TokenCodec tokens(none.token_key());
  auth::Authenticator authenticator(false, tokens, none);
  tasks::TaskRoutes routes({none, tasks::CursorCodec(none.cursor_key()), authenticator});
  RouteTable r;
  routes.register_on(r);
  Noop h;
  r.add({http::Method::kGet, "/open", &h}, public_op);
  Doc d(write_openapi(r, i));
  EXPECT_EQ(d.text("/components/securitySchemes/bearer/scheme"), R"("bearer")");
  EXPECT_EQ(d.text("/security"), R"([{"bearer":[]}])");
  EXPECT_EQ(d.text("/paths/~1open/get/security"), "[]");
  EXPECT_FALSE(d.has("/paths/~1tasks/get/security"));  // the root requirement applies
}

TEST(OpenApi, InconsistentDescriptionsAreRefused) {
  static constexpr ResponseDoc kOk[] = {{.status = 200, .description = "ok"}};
  const Operation op{.operation_id = "x", .summary = "s", .responses = kOk};
  Noop h;
  {
    RouteTable r;
    r.add_undocumented({http::Method::kGet, "/x", &h});
    EXPECT_THROW(write_openapi(r, info()), std::logic_error) << "a route without a description";
  }
  {
    RouteTable r;
    r.add({http::Method::kGet, "/x/{id}", &h}, op);
    EXPECT_THROW(write_openapi(r, info()), std::logic_error) << "an undescribed path parameter";
  }
  {
    RouteTable r;
    r.add({http::Method::kGet, "/x", &h}, op);
    r.add({http::Method::kGet, "/y", &h}, op);
    EXPECT_THROW(write_openapi(r, info()), std::logic_error) << "a repeated operationId";
  }
  {
    const Operation tagged{.operation_id = "x", .summary = "s", .tag = "nope", .responses = kOk};
    RouteTable r;
    r.add({http::Method::kGet, "/x", &h}, tagged);
    EXPECT_THROW(write_openapi(r, info()), std::logic_error) << "an undeclared tag";
  }
  {
    const Operation bad{.operation_id = "x",
                        .summary = "s",
                        .request = &tasks::kTaskCreateSchema,
                        .request_example = "{not json",
                        .responses = kOk};
    RouteTable r;
    r.add({http::Method::kPost, "/x", &h}, bad);
    EXPECT_THROW(write_openapi(r, info()), std::logic_error) << "malformed example JSON";
  }
  {
    RouteTable r;
    r.add({http::Method::kGet, "/x", &h}, op);
    EXPECT_NO_THROW(write_openapi(r, info()));
  }
}

}  // namespace
}  // namespace brisk::api
