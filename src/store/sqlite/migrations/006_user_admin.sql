-- brisk schema 6: accounts can be disabled (brisk user disable); a disabled
-- user cannot log in and their tokens stop working.
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
