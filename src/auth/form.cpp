#include "auth/form.hpp"

#include <simdjson.h>

#include "util/json_writer.hpp"
#include "util/text.hpp"

namespace brisk::auth {

std::string form_as_json(std::string_view body) {
  std::string json;
  util::JsonWriter w(json);
  w.StartObject();
  bool seen_user = false, seen_pass = false;
  while (!body.empty()) {
    auto amp = body.find('&');
    std::string_view part = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    auto eq = part.find('=');
    if (eq == std::string_view::npos) continue;
    std::string name, value;
    if (!util::percent_decode(part.substr(0, eq), name) ||
        !util::percent_decode(part.substr(eq + 1), value)) {
      continue;
    }
    bool& seen = name == "username" ? seen_user : seen_pass;
    if ((name == "username" || name == "password") && !seen) {
      seen = true;
      w.Key(name);
      w.String(value);
    }
  }
  w.EndObject();
  json.reserve(json.size() + simdjson::SIMDJSON_PADDING);
  return json;
}

}  // namespace brisk::auth
