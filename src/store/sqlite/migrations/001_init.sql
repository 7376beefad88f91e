-- brisk schema 1: tasks, idempotency keys and server metadata.

-- Server-wide secrets and settings (e.g. the cursor signing key).
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE tasks (
  seq         INTEGER PRIMARY KEY,   -- rowid, stable for full-text indexes
  id          BLOB NOT NULL UNIQUE,  -- 16-byte UUIDv7
  owner       INTEGER NOT NULL,      -- 0: the local owner of --auth off
  status      INTEGER NOT NULL,      -- 0 pending, 1 in_progress, 2 done
  priority    INTEGER NOT NULL,
  due_at      INTEGER,               -- Unix ms, UTC; NULL when none
  title       TEXT NOT NULL,
  created_at  INTEGER NOT NULL,      -- Unix ms
  updated_at  INTEGER NOT NULL,
  version     INTEGER NOT NULL,
  body        TEXT NOT NULL          -- the task's JSON exactly as served; rewritten on every change
);

-- The default order (-created_at, ties by id), with and without a status filter.
CREATE INDEX tasks_owner_created ON tasks (owner, created_at, id);
CREATE INDEX tasks_owner_status_created ON tasks (owner, status, created_at, id);

-- A POST's Idempotency-Key: the first 201 is kept for 24 hours and replayed.
CREATE TABLE idempotency (
  owner       INTEGER NOT NULL,
  key         TEXT NOT NULL,
  request     BLOB NOT NULL,         -- the request body, compared byte for byte
  response    TEXT NOT NULL,         -- the 201 body as first sent
  task_id     BLOB NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (owner, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_created ON idempotency (created_at);
