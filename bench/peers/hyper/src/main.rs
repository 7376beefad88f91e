//! The classic task API on hyper 0.14 with a multi-threaded tokio runtime.
//! Tasks live in memory behind an `RwLock`; the same 1,000 fixture tasks
//! are preloaded. Every response is serialized with serde_json.
//!
//!     tasks-hyper PORT [FIXTURE]
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

use hyper::header::{CONTENT_TYPE, LOCATION};
use hyper::service::{make_service_fn, service_fn};
use hyper::{Body, Method, Request, Response, Server, StatusCode};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Status {
    Pending,
    InProgress,
    Done,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Task {
    id: String,
    title: String,
    description: String,
    status: Status,
    priority: u8,
    due_at: Option<String>,
    tags: Vec<String>,
    created_at: String,
    updated_at: String,
    version: u64,
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
struct TaskList<'a> {
    tasks: Vec<&'a Task>,
    count: usize,
    next_cursor: Option<String>,
}

#[derive(Serialize)]
struct FieldError {
    loc: [&'static str; 2],
    msg: &'static str,
}

/// Tasks in insertion order, with an index by id.
#[derive(Default)]
struct Store {
    tasks: Vec<Task>,
    by_id: HashMap<String, usize>,
}

impl Store {
    fn insert(&mut self, task: Task) {
        self.by_id.insert(task.id.clone(), self.tasks.len());
        self.tasks.push(task);
    }
}

type Db = Arc<RwLock<Store>>;

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

fn chars_between(s: &str, min: usize, max: usize) -> bool {
    let n = s.chars().count();
    n >= min && n <= max
}

fn validate(t: &NewTask) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !chars_between(&t.title, 1, 200) {
        errors.push(FieldError { loc: ["body", "title"], msg: "title must have 1..200 characters" });
    }
    if !chars_between(&t.description, 0, 2000) {
        errors.push(FieldError { loc: ["body", "description"], msg: "description must have at most 2000 characters" });
    }
    if !(1..=5).contains(&t.priority) {
        errors.push(FieldError { loc: ["body", "priority"], msg: "priority must be 1..5" });
    }
    if t.tags.len() > 20 || !t.tags.iter().all(|s| chars_between(s, 1, 50)) {
        errors.push(FieldError { loc: ["body", "tags"], msg: "tags must be at most 20 strings of 1..50 characters" });
    }
    if let Some(due) = &t.due_at {
        if chrono::DateTime::parse_from_rfc3339(due).is_err() {
            errors.push(FieldError { loc: ["body", "due_at"], msg: "due_at must be an RFC 3339 timestamp" });
        }
    }
    errors
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn list(db: &Db, query: Option<&str>) -> Response<Body> {
    let mut status = None;
    let mut limit = 100usize;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "status" => match serde_json::from_value::<Status>(serde_json::Value::from(value)) {
                Ok(s) => status = Some(s),
                Err(_) => return detail(StatusCode::UNPROCESSABLE_ENTITY, "bad status"),
            },
            "limit" => match value.parse::<usize>() {
                Ok(n) if (1..=1000).contains(&n) => limit = n,
                _ => return detail(StatusCode::UNPROCESSABLE_ENTITY, "limit must be 1..1000"),
            },
            _ => return detail(StatusCode::UNPROCESSABLE_ENTITY, "unknown query parameter"),
        }
    }
    let store = db.read().unwrap();
    let tasks: Vec<&Task> = store
        .tasks
        .iter()
        .filter(|t| status.map_or(true, |s| t.status == s))
        .take(limit)
        .collect();
    let count = tasks.len();
    json(StatusCode::OK, &TaskList { tasks, count, next_cursor: None })
}

async fn create(db: Db, req: Request<Body>) -> Response<Body> {
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
        return json(StatusCode::UNPROCESSABLE_ENTITY, &serde_json::json!({ "detail": errors }));
    }
    let stamp = now();
    let task = Task {
        id: uuid::Uuid::new_v4().to_string(),
        title: new.title,
        description: new.description,
        status: new.status,
        priority: new.priority as u8,
        due_at: new.due_at,
        tags: new.tags,
        created_at: stamp.clone(),
        updated_at: stamp,
        version: 1,
    };
    let mut response = json(StatusCode::CREATED, &task);
    let location = format!("/tasks/{}", task.id);
    response.headers_mut().insert(LOCATION, location.parse().expect("valid header"));
    db.write().unwrap().insert(task);
    response
}

async fn route(db: Db, req: Request<Body>) -> Result<Response<Body>, Infallible> {
    let path = req.uri().path();
    let response = match (req.method(), path) {
        (&Method::GET, "/healthz") => json(StatusCode::OK, &serde_json::json!({ "status": "ok" })),
        (&Method::GET, "/tasks") => list(&db, req.uri().query()),
        (&Method::POST, "/tasks") => create(db, req).await,
        (&Method::GET, p) if p.starts_with("/tasks/") => {
            let id = &p["/tasks/".len()..];
            let store = db.read().unwrap();
            match store.by_id.get(id) {
                Some(&i) => json(StatusCode::OK, &store.tasks[i]),
                None => detail(StatusCode::NOT_FOUND, "task not found"),
            }
        }
        _ => detail(StatusCode::NOT_FOUND, "not found"),
    };
    Ok(response)
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().and_then(|p| p.parse().ok()).unwrap_or(3000);
    let fixture = args.next().or_else(|| std::env::var("TASKS_FIXTURE").ok()).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/tasks.json").to_string()
    });
    let text = std::fs::read_to_string(&fixture).expect("read the fixture");
    let mut store = Store::default();
    for task in serde_json::from_str::<Vec<Task>>(&text).expect("parse the fixture") {
        store.insert(task);
    }
    let db: Db = Arc::new(RwLock::new(store));

    let make_svc = make_service_fn(move |_conn| {
        let db = db.clone();
        async move { Ok::<_, Infallible>(service_fn(move |req| route(db.clone(), req))) }
    });
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let server = Server::bind(&addr).serve(make_svc);
    println!("hyper listening on http://{}", server.local_addr());
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
