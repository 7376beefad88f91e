// OpenAPI descriptions of the account routes, and the security schemes.
#pragma once
#include "api/operation.hpp"

namespace brisk::auth {

extern const api::Operation kRegisterOp;
extern const api::Operation kTokenOp;
extern const api::Operation kMeOp;

// components.securitySchemes entries: a bearer JWT, and the OAuth2 password
// flow at /auth/token that Swagger UI's Authorize button uses.
inline constexpr std::string_view kBearerScheme =
    R"({"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": "An access token from POST /auth/token."})";
inline constexpr std::string_view kOAuth2Scheme =
    R"({"type": "oauth2", "description": "Username and password for an access token.",
        "flows": {"password": {"tokenUrl": "/auth/token", "scopes": {}}}})";

}  // namespace brisk::auth
