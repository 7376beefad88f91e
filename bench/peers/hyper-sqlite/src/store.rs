//! The tasks table and the queries the handlers run. Each function takes a
//! pooled connection and runs one transaction: a single statement in
//! autocommit mode, which SQLite commits (with WAL and synchronous=FULL:
//! durably) before the function returns.
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pending,
    InProgress,
    Done,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::InProgress => "in_progress",
            Status::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "pending" => Some(Status::Pending),
            "in_progress" => Some(Status::InProgress),
            "done" => Some(Status::Done),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Task {
    pub id: String,
    pub title: String,
    pub description: String,
    pub status: Status,
    pub priority: u8,
    pub due_at: Option<String>,
    pub tags: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: u64,
}

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS tasks (
        id          TEXT PRIMARY KEY,
        title       TEXT NOT NULL,
        description TEXT NOT NULL,
        status      TEXT NOT NULL,
        priority    INTEGER NOT NULL,
        due_at      TEXT,
        tags        TEXT NOT NULL,  -- JSON array
        created_at  TEXT NOT NULL,  -- RFC 3339 UTC, milliseconds: sorts as text
        updated_at  TEXT NOT NULL,
        version     INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS tasks_status_created_at ON tasks (status, created_at);
";

const COLUMNS: &str = "id, title, description, status, priority, due_at, tags, created_at, updated_at, version";

fn from_row(row: &Row) -> rusqlite::Result<Task> {
    let status: String = row.get(3)?;
    let tags: String = row.get(6)?;
    let bad = |i, e: Box<dyn std::error::Error + Send + Sync>| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e)
    };
    Ok(Task {
        id: row.get(0)?,
        title: row.get(1)?,
        description: row.get(2)?,
        status: Status::parse(&status).ok_or_else(|| bad(3, format!("bad status {status:?}").into()))?,
        priority: row.get(4)?,
        due_at: row.get(5)?,
        tags: serde_json::from_str(&tags).map_err(|e| bad(6, e.into()))?,
        created_at: row.get(7)?,
        updated_at: row.get(8)?,
        version: row.get(9)?,
    })
}

/// Creates the table and its index, and loads the fixture tasks (in one
/// transaction; tasks already there are kept).
pub fn init(conn: &mut Connection, fixture: &[Task]) -> rusqlite::Result<()> {
    conn.execute_batch(SCHEMA)?;
    let tx = conn.transaction()?;
    {
        let mut stmt = tx.prepare(&format!(
            "INSERT OR IGNORE INTO tasks ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        ))?;
        for t in fixture {
            insert_with(&mut stmt, t)?;
        }
    }
    tx.commit()
}

fn insert_with(stmt: &mut rusqlite::Statement, t: &Task) -> rusqlite::Result<usize> {
    let tags = serde_json::to_string(&t.tags).expect("strings serialize");
    stmt.execute(params![
        t.id,
        t.title,
        t.description,
        t.status.as_str(),
        t.priority,
        t.due_at,
        tags,
        t.created_at,
        t.updated_at,
        t.version
    ])
}

pub fn insert(conn: &Connection, t: &Task) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(&format!(
        "INSERT INTO tasks ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
    ))?;
    insert_with(&mut stmt, t).map(|_| ())
}

pub fn get(conn: &Connection, id: &str) -> rusqlite::Result<Option<Task>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM tasks WHERE id = ?1"))?;
    stmt.query_row([id], from_row).optional()
}

/// Newest first, as brisk's default order (`-created_at`); with a status,
/// the (status, created_at) index gives the rows in that order.
pub fn list(conn: &Connection, status: Option<Status>, limit: usize) -> rusqlite::Result<Vec<Task>> {
    let limit = limit as i64;
    match status {
        Some(s) => {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM tasks WHERE status = ?1 ORDER BY created_at DESC LIMIT ?2"
            ))?;
            let rows = stmt.query_map(params![s.as_str(), limit], from_row)?;
            rows.collect()
        }
        None => {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM tasks ORDER BY created_at DESC LIMIT ?1"
            ))?;
            let rows = stmt.query_map([limit], from_row)?;
            rows.collect()
        }
    }
}
