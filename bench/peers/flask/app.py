"""The classic task API in Flask, as it is usually deployed: gunicorn with
sync workers (bench/run starts `gunicorn -w 2*cores+1 app:app`). Tasks live in
a dict in each worker process (no shared state between workers: a task
created through one worker is not seen by the others, as with any per-process
in-memory store); every worker preloads the same 1,000 fixture tasks."""
import json
import os
import uuid
from datetime import datetime, timezone
from itertools import islice

from flask import Flask, abort, jsonify, request

FIXTURE = os.environ.get("TASKS_FIXTURE") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures", "tasks.json")

app = Flask(__name__)

with open(FIXTURE) as f:
    tasks = {t["id"]: t for t in json.load(f)}

STATUSES = ("pending", "in_progress", "done")


def now():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def validate(data):
    """Returns a list of error dicts for a POST body (empty when valid)."""
    if not isinstance(data, dict):
        return [{"loc": ["body"], "msg": "Input should be an object"}]
    errors = []
    title = data.get("title")
    if not isinstance(title, str) or not 1 <= len(title) <= 200:
        errors.append({"loc": ["body", "title"], "msg": "title must be a string of 1..200 characters"})
    description = data.get("description", "")
    if not isinstance(description, str) or len(description) > 2000:
        errors.append({"loc": ["body", "description"], "msg": "description must be a string of at most 2000 characters"})
    if data.get("status", "pending") not in STATUSES:
        errors.append({"loc": ["body", "status"], "msg": "status must be one of " + ", ".join(STATUSES)})
    priority = data.get("priority", 1)
    if type(priority) is not int or not 1 <= priority <= 5:
        errors.append({"loc": ["body", "priority"], "msg": "priority must be an integer 1..5"})
    tags = data.get("tags", [])
    if (not isinstance(tags, list) or len(tags) > 20
            or not all(isinstance(t, str) and 1 <= len(t) <= 50 for t in tags)):
        errors.append({"loc": ["body", "tags"], "msg": "tags must be at most 20 strings of 1..50 characters"})
    due_at = data.get("due_at")
    if due_at is not None:
        try:
            datetime.fromisoformat(due_at.replace("Z", "+00:00"))
        except (AttributeError, ValueError):
            errors.append({"loc": ["body", "due_at"], "msg": "due_at must be an RFC 3339 timestamp"})
    unknown = set(data) - {"title", "description", "status", "priority", "tags", "due_at"}
    for name in sorted(unknown):
        errors.append({"loc": ["body", name], "msg": "Extra inputs are not permitted"})
    return errors


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.get("/tasks/<task_id>")
def get_task(task_id):
    task = tasks.get(task_id)
    if task is None:
        abort(404)
    return jsonify(task)


@app.get("/tasks")
def list_tasks():
    status = request.args.get("status")
    try:
        limit = int(request.args.get("limit", 100))
    except ValueError:
        limit = 0
    if not 1 <= limit <= 1000 or (status is not None and status not in STATUSES):
        return jsonify({"detail": "invalid query"}), 422
    matching = (t for t in tasks.values() if status is None or t["status"] == status)
    page = list(islice(matching, limit))
    return jsonify({"tasks": page, "count": len(page), "next_cursor": None})


@app.post("/tasks")
def create_task():
    data = request.get_json(silent=True)
    if data is None:
        return jsonify({"detail": "body must be JSON"}), 400
    errors = validate(data)
    if errors:
        return jsonify({"detail": errors}), 422
    stamp = now()
    task = {
        "id": str(uuid.uuid4()),
        "title": data["title"],
        "description": data.get("description", ""),
        "status": data.get("status", "pending"),
        "priority": data.get("priority", 1),
        "due_at": data.get("due_at"),
        "tags": data.get("tags", []),
        "created_at": stamp,
        "updated_at": stamp,
        "version": 1,
    }
    tasks[task["id"]] = task
    return jsonify(task), 201, {"Location": f"/tasks/{task['id']}"}
