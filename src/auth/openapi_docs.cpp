#include "auth/openapi_docs.hpp"

#include "api/schema.hpp"
#include "auth/user.hpp"

namespace brisk::auth {

namespace {
using api::ResponseDoc;
using api::SchemaVariant;

const api::SchemaDoc kRegisterSchema{
    "Register", &api::model_schema<Credentials, kRegisterModel, SchemaVariant::kCreate>};
const api::SchemaDoc kLoginSchema{
    "Login", &api::model_schema<Credentials, kLoginModel, SchemaVariant::kCreate>};
const api::SchemaDoc kUserSchema{"User",
                                 &api::model_schema<UserView, kUserModel, SchemaVariant::kRead>};
const api::SchemaDoc kTokenSchema{"Token",
                                  &api::model_schema<TokenView, kTokenModel, SchemaVariant::kRead>};

constexpr std::string_view kTag = "accounts";

const api::HeaderDoc kRetryAfter{"Retry-After", "Whole seconds until logins are allowed again.",
                                 R"({"type":"integer","minimum":1})"};
const api::HeaderDoc* const kRetryAfterHeaders[] = {&kRetryAfter};
const api::HeaderDoc kBusyRetryAfter{"Retry-After", "Whole seconds to wait before retrying.",
                                     R"({"type":"integer","minimum":1})"};
const api::HeaderDoc* const kBusyHeaders[] = {&kBusyRetryAfter};
constexpr std::string_view kBusyDoc =
    "More password checks are waiting than brisk queues (16 behind the running one: each "
    "Argon2id hash takes 64 MiB, so they run one at a time); see Retry-After.";

const ResponseDoc kRegisterResponses[] = {
    {.status = 201,
     .description = "The account was created.",
     .schema = &kUserSchema,
     .write_example = &api::model_example<UserView, kUserModel>},
    api::problem(400, "The body is not a well-formed JSON object.",
                 "the request body is not well-formed JSON"),
    api::problem(404, "Accounts are disabled (--auth off).",
                 "accounts are disabled: this server runs with --auth off"),
    api::problem(409, "The username is taken.", "username 'alice' is taken"),
    api::problem(415, "Content-Type is not application/json.",
                 "Content-Type must be application/json"),
    api::invalid(
        "A field is missing, too short or too long, or the username has other characters.",
        R"([{"loc": ["body", "password"], "msg": "String should have at least 8 characters",
                      "type": "string_too_short"}])"),
    api::problem(500, "The account could not be stored.", "the account could not be stored"),
    api::problem(503, kBusyDoc, "too many password checks at once; retry in a second",
                 kBusyHeaders),
};

constexpr std::string_view kTokenMediaTypes[] = {"application/json",
                                                 "application/x-www-form-urlencoded"};
const ResponseDoc kTokenResponses[] = {
    {.status = 200,
     .description = "An access token, valid for an hour.",
     .schema = &kTokenSchema,
     .example =
         R"({"access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMTlhNWM4Zi0wYjFlLTdjNDQtOGUwZi00ZjRiM2I4YzlhMTAiLCJpYXQiOjE3OTUzMzk4MDAsImV4cCI6MTc5NTM0MzQwMH0.c2lnbmF0dXJl",
                   "token_type": "bearer", "expires_in": 3600})"},
    api::problem(400, "The body is not a well-formed JSON object.",
                 "the request body is not well-formed JSON"),
    api::problem(401, "Unknown username or wrong password (the same answer for both).",
                 "invalid username or password"),
    api::problem(404, "Accounts are disabled (--auth off).",
                 "accounts are disabled: this server runs with --auth off"),
    api::problem(415, "Content-Type is neither JSON nor form-encoded.",
                 "Content-Type must be application/json or application/x-www-form-urlencoded"),
    api::invalid("username or password is missing.",
                 R"([{"loc": ["body", "password"], "msg": "Field required", "type": "missing"}])"),
    api::problem(429,
                 "10 failed logins within a minute for this username or from this address; "
                 "see Retry-After.",
                 "too many failed logins; retry later", kRetryAfterHeaders),
    api::problem(500, "The account could not be read.", "the account could not be read"),
    api::problem(503, kBusyDoc, "too many password checks at once; retry in a second",
                 kBusyHeaders),
};

const ResponseDoc kMeResponses[] = {
    {.status = 200,
     .description = "The account the token belongs to.",
     .schema = &kUserSchema,
     .write_example = &api::model_example<UserView, kUserModel>},
    api::problem(404, "Accounts are disabled (--auth off).",
                 "accounts are disabled: this server runs with --auth off"),
};
}  // namespace

const api::Operation kRegisterOp{
    .operation_id = "register",
    .summary = "Create an account",
    .description =
        "Usernames are 3..32 characters of `a-z 0-9 _ . -`; passwords 8..128 "
        "characters, stored only as Argon2id hashes.",
    .tag = kTag,
    .request = &kRegisterSchema,
    .request_example = R"({"username": "alice", "password": "correct horse battery"})",
    .responses = kRegisterResponses,
    .public_route = true};

const api::Operation kTokenOp{
    .operation_id = "createToken",
    .summary = "Log in: exchange a username and password for an access token",
    .description =
        "Takes a JSON body or the form-encoded OAuth2 password flow (what the "
        "Authorize button sends). Send the token as `Authorization: Bearer <token>`.",
    .tag = kTag,
    .request = &kLoginSchema,
    .request_media_types = kTokenMediaTypes,
    .request_example = R"({"username": "alice", "password": "correct horse battery"})",
    .responses = kTokenResponses,
    .public_route = true};

const api::Operation kMeOp{.operation_id = "getMe",
                           .summary = "The current account",
                           .tag = kTag,
                           .responses = kMeResponses};

}  // namespace brisk::auth
