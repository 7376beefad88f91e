//! An r2d2 connection manager for rusqlite: what the r2d2_sqlite crate
//! provides (Debian does not package it), with the pragmas every connection
//! of this server needs.
use std::path::PathBuf;

use rusqlite::Connection;

pub struct SqliteConnectionManager {
    path: PathBuf,
}

impl SqliteConnectionManager {
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }
}

impl r2d2::ManageConnection for SqliteConnectionManager {
    type Connection = Connection;
    type Error = rusqlite::Error;

    fn connect(&self) -> Result<Connection, rusqlite::Error> {
        let conn = Connection::open(&self.path)?;
        // WAL lets readers run beside the writer; synchronous=FULL makes each
        // commit durable (fsync of the WAL) before it returns. Writers of
        // different connections wait for each other up to busy_timeout.
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA busy_timeout = 5000;",
        )?;
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut Connection) -> Result<(), rusqlite::Error> {
        conn.execute_batch("")
    }

    fn has_broken(&self, _conn: &mut Connection) -> bool {
        false
    }
}
