#include "tasks/task_events.hpp"

#include <cstring>

#include "util/uuid.hpp"

namespace brisk::tasks {

namespace {

std::string_view kind_name(std::uint8_t kind) {
  switch (static_cast<EventKind>(kind)) {
    case EventKind::kCreated:
      return "task.created";
    case EventKind::kUpdated:
      return "task.updated";
    case EventKind::kDeleted:
      return "task.deleted";
  }
  return {};
}

std::string_view reason_name(ResetReason why) {
  switch (why) {
    case ResetReason::kWindow:
      return "window";
    case ResetReason::kAhead:
      return "ahead";
    case ResetReason::kOverflow:
      return "overflow";
  }
  return "window";
}

// One "data:" line per line of `data` (CR, LF and CRLF all end a line in
// SSE); the served JSON has none, so this is one line in practice.
void append_data(std::string& out, std::string_view data) {
  for (;;) {
    const std::size_t br = data.find_first_of("\r\n");
    out.append("data: ").append(data.substr(0, br)).push_back('\n');
    if (br == std::string_view::npos) return;
    const std::size_t next = data.compare(br, 2, "\r\n") == 0 ? br + 2 : br + 1;
    data.remove_prefix(next);
  }
}

}  // namespace

store::Event created_event(const store::TaskRow& row) {
  return {static_cast<std::uint8_t>(EventKind::kCreated), row.body};
}

store::Event updated_event(const store::TaskRow& row) {
  return {static_cast<std::uint8_t>(EventKind::kUpdated), row.body};
}

store::Event deleted_event(const util::Uuid& id) {
  constexpr std::string_view kOpen = R"({"id":")";
  std::string data(kOpen.size() + 36, '\0');
  kOpen.copy(data.data(), kOpen.size());
  util::format_uuid(id, data.data() + kOpen.size());
  data += "\"}";
  return {static_cast<std::uint8_t>(EventKind::kDeleted), std::move(data)};
}

bool append_event_frame(std::string& out, std::int64_t id, std::uint8_t kind,
                        std::string_view data) {
  const std::string_view name = kind_name(kind);
  if (name.empty()) return false;
  out.append("event: ").append(name).append("\nid: ").append(std::to_string(id)).push_back('\n');
  append_data(out, data);
  out.push_back('\n');
  return true;
}

std::string reset_frame(std::int64_t id, ResetReason why) {
  std::string out = "event: reset\nid: ";
  out.append(std::to_string(id)).append("\ndata: {\"reason\":\"");
  out.append(reason_name(why)).append("\"}\n\n");
  return out;
}

}  // namespace brisk::tasks
