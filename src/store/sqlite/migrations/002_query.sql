-- brisk schema 2: the query language of GET /tasks (issue 4): an index per
-- sort order, tags as rows, and full-text search. Tags, title and description
-- live in the served JSON (`body`); triggers keep task_tags and tasks_fts in
-- step with it inside the same transaction as every task write, so no write
-- path can forget them. Existing rows are backfilled below.

-- The title sort key: ASCII letters lowered, every other character kept, so
-- that BINARY (memcmp of UTF-8, i.e. code point order) compares titles with
-- ASCII letters case-insensitively. Spelled out with replace() rather than
-- lower(), whose meaning changes when SQLite is built with ICU. VIRTUAL:
-- stored only in its index.
ALTER TABLE tasks ADD COLUMN title_key TEXT GENERATED ALWAYS AS (
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(title
    , 'A', 'a') , 'B', 'b') , 'C', 'c') , 'D', 'd') , 'E', 'e') , 'F', 'f')
    , 'G', 'g') , 'H', 'h') , 'I', 'i') , 'J', 'j') , 'K', 'k') , 'L', 'l')
    , 'M', 'm') , 'N', 'n') , 'O', 'o') , 'P', 'p') , 'Q', 'q') , 'R', 'r')
    , 'S', 's') , 'T', 't') , 'U', 'u') , 'V', 'v') , 'W', 'w') , 'X', 'x')
    , 'Y', 'y') , 'Z', 'z')
) VIRTUAL;

-- One index per sort key, each ending in id (ties). With 001's
-- tasks_owner_created and tasks_owner_status_created, every sort order and
-- every filter has an index to walk or to range over.
CREATE INDEX tasks_owner_updated ON tasks (owner, updated_at, id);
CREATE INDEX tasks_owner_priority ON tasks (owner, priority, id);
CREATE INDEX tasks_owner_due ON tasks (owner, due_at, id);
CREATE INDEX tasks_owner_title ON tasks (owner, title_key, id);

-- A row per (task, tag). The key carries the default order (created_at, id)
-- so a tag filter in that order is one index range; `seq` joins the task.
CREATE TABLE task_tags (
  owner       INTEGER NOT NULL,
  tag         TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  id          BLOB NOT NULL,
  seq         INTEGER NOT NULL,      -- tasks.seq
  PRIMARY KEY (owner, tag, created_at, id)
) WITHOUT ROWID;

-- Full-text index over title, description and tags (rowid = tasks.seq).
-- Contentless: the text lives in tasks.body, and deletions re-supply the
-- old values from the old body. The "brisk" tokenizer is unicode61 with
-- diacritics removed plus one token per CJK character (store/sqlite/
-- tokenizer.hpp); every connection registers it before touching this table.
CREATE VIRTUAL TABLE tasks_fts USING fts5(
  title, description, tags,
  content = '',
  tokenize = 'brisk remove_diacritics 2'
);

INSERT INTO task_tags (owner, tag, created_at, id, seq)
  SELECT t.owner, j.value, t.created_at, t.id, t.seq
  FROM tasks AS t, json_each(t.body, '$.tags') AS j;

INSERT INTO tasks_fts (rowid, title, description, tags)
  SELECT seq, title, json_extract(body, '$.description'),
         (SELECT group_concat(value, ' ') FROM json_each(body, '$.tags'))
  FROM tasks;

CREATE TRIGGER tasks_index_insert AFTER INSERT ON tasks BEGIN
  INSERT INTO task_tags (owner, tag, created_at, id, seq)
    SELECT new.owner, value, new.created_at, new.id, new.seq FROM json_each(new.body, '$.tags');
  INSERT INTO tasks_fts (rowid, title, description, tags)
    VALUES (new.seq, new.title, json_extract(new.body, '$.description'),
            (SELECT group_concat(value, ' ') FROM json_each(new.body, '$.tags')));
END;

CREATE TRIGGER tasks_index_delete AFTER DELETE ON tasks BEGIN
  DELETE FROM task_tags
    WHERE owner = old.owner AND tag IN (SELECT value FROM json_each(old.body, '$.tags'))
      AND created_at = old.created_at AND id = old.id;
  INSERT INTO tasks_fts (tasks_fts, rowid, title, description, tags)
    VALUES ('delete', old.seq, old.title, json_extract(old.body, '$.description'),
            (SELECT group_concat(value, ' ') FROM json_each(old.body, '$.tags')));
END;

-- Updates touch the indexes only when what they hold changed (a status
-- change rewrites neither).
CREATE TRIGGER tasks_index_update_tags AFTER UPDATE OF body ON tasks
WHEN json_extract(old.body, '$.tags') IS NOT json_extract(new.body, '$.tags') BEGIN
  DELETE FROM task_tags
    WHERE owner = old.owner AND tag IN (SELECT value FROM json_each(old.body, '$.tags'))
      AND created_at = old.created_at AND id = old.id;
  INSERT INTO task_tags (owner, tag, created_at, id, seq)
    SELECT new.owner, value, new.created_at, new.id, new.seq FROM json_each(new.body, '$.tags');
END;

CREATE TRIGGER tasks_index_update_text AFTER UPDATE OF body ON tasks
WHEN old.title IS NOT new.title
  OR json_extract(old.body, '$.description') IS NOT json_extract(new.body, '$.description')
  OR json_extract(old.body, '$.tags') IS NOT json_extract(new.body, '$.tags') BEGIN
  INSERT INTO tasks_fts (tasks_fts, rowid, title, description, tags)
    VALUES ('delete', old.seq, old.title, json_extract(old.body, '$.description'),
            (SELECT group_concat(value, ' ') FROM json_each(old.body, '$.tags')));
  INSERT INTO tasks_fts (rowid, title, description, tags)
    VALUES (new.seq, new.title, json_extract(new.body, '$.description'),
            (SELECT group_concat(value, ' ') FROM json_each(new.body, '$.tags')));
END;
