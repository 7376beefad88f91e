// problem+json answers at the API edge: plain ones and 422 with every error.
#pragma once
#include <string_view>

#include "api/errors.hpp"
#include "http/exchange.hpp"
#include "http/problem.hpp"

namespace brisk::api {

// Any status with a client-visible detail.
void reply_problem(http::Exchange& ex, int status, std::string_view detail);
// 422 listing every error.
void reply_invalid(http::Exchange& ex, const Errors& errors);
// Writes the 422 body into an already started response (for tests, reuse).
void write_invalid(http::ResponseBuilder& rb, const Errors& errors);

}  // namespace brisk::api
