-- brisk schema 3: user accounts. Tasks already carry an owner: 0 is the
-- built-in local owner of --auth off (tasks created before accounts keep it);
-- users get owners from 1 up.
CREATE TABLE users (
  owner          INTEGER PRIMARY KEY AUTOINCREMENT,
  id             BLOB NOT NULL UNIQUE,   -- 16-byte UUIDv7, the id the API shows
  username       TEXT NOT NULL UNIQUE,
  password_hash  TEXT NOT NULL,          -- Argon2id, libsodium's encoded string
  created_at     INTEGER NOT NULL        -- Unix ms
);
