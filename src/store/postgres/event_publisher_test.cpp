// EventPublisher (event_publisher.hpp): where the writer's own events and
// the listener's reads of the log meet; the sink gets each id once, in
// order, and a gap it can never fill as missed().
#include "store/postgres/event_publisher.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace brisk::store::postgres {
namespace {

// What the sink was told, in order: ids published, and -id for missed(id).
class Recorder final : public EventSink {
 public:
  void published(std::vector<LoggedEvent>&& events) override {
    for (const LoggedEvent& e : events) calls.push_back(e.id);
  }
  void missed(std::int64_t through) override { calls.push_back(-through); }
  std::vector<std::int64_t> calls;
};

std::vector<LoggedEvent> events(std::int64_t first, std::int64_t last) {
  std::vector<LoggedEvent> out;
  for (std::int64_t id = first; id <= last; ++id) out.push_back({id, 1, 1, std::to_string(id)});
  return out;
}

TEST(EventPublisher, TheWritersBatchIsPublishedOnlyWhenItFollowsTheNewest) {
  EventPublisher p(10);  // the log's newest at open
  Recorder r;
  p.set_sink(&r);
  EXPECT_TRUE(p.offer(events(11, 13)));
  EXPECT_EQ(p.published(), 13);
  // 14 and 15 came from another instance and are not read yet: the batch
  // waits for the listener's read of the log.
  EXPECT_FALSE(p.offer(events(16, 17)));
  EXPECT_EQ(p.published(), 13);
  p.publish_read(events(14, 17));
  EXPECT_EQ(p.published(), 17);
  EXPECT_EQ(r.calls, (std::vector<std::int64_t>{11, 12, 13, 14, 15, 16, 17}));
}

TEST(EventPublisher, WhatWasPublishedAlreadyIsDroppedNotRepeated) {
  EventPublisher p(0);
  Recorder r;
  p.set_sink(&r);
  p.publish_read(events(1, 5));  // the listener read first
  EXPECT_TRUE(p.offer(events(4, 6)));
  p.publish_read(events(2, 6));
  p.publish_read({});
  EXPECT_EQ(r.calls, (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6}));
}

TEST(EventPublisher, AGapThatLeftTheWindowIsMissedThenTheRestGoesOn) {
  EventPublisher p(3);
  Recorder r;
  p.set_sink(&r);
  // Read after a long absence: 4..19 were pruned, 20.. are in the log.
  p.publish_read(events(20, 22));
  EXPECT_EQ(p.published(), 22);
  EXPECT_TRUE(p.offer(events(23, 23)));
  EXPECT_EQ(r.calls, (std::vector<std::int64_t>{-19, 20, 21, 22, 23}));
}

TEST(EventPublisher, WithoutASinkIdsStillAdvance) {
  EventPublisher p(0);
  EXPECT_TRUE(p.offer(events(1, 2)));
  Recorder r;
  p.set_sink(&r);
  EXPECT_FALSE(p.offer(events(4, 4)));
  EXPECT_TRUE(p.offer(events(3, 4)));
  EXPECT_EQ(r.calls, (std::vector<std::int64_t>{3, 4}));
}

}  // namespace
}  // namespace brisk::store::postgres
