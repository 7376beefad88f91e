"""The classic task API in FastAPI with Pydantic models and a SQLite file
through SQLAlchemy's ORM: what a team would write with a database, beside
bench/peers/fastapi's in-memory dict. Served by uvicorn with uvloop and
httptools like that peer (bench/run starts
`TASKS_DB=... uvicorn app:app --loop uvloop --http httptools --no-access-log`).

The handlers are plain `def` functions, which FastAPI runs in its thread
pool (40 threads), so the blocking database calls do not stall the event
loop. Each opens its session in a `with` block and turns the rows into
Pydantic models before the block closes it. The session is not a
`Depends(get_db)` dependency, as in FastAPI's SQL tutorial: under 100
concurrent requests that deadlocks (FastAPI issues #3205, #12066; seen here
with FastAPI 0.92 pinned to one core: no answer until SQLAlchemy's 30 s pool
timeout): threads blocked waiting for a pooled connection hold every thread
of the pool, while the requests holding the connections wait for a thread to
validate their response before their dependency's exit returns the
connection. Scoping the session inside the handler is the fix suggested
there.

Each request is one transaction; a POST commits before it answers. The
fixture's 1,000 tasks are loaded at start."""
import json
import os
import uuid
from datetime import datetime, timezone
from typing import Optional

from fastapi import FastAPI, HTTPException, Query, Response
from sqlalchemy import func, insert, select

from database import Base, SessionLocal, TaskRow, engine
from schemas import Status, Task, TaskIn, TaskList, naive_utc

FIXTURE = os.environ.get("TASKS_FIXTURE") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures", "tasks.json")

app = FastAPI(title="tasks")


@app.on_event("startup")
def create_and_load():
    """Creates the table and its index, and loads the fixture into an empty
    table in one transaction."""
    Base.metadata.create_all(engine)
    with SessionLocal() as db, db.begin():
        if db.scalar(select(func.count()).select_from(TaskRow)):
            return
        with open(FIXTURE) as f:
            rows = json.load(f)
        for row in rows:
            for key in ("due_at", "created_at", "updated_at"):
                if row[key] is not None:
                    row[key] = naive_utc(datetime.fromisoformat(row[key]))
        db.execute(insert(TaskRow), rows)


@app.on_event("shutdown")
def close_connections():
    engine.dispose()


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.get("/tasks/{task_id}", response_model=Task)
def get_task(task_id: str):
    with SessionLocal() as db:
        task = db.get(TaskRow, task_id)
        if task is None:
            raise HTTPException(status_code=404, detail="task not found")
        return Task.from_orm(task)


@app.get("/tasks", response_model=TaskList)
def list_tasks(status: Optional[Status] = None, limit: int = Query(100, ge=1, le=1000)):
    # Newest first, as brisk's default order; with a status, the
    # (status, created_at) index gives the rows in that order.
    query = select(TaskRow)
    if status is not None:
        query = query.where(TaskRow.status == status)
    with SessionLocal() as db:
        tasks = db.scalars(query.order_by(TaskRow.created_at.desc()).limit(limit)).all()
        return TaskList(tasks=tasks, count=len(tasks), next_cursor=None)


@app.post("/tasks", response_model=Task, status_code=201)
def create_task(body: TaskIn, response: Response):
    now = naive_utc(datetime.now(timezone.utc))
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)  # stored as answered
    task = TaskRow(id=str(uuid.uuid4()), created_at=now, updated_at=now, version=1, **body.dict())
    with SessionLocal() as db:
        db.add(task)
        db.commit()  # durable before the answer
        db.refresh(task)
        response.headers["Location"] = f"/tasks/{task.id}"
        return Task.from_orm(task)
