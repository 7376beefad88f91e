// The task resource: its struct and its one model declaration.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/model.hpp"
#include "util/uuid.hpp"

namespace brisk::tasks {

enum class Status : std::int64_t { kPending = 0, kInProgress = 1, kDone = 2 };
inline constexpr std::string_view kStatusNames[] = {"pending", "in_progress", "done"};

struct Task {
  util::Uuid id;
  std::string title;
  std::string description;
  std::int64_t status = 0;  // index into kStatusNames
  std::int64_t priority = 1;
  std::optional<std::int64_t> due_at;  // Unix ms, UTC
  std::vector<std::string> tags;
  std::int64_t created_at = 0;  // Unix ms
  std::int64_t updated_at = 0;
  std::int64_t version = 0;
};

// Field order is the JSON order of a served task.
extern const api::Model<Task> kTaskModel;

// Field indexes into kTaskModel.fields, for masks.
enum TaskField : unsigned {
  kId,
  kTitle,
  kDescription,
  kStatus,
  kPriority,
  kDueAt,
  kTags,
  kCreatedAt,
  kUpdatedAt,
  kVersion
};

// Serializes a task as served (the bytes stored beside the row and sent as is).
std::string serialize(const Task& t);

// Copies the writable fields selected by `mask` from `patch` into `t`.
void apply_patch(Task& t, const Task& patch, api::FieldMask mask);

}  // namespace brisk::tasks
