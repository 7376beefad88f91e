"""The classic task API in FastAPI with Pydantic models, served by uvicorn
with uvloop and httptools (bench/run starts
`uvicorn app:app --loop uvloop --http httptools --no-access-log`). Tasks live
in a dict in the process; the same 1,000 fixture tasks are preloaded."""
import json
import os
import uuid
from datetime import datetime, timezone
from itertools import islice
from typing import List, Literal, Optional

from fastapi import FastAPI, HTTPException, Query
from pydantic import BaseModel, Extra, Field, conlist, constr

FIXTURE = os.environ.get("TASKS_FIXTURE") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures", "tasks.json")

Status = Literal["pending", "in_progress", "done"]


class TaskIn(BaseModel):
    title: constr(min_length=1, max_length=200)
    description: constr(max_length=2000) = ""
    status: Status = "pending"
    priority: int = Field(1, ge=1, le=5)
    due_at: Optional[datetime] = None
    tags: conlist(constr(min_length=1, max_length=50), max_items=20) = []

    class Config:
        extra = Extra.forbid


class Task(TaskIn):
    id: str
    created_at: datetime
    updated_at: datetime
    version: int = 1


class TaskList(BaseModel):
    tasks: List[Task]
    count: int
    next_cursor: Optional[str] = None


app = FastAPI(title="tasks")

with open(FIXTURE) as f:
    tasks = {t["id"]: Task(**t) for t in json.load(f)}


@app.get("/healthz")
async def healthz():
    return {"status": "ok"}


@app.get("/tasks/{task_id}", response_model=Task)
async def get_task(task_id: str):
    task = tasks.get(task_id)
    if task is None:
        raise HTTPException(status_code=404, detail="task not found")
    return task


@app.get("/tasks", response_model=TaskList)
async def list_tasks(status: Optional[Status] = None, limit: int = Query(100, ge=1, le=1000)):
    matching = (t for t in tasks.values() if status is None or t.status == status)
    page = list(islice(matching, limit))
    return TaskList(tasks=page, count=len(page), next_cursor=None)


@app.post("/tasks", response_model=Task, status_code=201)
async def create_task(body: TaskIn):
    now = datetime.now(timezone.utc)
    task = Task(id=str(uuid.uuid4()), created_at=now, updated_at=now, **body.dict())
    tasks[task.id] = task
    return task
