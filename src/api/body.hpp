// Shared request checks for handlers: media type (415), JSON body (400).
#pragma once
#include <cstdint>
#include <string_view>

#include <simdjson.h>

#include "http/exchange.hpp"

namespace brisk::api {

// True if Content-Type is one `accepted` allows; otherwise answers 415 and
// returns false.
enum class JsonMedia : std::uint8_t {
  kJson,            // application/json
  kJsonMergePatch,  // application/json or application/merge-patch+json
};
bool require_json(http::Exchange& ex, JsonMedia accepted);

// Parses the body as a JSON object; otherwise answers 400 and returns false.
bool parse_object(http::Exchange& ex, simdjson::dom::object& obj);

// True if the media type of Content-Type equals `type` (case-insensitive,
// parameters such as charset ignored).
bool media_type_is(const http::Request& req, std::string_view type);

}  // namespace brisk::api
