// Shared request checks for task handlers: media type (415), JSON body
// (400), id in the path (404).
#pragma once
#include <string_view>

#include <simdjson.h>

#include "http/exchange.hpp"
#include "util/uuid.hpp"

namespace brisk::tasks {

// True if Content-Type is application/json (or, when allowed,
// application/merge-patch+json); otherwise answers 415 and returns false.
bool require_json(http::Exchange& ex, bool allow_merge_patch);

// Parses the body as a JSON object; otherwise answers 400 and returns false.
bool parse_object(http::Exchange& ex, simdjson::dom::object& obj);

// Parses the {id} path segment; otherwise answers 404 and returns false.
bool parse_task_id(http::Exchange& ex, util::Uuid& id);

// 404 for a task that does not exist (or belongs to someone else).
void reply_not_found(http::Exchange& ex, std::string_view id_text);

}  // namespace brisk::tasks
