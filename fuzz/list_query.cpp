// The query string of GET /tasks, parsed into a store::ListSpec as the
// handler parses it (tasks::parse_list_request), cursor included.
//
// Properties:
// - every error is reported under loc ["query", ...], and the 422 listing
//   them is well-formed JSON;
// - an accepted query written out again in a canonical form (each filter
//   once, tags sorted, bounds as RFC 3339, the search text as sent, a
//   cursor for the position it continues after) parses to the same
//   ListSpec, the same cursor context and the same sort code.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "api/query.hpp"
#include "check.hpp"
#include "store/list_spec.hpp"
#include "support.hpp"
#include "tasks/cursor.hpp"
#include "tasks/list_params.hpp"
#include "tasks/task.hpp"
#include "util/time.hpp"

namespace {

using namespace brisk;
using store::SortKey;

constexpr store::Owner kOwner = 7;

const tasks::CursorCodec& codec() {
  static const tasks::CursorCodec c(std::string(32, 'k'));
  return c;
}

std::string encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string time_text(std::int64_t ms) {
  char buf[24];
  util::format_rfc3339_ms(ms, buf);
  return std::string(buf, 24);
}

std::string canonical(const tasks::ListRequest& req, std::string_view q_text) {
  const store::ListSpec& q = req.query;
  std::string s = "limit=" + std::to_string(q.limit);
  if (q.status_mask) {
    s += "&status=";
    bool first = true;
    for (unsigned i = 0; i < 3; ++i) {
      if (!(q.status_mask >> i & 1)) continue;
      if (!first) s += ',';
      s += tasks::kStatusNames[i];
      first = false;
    }
  }
  if (q.priority_min) s += "&priority_gte=" + std::to_string(*q.priority_min);
  if (q.priority_max) s += "&priority_lte=" + std::to_string(*q.priority_max);
  if (q.due_after) s += "&due_after=" + encode(time_text(*q.due_after));
  if (q.due_before) s += "&due_before=" + encode(time_text(*q.due_before));
  for (const std::string& t : q.tags) s += "&tag=" + encode(t);
  if (!q.search.empty()) s += "&q=" + encode(q_text);
  if (q.sort != SortKey::kRelevance) {
    static constexpr std::string_view kNames[] = {"created_at", "updated_at", "priority", "due_at",
                                                  "title"};
    s += "&sort=";
    if (q.descending) s += '-';
    s += kNames[static_cast<int>(q.sort)];
  }
  if (q.has_after) s += "&cursor=" + encode(tasks::next_cursor(req, q.after, codec()));
  return s;
}

bool same_position(const store::ListPosition& a, const store::ListPosition& b) {
  std::uint64_t ra, rb;
  std::memcpy(&ra, &a.rank, 8);
  std::memcpy(&rb, &b.rank, 8);
  return a.null_key == b.null_key && a.num == b.num && ra == rb && a.text == b.text && a.id == b.id;
}

bool same(const store::ListSpec& a, const store::ListSpec& b) {
  return a.owner == b.owner && a.status_mask == b.status_mask && a.priority_min == b.priority_min &&
         a.priority_max == b.priority_max && a.due_after == b.due_after &&
         a.due_before == b.due_before && a.tags == b.tags && a.search == b.search &&
         a.sort == b.sort && a.descending == b.descending && a.limit == b.limit &&
         a.has_after == b.has_after && (!a.has_after || same_position(a.after, b.after));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  tasks::ListRequest req;
  api::Errors errs;
  const bool ok = tasks::parse_list_request(raw, kOwner, codec(), req, errs);
  FUZZ_CHECK(ok == errs.empty());
  if (!ok) {
    for (const api::FieldError& e : errs) FUZZ_CHECK(e.source == "query");
    fuzz::check_problem_body(errs);
    return 0;
  }
  // The search text as sent (decoded): q appears at most once when accepted.
  std::string q_text;
  api::Errors ignored;
  for (const api::QueryParam& p : api::parse_query(raw, tasks::list_params(), ignored)) {
    if (p.name == "q") q_text = p.value;
  }
  const std::string again_text = canonical(req, q_text);
  tasks::ListRequest again;
  api::Errors errs2;
  FUZZ_CHECK(tasks::parse_list_request(again_text, kOwner, codec(), again, errs2));
  FUZZ_CHECK(same(req.query, again.query));
  FUZZ_CHECK(req.context == again.context && req.sort_code == again.sort_code);
  return 0;
}
