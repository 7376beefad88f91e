// Validation errors, collected (never stop at the first) and reported as one
// 422 problem with an "errors" list. Each error has a `loc` path, a
// human-readable `msg` and a machine-readable `type` (Pydantic's names
// where one exists, so FastAPI clients recognise them).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace brisk::api {

struct FieldError {
  std::string_view source;  // "body", "query", "path" or "header"
  std::string field;        // empty: the error is about the whole source
  int index = -1;           // list item index, or -1
  std::string_view type;
  std::string msg;
};

using Errors = std::vector<FieldError>;

}  // namespace brisk::api
