// A task as the store keeps it: the columns the indexes need, the text the
// search index needs, and the served JSON (`body`), which the task service
// (src/tasks) makes and the store only keeps and returns. The store never
// decides a value here.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/columns.hpp"
#include "store/owner.hpp"
#include "util/uuid.hpp"

namespace brisk::store {

struct TaskRow {
  util::Uuid id;
  Owner owner = kLocalOwner;
  std::int64_t status = 0;  // a small code, compared and filtered only
  std::int64_t priority = 0;
  std::optional<std::int64_t> due_at;  // Unix ms
  std::string title;
  std::int64_t created_at = 0;  // Unix ms
  std::int64_t updated_at = 0;
  std::int64_t version = 0;
  std::string body;  // the served JSON
  // Indexed, not columns of their own: the search index holds title,
  // description and tags; the tag index one row per tag.
  std::string description;
  std::vector<std::string> tags;
};

// The tasks table's columns that hold a TaskRow, in this order in every
// statement (the SQLite table also has `seq`, its rowid).
inline constexpr std::array<Column<TaskRow>, 10> kTaskColumns{{
    {"id", &TaskRow::id},
    {"owner", &TaskRow::owner},
    {"status", &TaskRow::status, true},
    {"priority", &TaskRow::priority, true},
    {"due_at", &TaskRow::due_at, true},
    {"title", &TaskRow::title, true},
    {"created_at", &TaskRow::created_at},
    {"updated_at", &TaskRow::updated_at, true},
    {"version", &TaskRow::version, true},
    {"body", &TaskRow::body, true},
}};

// What the search and tag indexes hold of a task: an update or delete must
// name what it replaces, so that its index entries can be removed.
struct IndexedText {
  std::string title;
  std::string description;
  std::vector<std::string> tags;
};

}  // namespace brisk::store
