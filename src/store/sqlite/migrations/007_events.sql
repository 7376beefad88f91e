-- brisk schema 7: the event log behind GET /tasks/events (store/events.hpp).
--
-- The writer inserts a task's event in the transaction that changes the task,
-- so an event exists if and only if its change committed. Ids are assigned by
-- the writer (the single writer), one after the other in commit order, from
-- max(newest id, events_pruned_through) + 1: they survive restarts and are
-- never reused, even once pruned. The writer keeps a window of the newest
-- events (StoreOptions::event_window) and deletes older ones in chunks,
-- recording the highest id deleted in meta as events_pruned_through, from
-- which a reader tells that a Last-Event-ID is older than the window.
CREATE TABLE events (
  id     INTEGER PRIMARY KEY,   -- the event id clients see
  owner  INTEGER NOT NULL,      -- whose task changed (0: the local owner of --auth off)
  kind   INTEGER NOT NULL,      -- the service's code (task.created, ...)
  data   TEXT NOT NULL          -- the event's data as served
);
-- One owner's events after an id, in order: replay of a stream.
CREATE INDEX events_owner ON events (owner, id);
