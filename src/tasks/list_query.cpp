#include "tasks/list_query.hpp"

#include <charconv>

#include "tasks/task.hpp"

namespace brisk::tasks {

namespace {
const api::QueryParamDecl kParams[] = {
    {.name = "status",
     .description = "One status, or several separated by commas (pending,in_progress).",
     .schema_json = R"({"type":"string","example":"pending,in_progress"})"},
    {.name = "limit",
     .description = "Tasks per page, 1..1000.",
     .schema_json = R"({"type":"integer","minimum":1,"maximum":1000,"default":100})"},
    {.name = "cursor",
     .description = "The next_cursor of the previous page; send it with the same other parameters.",
     .schema_json = R"({"type":"string"})"},
};

void bad(api::Errors& errs, std::string_view name, std::string_view type, std::string msg) {
  errs.push_back({"query", std::string(name), -1, type, std::move(msg)});
}

bool parse_status(std::string_view v, unsigned& mask, api::Errors& errs) {
  unsigned m = 0;
  for (;;) {
    auto comma = v.find(',');
    std::string_view item = v.substr(0, comma);
    bool found = false;
    for (unsigned i = 0; i < std::size(kStatusNames); ++i) {
      if (kStatusNames[i] == item) {
        m |= 1u << i;
        found = true;
      }
    }
    if (!found) {
      bad(errs, "status", "enum",
          "Each status should be 'pending', 'in_progress' or 'done' (comma-separated)");
      return false;
    }
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  mask = m;
  return true;
}
}  // namespace

std::span<const api::QueryParamDecl> list_params() { return kParams; }

bool parse_list_request(std::string_view raw, store::Owner owner, const CursorCodec& cursors,
                        ListRequest& out, api::Errors& errs) {
  std::size_t before = errs.size();
  std::vector<api::QueryParam> params = api::parse_query(raw, kParams, errs);
  store::ListQuery& q = out.query;
  q.owner = owner;
  q.limit = kDefaultLimit;
  const std::string* cursor = nullptr;
  for (const api::QueryParam& p : params) {
    if (p.name == "status") {
      parse_status(p.value, q.status_mask, errs);
    } else if (p.name == "limit") {
      int v = 0;
      auto r = std::from_chars(p.value.data(), p.value.data() + p.value.size(), v);
      if (p.value.empty() || r.ec == std::errc::invalid_argument ||
          r.ptr != p.value.data() + p.value.size()) {
        bad(errs, "limit", "int_parsing", "Input should be a valid integer");
      } else if (r.ec == std::errc::result_out_of_range && p.value.front() == '-') {
        bad(errs, "limit", "greater_than_equal", "Input should be greater than or equal to 1");
      } else if (r.ec == std::errc::result_out_of_range || v > kMaxLimit) {
        bad(errs, "limit", "less_than_equal", "Input should be less than or equal to 1000");
      } else if (v < 1) {
        bad(errs, "limit", "greater_than_equal", "Input should be greater than or equal to 1");
      } else {
        q.limit = v;
      }
    } else if (p.name == "cursor") {
      cursor = &p.value;
    }
  }
  out.context = "owner=" + std::to_string(owner) + ";status=" + std::to_string(q.status_mask) +
                ";sort=-created_at";
  if (cursor && errs.size() == before) {
    auto pos = cursors.decode(*cursor, out.context);
    if (!pos || pos->sort != 0) {
      bad(errs, "cursor", "cursor_invalid",
          "Invalid cursor: use the next_cursor of a previous page, with the same other parameters");
    } else {
      q.has_after = true;
      q.after_created = pos->key;
      q.after_id = pos->id;
    }
  }
  return errs.size() == before;
}

}  // namespace brisk::tasks
