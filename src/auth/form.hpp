// The OAuth2 password flow's form body (application/x-www-form-urlencoded)
// as the JSON object the login model binds, so that a form and a JSON body
// are validated by the same declaration.
#pragma once
#include <string>
#include <string_view>

namespace brisk::auth {

// {"username": ..., "password": ...} with the percent-decoded value of the
// first `username` and the first `password` field of `body` (a later
// repeat is ignored, as are other fields such as grant_type and scope, and
// pairs that are not name=value or do not decode). The text has
// simdjson::SIMDJSON_PADDING bytes of capacity after its end.
std::string form_as_json(std::string_view body);

}  // namespace brisk::auth
