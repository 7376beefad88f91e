// Bodies of POST /auth/register (JSON) and POST /auth/token (JSON, or the
// OAuth2 password flow's form), bound as the handlers bind them.
//
// Properties:
// - an accepted register body has a username of 3..32 of [a-z0-9_.-] and a
//   password of 8..128 code points; a login body binds any strings;
// - accepted credentials written out again bind to the same values;
// - a form body always becomes a JSON object (form_as_json), whose
//   username and password are the first decodable occurrences of those
//   fields, as an independent reading of the form finds them; and
//   credentials percent-encoded as a form come back unchanged;
// - a rejected body yields a 422 whose JSON lists every error.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/json_input.hpp"
#include "api/model_bind.hpp"
#include "auth/form.hpp"
#include "auth/user.hpp"
#include "check.hpp"
#include "support.hpp"
#include "util/text.hpp"

namespace {

using namespace brisk;
using auth::Credentials;

bool bind_json(std::string_view text, const api::Model<Credentials>& m, Credentials& out,
               api::Errors& errs, bool must_parse) {
  std::string body = fuzz::padded(text);
  simdjson::dom::element doc;
  std::string_view reason;
  simdjson::dom::object obj;
  if (!api::thread_json_input().parse(body, doc, reason) || doc.get_object().get(obj)) {
    FUZZ_CHECK(!must_parse);
    return false;
  }
  api::bind(m, obj, api::Mode::kCreate, out, errs);
  return true;
}

std::string write_credentials(const Credentials& c) {
  std::string out;
  util::JsonWriter w(out);
  w.StartObject();
  w.Key("username");
  w.String(c.username);
  w.Key("password");
  w.String(c.password);
  w.EndObject();
  return out;
}

void check_accepted(const Credentials& c, const api::Model<Credentials>& m, bool reg) {
  if (reg) {
    const std::size_t n = util::utf8_code_points(c.username);
    FUZZ_CHECK(n >= 3 && n <= 32);
    for (char ch : c.username) {
      FUZZ_CHECK((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' ||
                 ch == '-');
    }
    const std::size_t p = util::utf8_code_points(c.password);
    FUZZ_CHECK(p >= 8 && p <= 128);
  }
  Credentials again;
  api::Errors errs;
  FUZZ_CHECK(bind_json(write_credentials(c), m, again, errs, true));
  FUZZ_CHECK(errs.empty() && again.username == c.username && again.password == c.password);
}

// An independent reading of the form: the first name=value pair of each
// field whose name and value both percent-decode to valid UTF-8.
std::optional<std::string> form_field(std::string_view body, std::string_view name) {
  std::size_t at = 0;
  while (at <= body.size()) {
    std::size_t end = body.find('&', at);
    if (end == std::string_view::npos) end = body.size();
    std::string_view pair = body.substr(at, end - at);
    at = end + 1;
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string n, v;
    if (!util::percent_decode(pair.substr(0, eq), n) ||
        !util::percent_decode(pair.substr(eq + 1), v)) {
      continue;
    }
    if (n == name) return v;
  }
  return std::nullopt;
}

std::string form_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    out += '%';
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

void check_form(std::string_view body) {
  const api::Model<Credentials>& m = auth::kLoginModel;
  Credentials c;
  api::Errors errs;
  FUZZ_CHECK(bind_json(auth::form_as_json(body), m, c, errs, true));
  const std::optional<std::string> user = form_field(body, "username");
  const std::optional<std::string> pass = form_field(body, "password");
  if (!errs.empty()) {
    fuzz::check_problem_body(errs);
    FUZZ_CHECK(!user || !pass || util::utf8_code_points(*user) > 256 ||
               util::utf8_code_points(*pass) > 1024);
    return;
  }
  FUZZ_CHECK(user && pass && c.username == *user && c.password == *pass);
  check_accepted(c, m, false);
  Credentials again;
  api::Errors errs2;
  const std::string form = "grant_type=password&username=" + form_encode(c.username) +
                           "&password=" + form_encode(c.password);
  FUZZ_CHECK(bind_json(auth::form_as_json(form), m, again, errs2, true));
  FUZZ_CHECK(errs2.empty() && again.username == c.username && again.password == c.password);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
    case 1: {
      const bool reg = data[0] % 3 == 0;
      const api::Model<Credentials>& m = reg ? auth::kRegisterModel : auth::kLoginModel;
      Credentials c;
      api::Errors errs;
      if (!bind_json(body, m, c, errs, false)) return 0;
      if (!errs.empty()) {
        fuzz::check_problem_body(errs);
        return 0;
      }
      check_accepted(c, m, reg);
      return 0;
    }
    default:
      check_form(body);
      return 0;
  }
}
