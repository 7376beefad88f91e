// Account models: the credentials of register / token requests and the
// user as the API shows it.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "api/model.hpp"
#include "util/uuid.hpp"

namespace brisk::auth {

struct Credentials {
  std::string username;
  std::string password;
};

// POST /auth/register: username 3..32 of [a-z0-9_.-], password 8..128.
extern const api::Model<Credentials> kRegisterModel;
// POST /auth/token (JSON): both required, no policy checks (a wrong or
// too-short password is the same 401).
extern const api::Model<Credentials> kLoginModel;

struct UserView {
  util::Uuid id;
  std::string username;
  std::int64_t created_at = 0;
};
extern const api::Model<UserView> kUserModel;

struct TokenView {
  std::string access_token;
  std::string token_type = "bearer";
  std::int64_t expires_in = 0;
};
extern const api::Model<TokenView> kTokenModel;

std::string serialize(const UserView& u);

// The rules of POST /auth/register (kRegisterModel) for an account made
// elsewhere (brisk user create): every problem, one per line, or empty.
std::string check_new_account(std::string_view username, std::string_view password);
std::string serialize(const TokenView& t);

}  // namespace brisk::auth
