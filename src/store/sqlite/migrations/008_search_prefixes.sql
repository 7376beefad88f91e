-- brisk schema 8: tasks_fts rebuilt with prefix indexes of every token's
-- first 1 to 6 characters (docs/DECISIONS.md, "Search at scale").
--
-- Why: search as you type sends a word's first letters. Without a prefix
-- index FTS5 answers "u"* by merging the row lists of every token that
-- starts with "u" before it returns the first row (80 ms at 1M tasks, for
-- any page); with one, the prefix is one row list, read newest row first
-- and stopped when the page has enough. Words of up to 6 characters (most
-- words typed, and every prefix while typing) are read so; a longer one
-- still merges the lists of its tokens. Size and rebuild time at 1M tasks:
-- docs/DECISIONS.md.
--
-- Same columns, tokenizer and contentless layout as 002, so the writer
-- (task_rows.cpp) is unchanged.
DROP TABLE tasks_fts;

CREATE VIRTUAL TABLE tasks_fts USING fts5(
  title, description, tags,
  content = '',
  prefix = '1 2 3 4 5 6',
  tokenize = 'brisk remove_diacritics 2'
);
INSERT INTO tasks_fts (tasks_fts, rank) VALUES ('automerge', 8);

INSERT INTO tasks_fts (rowid, title, description, tags)
  SELECT seq, title, json_extract(body, '$.description'),
         (SELECT group_concat(value, ' ') FROM json_each(body, '$.tags'))
  FROM tasks;
