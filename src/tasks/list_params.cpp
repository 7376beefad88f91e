#include "tasks/list_params.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include "store/search.hpp"
#include "tasks/task.hpp"
#include "util/text.hpp"
#include "util/time.hpp"

namespace brisk::tasks {

namespace {
using store::SortKey;

constexpr std::int64_t kMinPriority = 1;
constexpr std::int64_t kMaxPriority = 5;

// The sortable keys, in SortKey order.
constexpr std::string_view kSortNames[] = {"created_at", "updated_at", "priority", "due_at",
                                           "title"};
constexpr std::uint8_t kRelevanceCode = 10;

const api::QueryParamDecl kParams[] = {
    {.name = "status",
     .description = "One status, or several separated by commas (pending,in_progress).",
     .schema_json = R"({"type":"string","example":"pending,in_progress"})"},
    {.name = "priority",
     .description = "Tasks with exactly this priority, 1..5.",
     .schema_json = R"({"type":"integer","minimum":1,"maximum":5})"},
    {.name = "priority_gte",
     .description = "Tasks with at least this priority, 1..5.",
     .schema_json = R"({"type":"integer","minimum":1,"maximum":5})"},
    {.name = "priority_lte",
     .description = "Tasks with at most this priority, 1..5.",
     .schema_json = R"({"type":"integer","minimum":1,"maximum":5})"},
    {.name = "tag",
     .repeatable = true,
     .description = "Tasks carrying this tag (exact, case-sensitive). Repeat it for several "
                    "tags: a task must carry all of them (at most 20 distinct tags).",
     .schema_json = R"({"type":"string","minLength":1,"maxLength":50,"example":"work"})"},
    {.name = "q",
     .description =
         "Full-text search over title, description and tags, ignoring case and accents "
         "('cafe' finds 'Café'). The text is split into words at white space; every word must "
         "match, by prefix ('rep' finds 'report'). Punctuation inside a word splits it into "
         "parts that must be adjacent ('e-mail' finds 'e-mail' and 'e mail'); Chinese and "
         "Japanese text matches wherever its characters appear in that order. No search syntax "
         "is interpreted: quotes, '*', '-', ':', parentheses, AND, OR, NOT and NEAR are text "
         "or punctuation like any other. Results are ordered by relevance (title matches "
         "first, then tags, then description; ties newest first) unless sort is given. At most "
         "500 characters and 32 words. A q without any letter or digit (empty, only white "
         "space or punctuation) could match nothing and is a 422 (search_no_words).",
     .schema_json = R"({"type":"string","maxLength":500,"example":"report"})"},
    {.name = "due_before",
     .description = "Tasks due strictly before this RFC 3339 date-time; tasks without due_at "
                    "never match. A '+' in the offset must be sent as %2B (a space there is "
                    "read as '+').",
     .schema_json = R"({"type":"string","format":"date-time"})"},
    {.name = "due_after",
     .description = "Tasks due strictly after this RFC 3339 date-time; tasks without due_at "
                    "never match. A '+' in the offset must be sent as %2B (a space there is "
                    "read as '+').",
     .schema_json = R"({"type":"string","format":"date-time"})"},
    {.name = "sort",
     .description = "Order: created_at, updated_at, priority, due_at or title, prefixed by '-' "
                    "for descending. Default -created_at, or relevance when q is given. Ties "
                    "are broken by id in the same direction; tasks without due_at come last "
                    "either way; title compares ASCII letters case-insensitively and other "
                    "characters by code point.",
     .schema_json =
         R"({"type":"string","enum":["created_at","-created_at","updated_at","-updated_at",)"
         R"("priority","-priority","due_at","-due_at","title","-title"],"default":"-created_at"})"},
    {.name = "limit",
     .description = "Tasks per page, 1..1000.",
     .schema_json = R"({"type":"integer","minimum":1,"maximum":1000,"default":100})"},
    {.name = "cursor",
     .description =
         "The next_cursor of the previous page; send it with the same other parameters (limit "
         "may change). A cursor that is malformed, tampered with, or made for other filters or "
         "another order is a 422 (cursor_invalid). Following next_cursor to the end returns "
         "every matching task once, even while tasks are added or removed (in relevance order "
         "without duplicates, but not stable under changes).",
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

std::optional<std::int64_t> parse_int(std::string_view name, std::string_view v, std::int64_t min,
                                      std::int64_t max, api::Errors& errs) {
  std::int64_t n = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || r.ec == std::errc::invalid_argument || r.ptr != v.data() + v.size()) {
    bad(errs, name, "int_parsing", "Input should be a valid integer");
  } else if ((r.ec == std::errc::result_out_of_range && v.front() == '-') ||
             (r.ec != std::errc::result_out_of_range && n < min)) {
    bad(errs, name, "greater_than_equal",
        "Input should be greater than or equal to " + std::to_string(min));
  } else if (r.ec == std::errc::result_out_of_range || n > max) {
    bad(errs, name, "less_than_equal",
        "Input should be less than or equal to " + std::to_string(max));
  } else {
    return n;
  }
  return std::nullopt;
}

std::optional<std::int64_t> parse_time(std::string_view name, std::string_view v,
                                       api::Errors& errs) {
  std::optional<std::int64_t> t = util::parse_rfc3339(v);
  if (!t && v.find(' ') != std::string_view::npos) {
    // An unencoded '+' in the offset arrives as a space ("...T09:30:00 01:00").
    std::string plus(v);
    std::replace(plus.begin(), plus.end(), ' ', '+');
    t = util::parse_rfc3339(plus);
  }
  if (!t) {
    bad(errs, name, "datetime_parsing",
        "Input should be an RFC 3339 date-time such as 2026-11-22T09:30:00.000Z");
  }
  return t;
}

bool parse_sort(std::string_view v, SortKey& key, bool& descending, api::Errors& errs) {
  bool desc = !v.empty() && v.front() == '-';
  if (desc) v.remove_prefix(1);
  for (std::size_t i = 0; i < std::size(kSortNames); ++i) {
    if (kSortNames[i] == v) {
      key = static_cast<SortKey>(i);
      descending = desc;
      return true;
    }
  }
  bad(errs, "sort", "enum",
      "Input should be 'created_at', 'updated_at', 'priority', 'due_at' or 'title', "
      "optionally prefixed by '-'");
  return false;
}

void parse_search(std::string_view v, store::SearchTerms& out, api::Errors& errs) {
  if (util::utf8_code_points(v) > static_cast<std::size_t>(kMaxSearchLength)) {
    bad(errs, "q", "string_too_long",
        "String should have at most " + std::to_string(kMaxSearchLength) + " characters");
    return;
  }
  switch (store::parse_search(v, out)) {
    case store::SearchStatus::kOk:
      return;
    case store::SearchStatus::kNoWords:
      bad(errs, "q", "search_no_words",
          "Search should contain at least one word with a letter or digit");
      return;
    case store::SearchStatus::kTooManyWords:
      bad(errs, "q", "too_long",
          "Search should have at most " + std::to_string(store::kMaxSearchWords) + " words");
      return;
  }
}

// Appends `s` so that no two different values give the same text.
void append_counted(std::string& out, std::string_view s) {
  out += std::to_string(s.size());
  out += ':';
  out += s;
}

// The canonical form of everything a cursor must fit. For a query with only
// a status filter in the default order it is the form of the first cursors
// (v1), which therefore stay valid.
std::string context_of(const store::ListSpec& q, store::Owner owner) {
  std::string c =
      "owner=" + std::to_string(owner) + ";status=" + std::to_string(q.status_mask) + ";sort=";
  if (q.sort == SortKey::kRelevance) {
    c += "relevance";
  } else {
    if (q.descending) c += '-';
    c += kSortNames[static_cast<int>(q.sort)];
  }
  if (q.priority_filtered()) {
    c += ";priority=" + std::to_string(q.priority_min.value_or(kMinPriority)) + ".." +
         std::to_string(q.priority_max.value_or(kMaxPriority));
  }
  if (q.due_after) c += ";due_after=" + std::to_string(*q.due_after);
  if (q.due_before) c += ";due_before=" + std::to_string(*q.due_before);
  if (!q.tags.empty()) {
    c += ";tags=";
    for (const std::string& t : q.tags) append_counted(c, t);
  }
  if (!q.search.empty()) {
    c += ";q=";
    append_counted(c, store::search_text(q.search));
  }
  return c;
}

// True when a decoded cursor holds the kind of key `q`'s order uses.
bool fits(const CursorPosition& p, const store::ListSpec& q) {
  using Kind = CursorPosition::Kind;
  switch (q.sort) {
    case SortKey::kTitle:
      return p.kind == Kind::kText;
    case SortKey::kRelevance:
      return p.kind == Kind::kReal;
    case SortKey::kDueAt:
      return p.kind == Kind::kInt || (p.kind == Kind::kNull && !q.due_filtered());
    default:
      return p.kind == Kind::kInt;
  }
}
}  // namespace

std::span<const api::QueryParamDecl> list_params() {
  return kParams;
}

std::uint8_t sort_code(SortKey key, bool descending) {
  if (key == SortKey::kRelevance) return kRelevanceCode;
  return static_cast<std::uint8_t>(2 * static_cast<int>(key) + (descending ? 0 : 1));
}

bool parse_list_request(std::string_view raw, store::Owner owner, const CursorCodec& cursors,
                        ListRequest& out, api::Errors& errs) {
  std::size_t before = errs.size();
  std::vector<api::QueryParam> params = api::parse_query(raw, kParams, errs);
  store::ListSpec& q = out.query;
  q.owner = owner;
  q.limit = kDefaultLimit;
  const std::string* cursor = nullptr;
  bool sorted = false;
  std::int64_t min_priority = kMinPriority, max_priority = kMaxPriority;
  for (const api::QueryParam& p : params) {
    const std::string_view name = p.name;
    if (name == "status") {
      parse_status(p.value, q.status_mask, errs);
    } else if (name == "priority" || name == "priority_gte" || name == "priority_lte") {
      if (auto v = parse_int(name, p.value, kMinPriority, kMaxPriority, errs)) {
        // Several bounds narrow each other; an empty range matches nothing.
        if (name != "priority_lte") min_priority = std::max(min_priority, *v);
        if (name != "priority_gte") max_priority = std::min(max_priority, *v);
      }
    } else if (name == "tag") {
      auto n = util::utf8_code_points(p.value);
      if (n < 1) {
        bad(errs, name, "string_too_short", "String should have at least 1 character");
      } else if (n > 50) {
        bad(errs, name, "string_too_long", "String should have at most 50 characters");
      } else {
        q.tags.push_back(p.value);
      }
    } else if (name == "q") {
      parse_search(p.value, q.search, errs);
    } else if (name == "due_before") {
      if (auto t = parse_time(name, p.value, errs)) q.due_before = t;
    } else if (name == "due_after") {
      if (auto t = parse_time(name, p.value, errs)) q.due_after = t;
    } else if (name == "sort") {
      sorted = parse_sort(p.value, q.sort, q.descending, errs);
    } else if (name == "limit") {
      if (auto v = parse_int(name, p.value, 1, kMaxLimit, errs)) q.limit = static_cast<int>(*v);
    } else if (name == "cursor") {
      cursor = &p.value;
    }
  }
  // A bound at the model's own limit filters nothing.
  if (min_priority > kMinPriority) q.priority_min = min_priority;
  if (max_priority < kMaxPriority) q.priority_max = max_priority;
  // Tags: a set (sorted, so the cursor context does not depend on their order).
  std::sort(q.tags.begin(), q.tags.end());
  q.tags.erase(std::unique(q.tags.begin(), q.tags.end()), q.tags.end());
  if (q.tags.size() > static_cast<std::size_t>(kMaxQueryTags)) {
    bad(errs, "tag", "too_long",
        "At most " + std::to_string(kMaxQueryTags) + " distinct tags, not " +
            std::to_string(q.tags.size()));
  }
  if (!q.search.empty() && !sorted) {
    q.sort = SortKey::kRelevance;
    q.descending = true;
  }
  out.sort_code = sort_code(q.sort, q.descending);
  if (errs.size() != before) return false;

  out.context = context_of(q, owner);
  if (cursor) {
    std::optional<CursorPosition> pos = cursors.decode(*cursor, out.context);
    if (!pos || pos->sort != out.sort_code || !fits(*pos, q)) {
      bad(errs, "cursor", "cursor_invalid",
          "Invalid cursor: use the next_cursor of a previous page, with the same other parameters");
      return false;
    }
    q.has_after = true;
    store::ListPosition& a = q.after;
    a.id = pos->id;
    a.null_key = pos->kind == CursorPosition::Kind::kNull;
    a.num = pos->key;
    a.rank = pos->real;
    a.text = std::move(pos->text);
  }
  return true;
}

std::string next_cursor(const ListRequest& req, const store::ListPosition& last,
                        const CursorCodec& cursors) {
  using Kind = CursorPosition::Kind;
  CursorPosition p;
  p.sort = req.sort_code;
  p.id = last.id;
  switch (req.query.sort) {
    case SortKey::kTitle:
      p.kind = Kind::kText;
      p.text = last.text;
      break;
    case SortKey::kRelevance:
      p.kind = Kind::kReal;
      p.real = last.rank;
      break;
    default:
      p.kind = last.null_key ? Kind::kNull : Kind::kInt;
      p.key = last.num;
      break;
  }
  return cursors.encode(p, req.context);
}

}  // namespace brisk::tasks
