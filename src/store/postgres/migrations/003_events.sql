-- brisk schema 3 on PostgreSQL (SQLite's schema 7): the event log behind
-- GET /tasks/events (store/events.hpp), shared by every instance.
--
-- The writer inserts a task's event in the statement that changes the task
-- (so an event exists if and only if its change committed), in a
-- transaction that first takes the event lock (pg_advisory_xact_lock; see
-- store/postgres/event_sql.hpp): event-writing transactions of all
-- instances run one at a time from that lock to their COMMIT, so ids given
-- as max(newest, pruned_through) + 1 are consecutive and in commit order.
-- A reader that has seen id N can never see an id below N appear later.
-- The writer keeps a window of the newest events (at least the newest one)
-- and deletes older ones in chunks, recording the highest id deleted in
-- event_log.pruned_through, from which a reader tells that a Last-Event-ID
-- is older than the window. The same transaction sends NOTIFY brisk_events
-- with the newest id; PostgreSQL delivers it at COMMIT.
CREATE TABLE events (
  id     bigint PRIMARY KEY,    -- the event id clients see
  owner  bigint NOT NULL,       -- whose task changed (0: the local owner of --auth off)
  kind   smallint NOT NULL,     -- the service's code (task.created, ...)
  data   text NOT NULL          -- the event's data as served
);
-- One owner's events after an id, in order: replay of a stream.
CREATE INDEX events_owner ON events (owner, id);

-- One row: every event id up to pruned_through was deleted by pruning.
CREATE TABLE event_log (
  one             boolean PRIMARY KEY DEFAULT true CHECK (one),
  pruned_through  bigint NOT NULL
);
INSERT INTO event_log (one, pruned_through) VALUES (true, 0);
