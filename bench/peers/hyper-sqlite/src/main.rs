//! The classic task API on hyper 0.14 with a multi-threaded tokio runtime,
//! kept in a SQLite file (rusqlite, the system libsqlite3): what a team
//! would write with a database, beside bench/peers/hyper's in-memory map.
//! The HTTP side is the same as that peer's; every database call runs on a
//! pooled connection (r2d2) inside `tokio::task::spawn_blocking`, so that
//! SQLite's blocking calls (and the fsync of each commit) never stall the
//! event loop. The fixture's 1,000 tasks are loaded at start.
//!
//! Two pools, as usual with SQLite, which lets one writer in at a time:
//! reads use a pool of 10 connections (r2d2's default size), writes a pool
//! of one. With writes on the 10-connection pool instead, concurrent writers
//! meet SQLITE_BUSY and sleep in SQLite's busy handler (1, 2, 5, ... 100 ms
//! back-off); measured here under 100 concurrent POSTs, that gave about the
//! same req/s but a p99 four times longer and some requests over 2 s.
//!
//!     tasks-hyper-sqlite PORT DATABASE [FIXTURE]
mod pool;
mod store;

use std::convert::Infallible;
use std::net::SocketAddr;

use hyper::header::{CONTENT_TYPE, LOCATION};
use hyper::service::{make_service_fn, service_fn};
use hyper::{Body, Method, Request, Response, Server, StatusCode};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use pool::SqliteConnectionManager;
use store::{Status, Task};

type Pool = r2d2::Pool<SqliteConnectionManager>;

#[derive(Clone)]
struct Db {
    read: Pool,
    write: Pool,
}

fn default_priority() -> i64 {
    1
}
fn default_status() -> Status {
    Status::Pending
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewTask {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default = "default_status")]
    status: Status,
    #[serde(default = "default_priority")]
    priority: i64,
    #[serde(default)]
    due_at: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Serialize)]
struct TaskList {
    tasks: Vec<Task>,
    count: usize,
    next_cursor: Option<String>,
}

#[derive(Serialize)]
struct FieldError {
    loc: [&'static str; 2],
    msg: &'static str,
}

fn json<T: Serialize>(status: StatusCode, value: &T) -> Response<Body> {
    let body = serde_json::to_vec(value).expect("serializable");
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .expect("valid response")
}

fn detail(status: StatusCode, msg: &str) -> Response<Body> {
    json(status, &serde_json::json!({ "detail": msg }))
}

/// Runs `f` on a pooled connection on tokio's blocking thread pool.
async fn with_db<T, F>(pool: &Pool, f: F) -> Result<T, Response<Body>>
where
    T: Send + 'static,
    F: FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
{
    let pool = pool.clone();
    let result = tokio::task::spawn_blocking(move || -> Result<T, String> {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        f(&mut conn).map_err(|e| e.to_string())
    })
    .await;
    match result {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => {
            eprintln!("database error: {e}");
            Err(detail(StatusCode::INTERNAL_SERVER_ERROR, "database error"))
        }
        Err(e) => {
            eprintln!("database task failed: {e}");
            Err(detail(StatusCode::INTERNAL_SERVER_ERROR, "database error"))
        }
    }
}

fn chars_between(s: &str, min: usize, max: usize) -> bool {
    let n = s.chars().count();
    n >= min && n <= max
}

fn validate(t: &NewTask) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !chars_between(&t.title, 1, 200) {
        errors.push(FieldError {
            loc: ["body", "title"],
            msg: "title must have 1..200 characters",
        });
    }
    if !chars_between(&t.description, 0, 2000) {
        errors.push(FieldError {
            loc: ["body", "description"],
            msg: "description must have at most 2000 characters",
        });
    }
    if !(1..=5).contains(&t.priority) {
        errors.push(FieldError {
            loc: ["body", "priority"],
            msg: "priority must be 1..5",
        });
    }
    if t.tags.len() > 20 || !t.tags.iter().all(|s| chars_between(s, 1, 50)) {
        errors.push(FieldError {
            loc: ["body", "tags"],
            msg: "tags must be at most 20 strings of 1..50 characters",
        });
    }
    if let Some(due) = &t.due_at {
        if chrono::DateTime::parse_from_rfc3339(due).is_err() {
            errors.push(FieldError {
                loc: ["body", "due_at"],
                msg: "due_at must be an RFC 3339 timestamp",
            });
        }
    }
    errors
}

