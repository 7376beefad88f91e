#include "tasks/list_params.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <stdexcept>

#include "store/search.hpp"
#include "tasks/task.hpp"
#include "util/text.hpp"
#include "util/time.hpp"

namespace brisk::tasks {

namespace {
using api::QueryParamDecl;
using api::QueryType;
using store::SortKey;

// The task fields whose limits the filters share.
constexpr const api::Field<Task>& kStatusField = kTaskFields[kStatus];
constexpr const api::Field<Task>& kPriorityField = kTaskFields[kPriority];
constexpr const api::Field<Task>& kTagsField = kTaskFields[kTags];

// The sorts in SortKey order, each ascending then descending ('-'): value i
// is key i / 2, descending when i is odd.
constexpr std::string_view kSorts[] = {"created_at", "-created_at", "updated_at", "-updated_at",
                                       "priority",   "-priority",   "due_at",     "-due_at",
                                       "title",      "-title"};
constexpr std::int64_t kDefaultLimit = 100;
constexpr std::int64_t kMaxLimit = 1000;
constexpr std::int64_t kMaxSearchLength = 500;  // code points of q

constexpr QueryParamDecl kParams[] = {
    {.name = "status",
     .type = QueryType::kEnumList,
     .enum_values = kStatusField.enum_values,
     .description = "One status, or several separated by commas (pending,in_progress).",
     .example = R"("pending,in_progress")"},
    {.name = "priority",
     .type = QueryType::kInteger,
     .min = kPriorityField.min,
     .max = kPriorityField.max,
     .description = "Tasks with exactly this priority."},
    {.name = "priority_gte",
     .type = QueryType::kInteger,
     .min = kPriorityField.min,
     .max = kPriorityField.max,
     .description = "Tasks with at least this priority."},
    {.name = "priority_lte",
     .type = QueryType::kInteger,
     .min = kPriorityField.min,
     .max = kPriorityField.max,
     .description = "Tasks with at most this priority."},
    {.name = "tag",
     .type = QueryType::kString,
     .repeatable = true,
     .min = kTagsField.item_min,
     .max = kTagsField.item_max,
     .description = "Tasks carrying this tag (exact, case-sensitive). Repeat it for several "
                    "tags: a task must carry all of them (at most as many distinct tags as a "
                    "task can carry).",
     .example = R"("work")"},
    {.name = "q",
     .type = QueryType::kString,
     .max = kMaxSearchLength,
     .description =
         "Full-text search over title, description and tags, ignoring case and accents "
         "('cafe' finds 'Café'). The text is split into words at white space; every word must "
         "match, by prefix ('rep' finds 'report'). Punctuation inside a word splits it into "
         "parts that must be adjacent ('e-mail' finds 'e-mail' and 'e mail'); Chinese and "
         "Japanese text matches wherever its characters appear in that order. No search syntax "
         "is interpreted: quotes, '*', '-', ':', parentheses, AND, OR, NOT and NEAR are text "
         "or punctuation like any other. Unless sort is given, results are ordered by "
         "relevance, ranked so that a page costs the same at any size: first the tasks whose "
         "title matches every word, then the other matches; within each of these two tiers, "
         "the matches are taken newest first in windows of 1,000, and each window is ranked on "
         "its own (more hits of the words first, in the title above tags above description, in "
         "shorter texts above longer ones; ties newest first). So the first page holds the best "
         "title matches among the 1,000 newest, and following pages go through that window, "
         "then the next older one. A rank depends only on the task's own text. At most "
         "500 characters and 32 words. A q without any letter or digit (empty, only white "
         "space or punctuation) could match nothing and is a 422 (search_no_words).",
     .example = R"("report")"},
    {.name = "due_before",
     .type = QueryType::kDateTime,
     .description = "Tasks due strictly before this RFC 3339 date-time; tasks without due_at "
                    "never match. A '+' in the offset must be sent as %2B (a space there is "
                    "read as '+')."},
    {.name = "due_after",
     .type = QueryType::kDateTime,
     .description = "Tasks due strictly after this RFC 3339 date-time; tasks without due_at "
                    "never match. A '+' in the offset must be sent as %2B (a space there is "
                    "read as '+')."},
    {
        .name = "sort",
        .type = QueryType::kEnum,
        .enum_values = kSorts,
        .default_json = R"("-created_at")",
        .description = "Order: created_at, updated_at, priority, due_at or title, prefixed by '-' "
                       "for descending. Default -created_at, or relevance when q is given. Ties "
                       "are broken by id in the same direction; tasks without due_at come last "
                       "either way; title compares ASCII letters case-insensitively and other "
                       "characters by code point.",
    },
    {.name = "limit",
     .type = QueryType::kInteger,
     .min = 1,
     .max = kMaxLimit,
     .default_json = "100",
     .description = "Tasks per page."},
    {
        .name = "cursor",
        .type = QueryType::kString,
        .description =
            "The next_cursor of the previous page; send it with the same other parameters (limit "
            "may change). A cursor that is malformed, tampered with, or made for other filters or "
            "another order is a 422 (cursor_invalid). Following next_cursor to the end returns "
            "every matching task once, even while tasks are added or removed (in relevance order "
            "too: a cursor names its window, which tasks added later never enter; a task whose "
            "text is edited meanwhile may move).",
    },
};

void bad(api::Errors& errs, std::string_view name, std::string_view type, std::string msg) {
  errs.push_back({"query", std::string(name), -1, type, std::move(msg)});
}

const QueryParamDecl& decl(std::string_view name) {
  for (const QueryParamDecl& d : kParams) {
    if (d.name == name) return d;
  }
  throw std::logic_error("no such query parameter");
}

// Exact names separated by single commas: no spaces, no empty items.
void parse_status(std::string_view v, unsigned& mask, api::Errors& errs) {
  unsigned m = 0;
  for (;;) {
    auto comma = v.find(',');
    auto it = std::find(std::begin(kStatusNames), std::end(kStatusNames), v.substr(0, comma));
    if (it == std::end(kStatusNames)) {
      return bad(errs, "status", "enum",
                 "Each status should be 'pending', 'in_progress' or 'done' (comma-separated)");
    }
    m |= 1u << (it - std::begin(kStatusNames));
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  mask = m;
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

void parse_sort(std::string_view v, SortKey& key, bool& descending, api::Errors& errs) {
  for (std::size_t i = 0; i < std::size(kSorts); ++i) {
    if (kSorts[i] == v) {
      key = static_cast<SortKey>(i / 2);
      descending = i % 2 == 1;
      return;
    }
  }
  bad(errs, "sort", "enum",
      "Input should be 'created_at', 'updated_at', 'priority', 'due_at' or 'title', "
      "optionally prefixed by '-'");
}

void parse_search(std::string_view v, store::SearchTerms& out, api::Errors& errs) {
  if (util::utf8_code_points(v) > static_cast<std::size_t>(kMaxSearchLength)) {
    return bad(errs, "q", "string_too_long",
               "String should have at most " + std::to_string(kMaxSearchLength) + " characters");
  }
  switch (store::parse_search(v, out)) {
    case store::SearchStatus::kOk:
      return;
    case store::SearchStatus::kNoWords:
      return bad(errs, "q", "search_no_words",
                 "Search should contain at least one word with a letter or digit");
    case store::SearchStatus::kTooManyWords:
      return bad(errs, "q", "too_long",
                 "Search should have at most " + std::to_string(store::kMaxSearchWords) + " words");
  }
}

void parse_tag(std::string_view v, std::vector<std::string>& tags, api::Errors& errs) {
  const QueryParamDecl& d = decl("tag");
  auto n = static_cast<std::int64_t>(util::utf8_code_points(v));
  if (n < d.min) {
    bad(errs, "tag", "string_too_short", "String should have at least 1 character");
  } else if (n > d.max) {
    bad(errs, "tag", "string_too_long",
        "String should have at most " + std::to_string(d.max) + " characters");
  } else {
    tags.emplace_back(v);
  }
}

// The parameters' values, as parsed, before they are checked together.
struct Parsed {
  std::int64_t min_priority = kPriorityField.min, max_priority = kPriorityField.max;
  bool sorted = false;
  const std::string* cursor = nullptr;
};

void parse_one(const api::QueryParam& p, store::ListSpec& q, Parsed& st, api::Errors& errs) {
  const std::string_view name = p.name;
  if (name == "status") {
    parse_status(p.value, q.status_mask, errs);
  } else if (name == "priority" || name == "priority_gte" || name == "priority_lte") {
    if (auto v = parse_int(name, p.value, kPriorityField.min, kPriorityField.max, errs)) {
      // Several bounds narrow each other; an empty range matches nothing.
      if (name != "priority_lte") st.min_priority = std::max(st.min_priority, *v);
      if (name != "priority_gte") st.max_priority = std::min(st.max_priority, *v);
    }
  } else if (name == "tag") {
    parse_tag(p.value, q.tags, errs);
  } else if (name == "q") {
    parse_search(p.value, q.search, errs);
  } else if (name == "due_before" || name == "due_after") {
    if (auto t = parse_time(name, p.value, errs))
      (name == "due_before" ? q.due_before : q.due_after) = t;
  } else if (name == "sort") {
    std::size_t before = errs.size();
    parse_sort(p.value, q.sort, q.descending, errs);
    st.sorted = errs.size() == before;
  } else if (name == "limit") {
    if (auto v = parse_int(name, p.value, 1, kMaxLimit, errs)) q.limit = static_cast<int>(*v);
  } else if (name == "cursor") {
    st.cursor = &p.value;
  }
}

}  // namespace

std::span<const api::QueryParamDecl> list_params() {
  return kParams;
}

bool parse_list_request(std::string_view raw, store::Owner owner, const CursorCodec& cursors,
                        ListRequest& out, api::Errors& errs) {
  const std::size_t before = errs.size();
  std::vector<api::QueryParam> params = api::parse_query(raw, kParams, errs);
  store::ListSpec& q = out.query;
  q.owner = owner;
  q.limit = static_cast<int>(kDefaultLimit);
  Parsed st;
  for (const api::QueryParam& p : params) parse_one(p, q, st, errs);
  // A bound at the model's own limit filters nothing.
  if (st.min_priority > kPriorityField.min) q.priority_min = st.min_priority;
  if (st.max_priority < kPriorityField.max) q.priority_max = st.max_priority;
  // Tags: a set (sorted, so the cursor context does not depend on their order).
  std::sort(q.tags.begin(), q.tags.end());
  q.tags.erase(std::unique(q.tags.begin(), q.tags.end()), q.tags.end());
  if (static_cast<std::int64_t>(q.tags.size()) > kTagsField.max) {
    bad(errs, "tag", "too_long",
        "At most " + std::to_string(kTagsField.max) + " distinct tags, not " +
            std::to_string(q.tags.size()));
  }
  if (!q.search.empty() && !st.sorted) {
    q.sort = SortKey::kRelevance;
    q.descending = true;
  }
  out.sort_code = sort_code(q.sort, q.descending);
  if (errs.size() != before) return false;
  out.context = cursor_context(q, owner);
  return !st.cursor || apply_cursor(*st.cursor, cursors, out, errs);
}

}  // namespace brisk::tasks
