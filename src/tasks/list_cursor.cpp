// Cursors of GET /tasks: what they must fit, and the position they carry.
#include <optional>
#include <string>

#include "store/search.hpp"
#include "tasks/list_params.hpp"
#include "tasks/task.hpp"

namespace brisk::tasks {

namespace {
using store::SortKey;

constexpr std::uint8_t kRelevanceCode = 10;
// The sortable keys, in SortKey order.
constexpr std::string_view kSortNames[] = {"created_at", "updated_at", "priority", "due_at",
                                           "title"};

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
    c += ";priority=" + std::to_string(q.priority_min.value_or(kTaskFields[kPriority].min)) + ".." +
         std::to_string(q.priority_max.value_or(kTaskFields[kPriority].max));
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
      return p.kind == Kind::kWindow && p.tier <= 1 && p.low >= 0 && p.low < p.high;
    case SortKey::kDueAt:
      return p.kind == Kind::kInt || (p.kind == Kind::kNull && !q.due_filtered());
    default:
      return p.kind == Kind::kInt;
  }
}
}  // namespace

std::string cursor_context(const store::ListSpec& q, store::Owner owner) {
  return context_of(q, owner);
}

std::uint8_t sort_code(SortKey key, bool descending) {
  if (key == SortKey::kRelevance) return kRelevanceCode;
  return static_cast<std::uint8_t>(2 * static_cast<int>(key) + (descending ? 0 : 1));
}

bool apply_cursor(std::string_view cursor, const CursorCodec& cursors, ListRequest& out,
                  api::Errors& errs) {
  store::ListSpec& q = out.query;
  std::optional<CursorPosition> pos = cursors.decode(cursor, out.context);
  if (!pos || pos->sort != out.sort_code || !fits(*pos, q)) {
    errs.push_back({"query", "cursor", -1, "cursor_invalid",
                    "Invalid cursor: use the next_cursor of a previous page, with the same other "
                    "parameters"});
    return false;
  }
  q.has_after = true;
  store::ListPosition& a = q.after;
  a.id = pos->id;
  a.null_key = pos->kind == CursorPosition::Kind::kNull;
  a.num = pos->key;
  a.rank = pos->real;
  a.tier = pos->tier;
  a.window_low = pos->low;
  a.window_high = pos->high;
  a.text = std::move(pos->text);
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
      p.kind = Kind::kWindow;
      p.real = last.rank;
      p.tier = static_cast<std::uint8_t>(last.tier);
      p.low = last.window_low;
      p.high = last.window_high;
      break;
    default:
      p.kind = last.null_key ? Kind::kNull : Kind::kInt;
      p.key = last.num;
      break;
  }
  return cursors.encode(p, req.context);
}

}  // namespace brisk::tasks