fn rfc3339_utc(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

async fn list(db: &Db, query: Option<&str>) -> Response<Body> {
    let mut status = None;
    let mut limit = 100usize;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "status" => match Status::parse(value) {
                Some(s) => status = Some(s),
                None => return detail(StatusCode::UNPROCESSABLE_ENTITY, "bad status"),
            },
            "limit" => match value.parse::<usize>() {
                Ok(n) if (1..=1000).contains(&n) => limit = n,
                _ => return detail(StatusCode::UNPROCESSABLE_ENTITY, "limit must be 1..1000"),
            },
            _ => return detail(StatusCode::UNPROCESSABLE_ENTITY, "unknown query parameter"),
        }
    }
    match with_db(&db.read, move |conn| store::list(conn, status, limit)).await {
        Ok(tasks) => {
            let count = tasks.len();
            json(
                StatusCode::OK,
                &TaskList {
                    tasks,
                    count,
                    next_cursor: None,
                },
            )
        }
        Err(response) => response,
    }
}

async fn get(db: &Db, id: &str) -> Response<Body> {
    let id = id.to_owned();
    match with_db(&db.read, move |conn| store::get(conn, &id)).await {
        Ok(Some(task)) => json(StatusCode::OK, &task),
        Ok(None) => detail(StatusCode::NOT_FOUND, "task not found"),
        Err(response) => response,
    }
}

async fn create(db: &Db, req: Request<Body>) -> Response<Body> {
    let bytes = match hyper::body::to_bytes(req.into_body()).await {
        Ok(b) => b,
        Err(_) => return detail(StatusCode::BAD_REQUEST, "unreadable body"),
    };
    let new: NewTask = match serde_json::from_slice(&bytes) {
        Ok(t) => t,
        Err(e) if e.is_data() => return detail(StatusCode::UNPROCESSABLE_ENTITY, &e.to_string()),
        Err(e) => return detail(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    let errors = validate(&new);
    if !errors.is_empty() {
        return json(
            StatusCode::UNPROCESSABLE_ENTITY,
            &serde_json::json!({ "detail": errors }),
        );
    }
    let stamp = rfc3339_utc(chrono::Utc::now());
    let task = Task {
        id: uuid::Uuid::new_v4().to_string(),
        title: new.title,
        description: new.description,
        status: new.status,
        priority: new.priority as u8,
        // Stored and answered in UTC, like created_at (validated above).
        due_at: new.due_at.map(|d| {
            rfc3339_utc(
                chrono::DateTime::parse_from_rfc3339(&d)
                    .expect("validated")
                    .with_timezone(&chrono::Utc),
            )
        }),
        tags: new.tags,
        created_at: stamp.clone(),
        updated_at: stamp,
        version: 1,
    };
    // The insert commits (durably) before the answer is written.
    match with_db(&db.write, move |conn| store::insert(conn, &task).map(|()| task)).await {
        Ok(task) => {
            let mut response = json(StatusCode::CREATED, &task);
            let location = format!("/tasks/{}", task.id);
            response
                .headers_mut()
                .insert(LOCATION, location.parse().expect("valid header"));
            response
        }
        Err(response) => response,
    }
}

async fn route(db: Db, req: Request<Body>) -> Result<Response<Body>, Infallible> {
    let path = req.uri().path();
    let response = match (req.method(), path) {
        (&Method::GET, "/healthz") => json(StatusCode::OK, &serde_json::json!({ "status": "ok" })),
        (&Method::GET, "/tasks") => list(&db, req.uri().query()).await,
        (&Method::POST, "/tasks") => create(&db, req).await,
        (&Method::GET, p) if p.starts_with("/tasks/") => get(&db, &p["/tasks/".len()..]).await,
        _ => detail(StatusCode::NOT_FOUND, "not found"),
    };
    Ok(response)
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().and_then(|p| p.parse().ok()).unwrap_or(3000);
    let database = args.next().unwrap_or_else(|| "tasks.db".to_string());
    let fixture = args
        .next()
        .or_else(|| std::env::var("TASKS_FIXTURE").ok())
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/tasks.json").to_string());
    let text = std::fs::read_to_string(&fixture).expect("read the fixture");
    let fixture: Vec<Task> = serde_json::from_str(&text).expect("parse the fixture");

    // The writer first: it creates the file, the schema and the WAL.
    let write = r2d2::Pool::builder()
        .max_size(1)
        .build(SqliteConnectionManager::file(&database))
        .expect("open the database");
    store::init(&mut write.get().expect("a connection"), &fixture).expect("create the schema and load the fixture");
    // r2d2's default size: 10 connections, opened at start.
    let read = r2d2::Pool::new(SqliteConnectionManager::file(&database)).expect("open the database");
    let db = Db { read, write };

    let make_svc = make_service_fn(move |_conn| {
        let db = db.clone();
        async move { Ok::<_, Infallible>(service_fn(move |req| route(db.clone(), req))) }
    });
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let server = Server::bind(&addr).serve(make_svc);
    println!(
        "hyper-sqlite listening on http://{} (database {database})",
        server.local_addr()
    );
    let graceful = server.with_graceful_shutdown(async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("signal");
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    });
    if let Err(e) = graceful.await {
        eprintln!("server error: {e}");
        std::process::exit(1);
    }
}
