// The task resource's route table: one entry per operation, with its
// handler and its OpenAPI description (operations.hpp), read by both the
// router and the OpenAPI generator.
#pragma once
#include <memory>
#include <vector>

#include "auth/authenticator.hpp"
#include "http/router.hpp"
#include "store/store.hpp"
#include "tasks/cursor.hpp"

namespace brisk::tasks {

struct Context {
  store::Store& store;
  CursorCodec cursors;
  const auth::Authenticator& auth;
};

class TaskRoutes {
 public:
  explicit TaskRoutes(Context ctx);
  ~TaskRoutes();
  void register_on(http::Router& r);

 private:
  Context ctx_;
  std::vector<std::unique_ptr<http::Handler>> handlers_;
};

}  // namespace brisk::tasks
