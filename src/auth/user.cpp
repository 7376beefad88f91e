#include "auth/user.hpp"

#include "api/model_bind.hpp"

namespace brisk::auth {

namespace {
using api::Field;
using api::FieldType;

bool username_chars(std::string_view s) {
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

const Field<Credentials> kRegisterFields[] = {
    {.name = "username",
     .type = FieldType::kString,
     .str = &Credentials::username,
     .min = 3,
     .max = 32,
     .required = true,
     .description = "3..32 characters of a-z, 0-9, '_', '.', '-'.",
     .example = R"("alice")",
     .pattern = "^[a-z0-9_.-]+$",
     .pattern_ok = username_chars},
    {.name = "password",
     .type = FieldType::kString,
     .str = &Credentials::password,
     .min = 8,
     .max = 128,
     .required = true,
     .description = "8..128 characters; stored only as an Argon2id hash.",
     .example = R"("correct horse battery")"},
};

const Field<Credentials> kLoginFields[] = {
    {.name = "username",
     .type = FieldType::kString,
     .str = &Credentials::username,
     .min = 0,
     .max = 256,
     .required = true,
     .example = R"("alice")"},
    {.name = "password",
     .type = FieldType::kString,
     .str = &Credentials::password,
     .min = 0,
     .max = 1024,
     .required = true,
     .example = R"("correct horse battery")"},
};

const Field<UserView> kUserFields[] = {
    {.name = "id",
     .type = FieldType::kUuid,
     .uuid = &UserView::id,
     .read_only = true,
     .description = "UUIDv7 assigned by the server.",
     .example = R"("019a5c8f-0b1e-7c44-8e0f-4f4b3b8c9a10")"},
    {.name = "username",
     .type = FieldType::kString,
     .str = &UserView::username,
     .min = 3,
     .max = 32,
     .read_only = true,
     .example = R"("alice")"},
    {.name = "created_at",
     .type = FieldType::kDateTime,
     .integer = &UserView::created_at,
     .read_only = true,
     .description = "When the account was created.",
     .example = R"("2026-11-22T09:31:02.410Z")"},
};
const Field<TokenView> kTokenFields[] = {
    {.name = "access_token",
     .type = FieldType::kString,
     .str = &TokenView::access_token,
     .min = 1,
     .max = 4096,
     .read_only = true,
     .description = "An HS256 JWT; send it as Authorization: Bearer <token>.",
     .example = R"("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMTlhIn0.c2ln")"},
    {.name = "token_type",
     .type = FieldType::kString,
     .str = &TokenView::token_type,
     .min = 6,
     .max = 6,
     .read_only = true,
     .description = "Always \"bearer\".",
     .example = R"("bearer")"},
    {.name = "expires_in",
     .type = FieldType::kInteger,
     .integer = &TokenView::expires_in,
     .min = 1,
     .max = 86400,
     .read_only = true,
     .description = "Seconds until the token expires.",
     .example = "3600"},
};
}  // namespace

const api::Model<Credentials> kRegisterModel{"Register", kRegisterFields};
const api::Model<Credentials> kLoginModel{"Login", kLoginFields};
const api::Model<UserView> kUserModel{"User", kUserFields};
const api::Model<TokenView> kTokenModel{"Token", kTokenFields};

namespace {
template <class T>
std::string to_json(const api::Model<T>& m, const T& v) {
  std::string out;
  util::JsonWriter w(out);
  api::write_object(m, v, w);
  return out;
}
}  // namespace

std::string serialize(const UserView& u) {
  return to_json(kUserModel, u);
}
std::string serialize(const TokenView& t) {
  return to_json(kTokenModel, t);
}

std::string check_new_account(std::string_view username, std::string_view password) {
  std::string json;
  util::JsonWriter w(json);
  w.StartObject();
  w.Key("username");
  w.String(username);
  w.Key("password");
  w.String(password);
  w.EndObject();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::object obj;
  if (parser.parse(json).get(doc) || doc.get_object().get(obj)) return "not valid text";
  Credentials c;
  api::Errors errs;
  api::bind(kRegisterModel, obj, api::Mode::kCreate, c, errs);
  std::string out;
  for (const api::FieldError& e : errs) out += e.field + ": " + e.msg + "\n";
  return out;
}

}  // namespace brisk::auth
