#include "api/problem.hpp"

namespace brisk::api {

void reply_problem(http::Exchange& ex, int status, std::string_view detail) {
  http::ResponseBuilder rb = ex.respond(status);
  http::write_problem(rb, detail);
}

void write_invalid(http::ResponseBuilder& rb, const Errors& errors) {
  std::string detail = errors.size() == 1 ? "1 validation error"
                                          : std::to_string(errors.size()) + " validation errors";
  http::write_problem(rb, detail, [&](util::JsonWriter& w) {
    w.Key("errors");
    w.StartArray();
    for (const FieldError& e : errors) {
      w.StartObject();
      w.Key("loc");
      w.StartArray();
      w.String(e.source);
      if (!e.field.empty()) w.String(e.field);
      if (e.index >= 0) w.Int64(e.index);
      w.EndArray();
      w.Key("msg");
      w.String(e.msg);
      w.Key("type");
      w.String(e.type);
      w.EndObject();
    }
    w.EndArray();
  });
}

void reply_invalid(http::Exchange& ex, const Errors& errors) {
  http::ResponseBuilder rb = ex.respond(422);
  write_invalid(rb, errors);
}

}  // namespace brisk::api
