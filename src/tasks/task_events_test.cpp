#include "tasks/task_events.hpp"

#include <gtest/gtest.h>

namespace brisk::tasks {
namespace {

constexpr auto kCreated = static_cast<std::uint8_t>(EventKind::kCreated);

TEST(TaskEvents, AFrameIsNameIdDataAndABlankLine) {
  std::string out;
  ASSERT_TRUE(append_event_frame(out, 42, kCreated, R"({"id":"x"})"));
  EXPECT_EQ(out, "event: task.created\nid: 42\ndata: {\"id\":\"x\"}\n\n");
  ASSERT_TRUE(append_event_frame(out, 43, static_cast<std::uint8_t>(EventKind::kDeleted), "{}"));
  EXPECT_EQ(out.substr(out.find("\n\n") + 2), "event: task.deleted\nid: 43\ndata: {}\n\n");
}

// SSE ends a line at CR, LF or CRLF: each line of the data is a data: line
// of its own, so no line break can end the event early or inject a field.
TEST(TaskEvents, LineBreaksInTheDataBecomeDataLines) {
  std::string out;
  ASSERT_TRUE(append_event_frame(out, 1, kCreated, "a\nevent: reset\r\nb\rc\n"));
  EXPECT_EQ(out,
            "event: task.created\nid: 1\ndata: a\ndata: event: reset\ndata: b\ndata: c\n"
            "data: \n\n");
}

TEST(TaskEvents, AnUnknownKindMakesNoFrame) {
  std::string out = "kept";
  EXPECT_FALSE(append_event_frame(out, 1, 0, "{}"));
  EXPECT_FALSE(append_event_frame(out, 1, 200, "{}"));
  EXPECT_EQ(out, "kept");
}

TEST(TaskEvents, TheEventsOfTheThreeChanges) {
  store::TaskRow row;
  row.body = R"({"id":"t"})";
  EXPECT_EQ(created_event(row).kind, kCreated);
  EXPECT_EQ(created_event(row).data, row.body);
  EXPECT_EQ(updated_event(row).kind, static_cast<std::uint8_t>(EventKind::kUpdated));
  util::Uuid id;
  ASSERT_TRUE(util::parse_uuid("01936f4e-8a3c-7b2e-9c1d-5f0a2b3c4d5e", id));
  const store::Event d = deleted_event(id);
  EXPECT_EQ(d.kind, static_cast<std::uint8_t>(EventKind::kDeleted));
  EXPECT_EQ(d.data, R"({"id":"01936f4e-8a3c-7b2e-9c1d-5f0a2b3c4d5e"})");
}

TEST(TaskEvents, ResetNamesItsReasonAndTheIdToGoOnAfter) {
  EXPECT_EQ(reset_frame(7, ResetReason::kWindow),
            "event: reset\nid: 7\ndata: {\"reason\":\"window\"}\n\n");
  EXPECT_EQ(reset_frame(0, ResetReason::kAhead),
            "event: reset\nid: 0\ndata: {\"reason\":\"ahead\"}\n\n");
  EXPECT_EQ(reset_frame(9, ResetReason::kOverflow),
            "event: reset\nid: 9\ndata: {\"reason\":\"overflow\"}\n\n");
}

}  // namespace
}  // namespace brisk::tasks
