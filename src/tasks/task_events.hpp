// The events of GET /tasks/events as this service decides them: which kind
// each change makes, the data logged with it (store/events.hpp), and the
// Server-Sent Events frames a stream is sent.
//
// A frame is complete in itself ("event:", "id:", "data:" lines and the
// blank line that dispatches it), so frames can be written one after the
// other to any stream, and one frame is built once for every stream.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "store/events.hpp"
#include "store/task_row.hpp"
#include "util/uuid.hpp"

namespace brisk::tasks {

// The store's kind codes (kept in the log: never renumber).
enum class EventKind : std::uint8_t { kCreated = 1, kUpdated = 2, kDeleted = 3 };

// task.created / task.updated: the task as served. task.deleted: {"id": ...}.
store::Event created_event(const store::TaskRow& row);
store::Event updated_event(const store::TaskRow& row);
store::Event deleted_event(const util::Uuid& id);

// "event: <name>\nid: <id>\ndata: <data>\n\n" appended to `out`; a line
// break in `data` starts another data: line (SSE joins them back). False,
// and nothing appended, for a kind this build does not know.
bool append_event_frame(std::string& out, std::int64_t id, std::uint8_t kind,
                        std::string_view data);

// Why a stream is told to start over (the data of `event: reset`).
enum class ResetReason : std::uint8_t {
  kWindow,    // Last-Event-ID is older than the log keeps
  kAhead,     // Last-Event-ID is newer than any event (another database)
  kOverflow,  // the client read too slowly: its queue overflowed
};
// `event: reset` with `id: <id>`: a client that refetches and reconnects
// with this id misses nothing after it.
std::string reset_frame(std::int64_t id, ResetReason why);

// The comment line that keeps a quiet stream open through proxies.
inline constexpr std::string_view kHeartbeatFrame = ": keep-alive\n\n";

}  // namespace brisk::tasks
