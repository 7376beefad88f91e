-- brisk schema 5: the title sort index compares titles with the
-- "brisk_title" collation (store/sqlite/collation.cpp: ASCII letters
-- case-insensitive, other bytes by value) instead of indexing title_key, a
-- generated column of 26 nested replace() calls.
--
-- Why: the generated column was evaluated on every insert and title change,
-- about 3 us per POST of the writer's time (a bench of the schema's inserts,
-- 100k rows in batches of 50: 14.3 -> 11.5 us per row). The order is the
-- same: title_key compared BINARY is the title compared with ASCII letters
-- folded, byte by byte. Every connection registers the collation (with the
-- tokenizer) before it touches tasks.
DROP INDEX tasks_owner_title;
ALTER TABLE tasks DROP COLUMN title_key;
CREATE INDEX tasks_owner_title ON tasks (owner, title COLLATE brisk_title, id);
