// The store interface: per-thread readers and one writer that commits many
// requests per transaction (group commit). Backends: sqlite/ (and later
// postgres/). Handlers see only this file.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/model.hpp"
#include "store/list_query.hpp"
#include "tasks/task.hpp"
#include "util/uuid.hpp"

namespace brisk::store {

enum class ReadStatus { kOk, kNotFound, kError };

struct UserRow {
  Owner owner = 0;
  util::Uuid id;
  std::string username;
  std::string password_hash;
  std::int64_t created_at = 0;
};

// One per event-loop thread; not thread-safe.
class Reader {
 public:
  virtual ~Reader() = default;
  // The task's served JSON and version. Views stay valid until the next call.
  virtual ReadStatus get(Owner owner, const util::Uuid& id, std::string_view& json,
                         std::int64_t& version) = 0;
  // Calls `row` with the served JSON of each task of the page, in order (at
  // most q.limit; each view is valid only during the call), then fills `page`.
  virtual ReadStatus list(const ListQuery& q, const std::function<void(std::string_view json)>& row,
                          ListPage& page) = 0;
  // True when the database answers a trivial query.
  virtual bool ping() = 0;
  virtual ReadStatus user_by_name(std::string_view username, UserRow& out) = 0;
  virtual ReadStatus user_by_id(const util::Uuid& id, UserRow& out) = 0;
};

// If-Match: "*" or a list of strong ETags (versions). A header that names
// no valid ETag is still a condition, and matches nothing.
struct Precondition {
  bool present = false;
  bool any = false;
  std::vector<std::int64_t> versions;
  bool active() const { return present; }
  bool matches(std::int64_t v) const;
};

struct WriteResult {
  enum class Status {
    kOk,        // json/version/id set
    kReplayed,  // idempotent replay of an earlier 201: json is its body
    kNotFound,
    kPreconditionFailed,
    kIdempotencyInFlight,  // the same key is being processed: 409
    kIdempotencyMismatch,  // same key, different body: 422
    kConflict,             // the username is taken: 409
    kError,                // storage failed; nothing was written
  };
  Status status = Status::kError;
  std::string json;
  std::int64_t version = 0;
  util::Uuid id;
  std::int64_t created_at = 0;  // create user
};

struct WriteRequest {
  enum class Kind { kCreate, kUpdate, kDelete, kCreateUser };
  Kind kind = Kind::kCreate;
  Owner owner = kLocalOwner;
  util::Uuid id;          // update, delete
  Precondition if_match;  // update, delete
  tasks::Task fields;     // create, update: values of the fields in `mask`
  api::FieldMask mask = 0;
  std::string idempotency_key;  // create; empty: none
  std::string request_body;     // create with a key: compared on replay
  std::string username;         // create user
  std::string password_hash;    // create user
  // Called on the writer thread after the commit (or failure); must only
  // hand the result over to the requester's thread.
  std::function<void(WriteResult&&)> done;
};

// Batch size histogram bounds for brisk_db_commit_batch_size.
inline constexpr std::array<std::uint64_t, 12> kBatchBounds = {1,  2,   4,   8,   16,   32,
                                                               64, 128, 256, 512, 1024, 4096};

struct CommitStats {
  std::uint64_t commits = 0;                                           // successful transactions
  std::array<std::uint64_t, kBatchBounds.size() + 1> batch_buckets{};  // last: +Inf
  std::uint64_t batch_sum = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // A reader for event-loop thread `index`; created before the threads run.
  virtual Reader& reader(unsigned index) = 0;
  // Hands a write to the writer at once.
  virtual void submit(WriteRequest req) = 0;
  // Queues a write that the writer takes at the next flush() (from any
  // thread). An event loop enqueues a round's writes and flushes once at the
  // end of the round, so they share one transaction: on a shared core the
  // woken writer would otherwise preempt the loop and commit them one by one.
  virtual void enqueue(WriteRequest req) { submit(std::move(req)); }
  virtual void flush() {}
  // 32 random bytes kept in the database, for signing cursors.
  virtual std::string cursor_key() = 0;
  // 32 random bytes kept in the database: the HS256 token signing key.
  virtual std::string token_key() = 0;
  virtual CommitStats commit_stats() const = 0;
  // A counter that changes whenever a commit changes any task, bumped before
  // the commit's completions run; nullopt when other processes may write
  // (then nothing derived from reads may be cached).
  virtual std::optional<std::uint64_t> task_generation() const { return std::nullopt; }
  // Stops the writer after it has committed everything submitted.
  virtual void stop() = 0;
};

struct StoreOptions {
  std::string target = "brisk.db";  // file path or ":memory:"
  unsigned readers = 1;
  bool rotate_token_key = false;  // replace the token key (invalidates every token)
};

// Opens (creating and migrating) the store. Throws std::runtime_error with a
// clear, client-safe message on failure.
std::unique_ptr<Store> open_store(const StoreOptions& opts);

}  // namespace brisk::store
