-- brisk schema 4: task_tags and tasks_fts are kept in step with tasks by the
-- writer (store/sqlite/task_rows.cpp) instead of triggers.
--
-- Why: a trigger makes every INSERT, UPDATE and DELETE on tasks a
-- multi-write statement with its own statement savepoint, and FTS5 flushes
-- its pending terms to a new segment at every savepoint. Each task became
-- its own FTS segment, merged again and again: two thirds of a POST's CPU
-- (47 us per POST in :memory: mode). Plain single-row statements open no
-- savepoint, so a group commit now writes one segment per transaction.
DROP TRIGGER tasks_index_insert;
DROP TRIGGER tasks_index_delete;
DROP TRIGGER tasks_index_update_tags;
DROP TRIGGER tasks_index_update_text;

-- FTS5 merges segments incrementally once a level holds `automerge` of them
-- (default 4). Merging at 8 does less merge work per task written: under a
-- POST load, p99 went from 12-15 ms to 5-7 ms, at the cost of up to twice as
-- many segments per level for a search to probe. The setting is stored in
-- tasks_fts_config, so it holds for every connection.
INSERT INTO tasks_fts (tasks_fts, rank) VALUES ('automerge', 8);
