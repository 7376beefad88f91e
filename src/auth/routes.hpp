// /auth/register, /auth/token and /auth/me.
#pragma once
#include <memory>
#include <vector>

#include "api/route_table.hpp"
#include "auth/authenticator.hpp"
#include "auth/throttle.hpp"
#include "auth/token.hpp"
#include "http/router.hpp"
#include "store/store.hpp"
#include "util/work_pool.hpp"

namespace brisk::auth {

struct AuthContext {
  store::Store& store;
  const Authenticator& auth;
  const TokenCodec& tokens;
  util::WorkPool& hashing;  // Argon2id runs here, never on an event loop
  LoginThrottle& throttle;
};

class AuthRoutes {
 public:
  explicit AuthRoutes(AuthContext ctx);
  ~AuthRoutes();
  void register_on(api::RouteTable& r);

 private:
  AuthContext ctx_;
  std::vector<std::unique_ptr<http::Handler>> handlers_;
};

}  // namespace brisk::auth
