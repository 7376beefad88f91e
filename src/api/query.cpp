#include "api/query.hpp"

#include "api/schema.hpp"
#include "util/text.hpp"

namespace brisk::api {

namespace {
// A name that did not decode, as it can appear in a problem's `loc`: the
// raw bytes when they are UTF-8, otherwise with every byte from 0x80 up
// written as %XX (an answer must be valid UTF-8 JSON whatever was sent).
std::string shown_name(std::string_view raw) {
  if (util::utf8_valid(raw)) return std::string(raw);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}
}  // namespace

std::vector<QueryParam> parse_query(std::string_view query, std::span<const QueryParamDecl> decls,
                                    Errors& errs) {
  std::vector<QueryParam> out;
  std::vector<unsigned> seen(decls.size(), 0);
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    std::string_view raw_name = part.substr(0, eq);
    std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
    QueryParam p;
    if (!util::percent_decode(raw_name, p.name)) {
      errs.push_back({"query", shown_name(raw_name), -1, "query_parsing",
                      "Malformed percent-encoding in the parameter name"});
      continue;
    }
    if (!util::percent_decode(raw_value, p.value)) {
      errs.push_back({"query", p.name, -1, "query_parsing",
                      "Malformed percent-encoding or invalid UTF-8 in the value"});
      continue;
    }
    std::size_t i = 0;
    while (i < decls.size() && decls[i].name != p.name) ++i;
    if (i == decls.size()) {
      errs.push_back({"query", p.name, -1, "extra_forbidden", "Unknown query parameter"});
      continue;
    }
    if (++seen[i] == 2 && !decls[i].repeatable) {
      errs.push_back({"query", p.name, -1, "duplicate_parameter",
                      "This parameter takes one value and was given more than once"});
    }
    out.push_back(std::move(p));
  }
  return out;
}

namespace {

void write_one(const QueryParamDecl& d, util::JsonWriter& w) {
  auto put_int = [&](std::string_view k, std::int64_t v) {
    w.Key(k);
    w.Int64(v);
  };
  w.StartObject();
  switch (d.type) {
    case QueryType::kString:
      w.Key("type");
      w.String("string");
      if (d.min > 0) put_int("minLength", d.min);
      if (d.max > 0) put_int("maxLength", d.max);
      break;
    case QueryType::kInteger:
      w.Key("type");
      w.String("integer");
      put_int("minimum", d.min);
      put_int("maximum", d.max);
      break;
    case QueryType::kDateTime:
      w.Key("type");
      w.String("string");
      w.Key("format");
      w.String("date-time");
      break;
    case QueryType::kEnumList: {
      // One value, or several joined by commas: a pattern says which.
      std::string alt;
      for (std::string_view v : d.enum_values) alt.append(alt.empty() ? "" : "|").append(v);
      w.Key("type");
      w.String("string");
      w.Key("pattern");
      w.String("^(" + alt + ")(,(" + alt + "))*$");
      break;
    }
    case QueryType::kEnum:
      w.Key("type");
      w.String("string");
      w.Key("enum");
      w.StartArray();
      for (std::string_view v : d.enum_values) w.String(v);
      w.EndArray();
      break;
  }
  if (!d.default_json.empty()) {
    w.Key("default");
    detail::write_json_text(w, d.default_json);
  }
  if (!d.example.empty()) {
    w.Key("examples");
    w.StartArray();
    detail::write_json_text(w, d.example);
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace

void write_query_schema(const QueryParamDecl& d, util::JsonWriter& w) {
  if (!d.repeatable) return write_one(d, w);
  // ?tag=a&tag=b: form style, exploded (OpenAPI's default for query).
  w.StartObject();
  w.Key("type");
  w.String("array");
  w.Key("items");
  write_one(d, w);
  w.EndObject();
}

}  // namespace brisk::api
