#include "http/problem.hpp"

namespace brisk::http {

void write_problem(ResponseBuilder& rb, std::string_view detail,
                   const std::function<void(util::JsonWriter&)>& extra) {
  std::string& out = rb.begin_body(kProblemType);
  util::JsonWriter w(out);
  w.StartObject();
  w.Key("type");
  w.String("about:blank");
  w.Key("title");
  w.String(reason_phrase(rb.status()));
  w.Key("status");
  w.Int64(rb.status());
  w.Key("detail");
  w.String(detail);
  if (!rb.request_id().empty()) {
    w.Key("request_id");
    w.String(rb.request_id());
  }
  if (extra) extra(w);
  w.EndObject();
  rb.end_body();
}

}  // namespace brisk::http
