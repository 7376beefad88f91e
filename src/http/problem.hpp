// RFC 9457 problem details. The HTTP layer uses it for its own errors (400,
// 408, 413, 431); the API adds validation error lists through `extra`.
#pragma once
#include <functional>
#include <string_view>

#include "http/response.hpp"
#include "util/json_writer.hpp"

namespace brisk::http {

inline constexpr std::string_view kProblemType = "application/problem+json";

// Writes {"type":"about:blank","title":<reason>,"status":N,"detail":...,
// "request_id":...} (the response's X-Request-Id).
// `detail` is client-visible text: never SQL, paths or secrets.
// `extra`, if set, writes further members before the object closes.
void write_problem(ResponseBuilder& rb, std::string_view detail,
                   const std::function<void(util::JsonWriter&)>& extra = {});

}  // namespace brisk::http
