// Writes as the store receives them: typed commands carrying ready rows.
// The task service and the account code decide every value (ids, versions,
// timestamps, the served JSON); the store applies a command in the writer's
// transaction and answers with a WriteResult after COMMIT.
//
// Updates and deletes are compare-and-set on the version the caller read:
// the store changes the row only if it is still at `expected_version`, so
// no write is lost to a concurrent one (on any instance sharing the
// database); on kVersionChanged the caller reads again and decides.
//
// Task commands carry the event the change makes (store/events.hpp): the
// store logs it in the same transaction only if the change is made (kOk).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "store/events.hpp"
#include "store/owner.hpp"
#include "store/task_row.hpp"
#include "store/user_row.hpp"
#include "util/uuid.hpp"

namespace brisk::store {

// A create that may be a retry: the first 201 for (owner, key) is kept with
// its request body, and a later request with the same key gets it back.
struct Idempotency {
  std::string key;           // empty: no key
  std::string request_body;  // compared byte for byte with the first
  std::int64_t since = 0;    // records older than this (Unix ms) are expired
};

struct CreateTask {
  TaskRow row;
  Idempotency idempotency;
  Event event;  // logged unless the create is a replay
};

struct UpdateTask {
  TaskRow row;  // the new row (same id, owner and created_at)
  std::int64_t expected_version = 0;
  IndexedText before;  // what the indexes hold at expected_version
  Event event;
};

struct DeleteTask {
  Owner owner = kLocalOwner;
  util::Uuid id;
  std::int64_t created_at = 0;
  std::int64_t expected_version = 0;
  IndexedText before;  // what the indexes hold at expected_version
  Event event;
};

struct CreateUser {
  UserRow row;  // owner is assigned by the store
};

// Account administration (brisk user ...): the fields present change.
struct UpdateUser {
  Owner owner = 0;
  std::optional<std::string> password_hash;
  std::optional<std::int64_t> disabled;
};

// Removes an account that owns no task any more (its tasks are deleted
// first, each with DeleteTask: the indexes need their text); kConflict if
// some remain. Its idempotency records go with it.
struct DeleteUser {
  Owner owner = 0;
};

// A task restored from an export: stored as given (id, version and times
// kept) unless a task with its id exists already (then kConflict, and
// nothing changes: an import can run again).
struct ImportTask {
  TaskRow row;
  Event event;  // logged only when the task is stored (kOk)
};

using Command = std::variant<CreateTask, UpdateTask, DeleteTask, CreateUser, UpdateUser, DeleteUser,
                             ImportTask>;

struct WriteResult {
  enum class Status {
    kOk,
    kReplayed,             // an idempotent retry: `body` and `id` of the first 201
    kNotFound,             // no such row for this owner
    kVersionChanged,       // the row is no longer at expected_version
    kIdempotencyInFlight,  // the same key is in this very batch
    kIdempotencyMismatch,  // same key, another request body
    kConflict,             // a unique value is taken (username)
    kError,                // storage failed; nothing of the batch was kept
    kUnavailable,          // the database cannot be reached; nothing was acknowledged
    kFull,                 // no space left on the device; nothing of the batch was kept
  };
  Status status = Status::kError;
  util::Uuid id;
  // kOk for a create or update: the row's body as stored; kReplayed: the
  // response stored with the idempotency key.
  std::string body;
  Owner owner = 0;  // CreateUser: the assigned owner
  // kOk for a task command with an event: the id the log gave it.
  std::int64_t event_id = 0;
};

struct WriteRequest {
  Command command;
  // Called on the writer's thread after COMMIT (or the failure); it must
  // only hand the result over to the requester's thread.
  std::function<void(WriteResult&&)> done;
};

}  // namespace brisk::store
