#include "http/router.hpp"

#include <gtest/gtest.h>

namespace brisk::http {
namespace {

class Nop final : public Handler {
 public:
  void handle(Exchange&) override {}
};

// A literal path is not a {param} value: /tasks/events is not the task
// "events", whichever route was added first, and its other methods get 405.
TEST(Router, ALiteralPathWinsOverAParamPatternForEveryMethod) {
  Nop a, b, c;
  Router r;
  r.add({Method::kGet, "/tasks/{id}", &a});
  r.add({Method::kDelete, "/tasks/{id}", &b});
  r.add({Method::kGet, "/tasks/events", &c});

  RouteMatch get = r.match(Method::kGet, "/tasks/events");
  ASSERT_NE(get.route, nullptr);
  EXPECT_EQ(get.route->handler, &c);
  EXPECT_EQ(r.match(Method::kHead, "/tasks/events").route->handler, &c);

  RouteMatch del = r.match(Method::kDelete, "/tasks/events");
  EXPECT_EQ(del.route, nullptr);
  EXPECT_TRUE(del.path_known);
  EXPECT_EQ(del.allow, "GET, HEAD");

  RouteMatch task = r.match(Method::kDelete, "/tasks/0192");
  ASSERT_NE(task.route, nullptr);
  EXPECT_EQ(task.route->handler, &b);
  EXPECT_EQ(task.param, "0192");
  RouteMatch other = r.match(Method::kGet, "/tasks/eventsx");
  ASSERT_NE(other.route, nullptr);
  EXPECT_EQ(other.route->handler, &a);
  EXPECT_EQ(other.param, "eventsx");
}

TEST(Router, UnknownPathsAndMethods) {
  Nop a;
  Router r;
  r.add({Method::kGet, "/tasks/{id}", &a});
  EXPECT_FALSE(r.match(Method::kGet, "/nope").path_known);
  EXPECT_FALSE(r.match(Method::kGet, "/tasks/").path_known);  // an empty {param}
  EXPECT_FALSE(r.match(Method::kGet, "/tasks/a/b").path_known);
  RouteMatch post = r.match(Method::kPost, "/tasks/x");
  EXPECT_EQ(post.route, nullptr);
  EXPECT_EQ(post.allow, "GET, HEAD");
}

}  // namespace
}  // namespace brisk::http
