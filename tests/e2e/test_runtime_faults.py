"""Faults met while the server runs (issue 15): the database file deleted or
replaced under it, and corruption found in it. Each is one clear log line
(not one per request), /readyz 503 with the reason, writes 503 problem+json
with Retry-After (never a silent 500, never an acknowledged write that goes
to a file nobody opens again)."""
from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import httpx

from e2e_helpers import assert_problem, make_client, run_brisk, start_serve
from test_faults import corrupt, make_database

# The file is checked every second; a few more for a loaded machine.
DETECT_WITHIN = 5.0


def wait_not_ready(url: str, timeout: float = DETECT_WITHIN) -> dict:
    """Polls /readyz until it answers 503; returns the problem body."""
    deadline = time.monotonic() + timeout
    while True:
        r = httpx.get(f"{url}/readyz", timeout=5)
        if r.status_code == 503:
            assert r.headers["content-type"].startswith("application/problem+json")
            return r.json()
        assert r.status_code == 200, r.text
        assert time.monotonic() < deadline, f"/readyz still 200 after {timeout}s"
        time.sleep(0.1)


def assert_write_refused(c: httpx.Client, task_id: str) -> None:
    """A create, a patch and a delete: each 503 with Retry-After, never 500."""
    for r in (c.post("/tasks", json={"title": "after the fault"}),
              c.patch(f"/tasks/{task_id}", json={"title": "changed after the fault"}),
              c.delete(f"/tasks/{task_id}")):
        assert_problem(r, 503)
        assert int(r.headers["retry-after"]) >= 1


def lines_with(text: str, word: str) -> list:
    return [line for line in text.splitlines() if word in line]


def tasks_in(db: Path) -> set:
    """The titles of db's tasks, after `brisk check` finds the file sound."""
    rc, out, err = run_brisk(["check", "--db", db])
    assert rc == 0 and "integrity: ok" in out, (rc, out, err)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {row[0] for row in con.execute("SELECT title FROM tasks")}
    finally:
        con.close()


def test_deleting_the_database_file_under_the_server(tmp_path):
    db = tmp_path / "brisk.db"
    b = start_serve(tmp_path, db=db, threads=2)
    try:
        with make_client(b.url) as c:
            kept = c.post("/tasks", json={"title": "before"}).json()
            assert httpx.get(f"{b.url}/readyz").status_code == 200
            os.unlink(db)
            problem = wait_not_ready(b.url)
            assert "deleted" in problem["detail"], problem
            assert_write_refused(c, kept["id"])
            # Reads go on from the open (now nameless) file.
            assert c.get(f"/tasks/{kept['id']}").status_code == 200
            for _ in range(20):  # no line per request or per check
                assert httpx.get(f"{b.url}/readyz").status_code == 503
                assert c.post("/tasks", json={"title": "again"}).status_code == 503
    finally:
        assert b.stop() == 0
    err = b.stderr_text()
    found = lines_with(err, "was deleted while brisk runs")
    assert len(found) == 1, err
    assert "writes are refused with 503" in found[0] and str(db) in found[0]
    assert " 500 " not in err


def test_replacing_the_database_file_under_the_server(tmp_path):
    (tmp_path / "other").mkdir()
    other = make_database(tmp_path / "other", tasks=5)
    before = tasks_in(other)
    db = tmp_path / "brisk.db"
    b = start_serve(tmp_path, db=db, threads=2)
    try:
        with make_client(b.url) as c:
            kept = c.post("/tasks", json={"title": "in the first file"}).json()
            os.replace(other, db)  # another brisk database renamed over it
            problem = wait_not_ready(b.url)
            assert "replaced" in problem["detail"], problem
            assert_write_refused(c, kept["id"])
            for _ in range(20):
                assert httpx.get(f"{b.url}/readyz").status_code == 503
    finally:
        assert b.stop() == 0
    err = b.stderr_text()
    found = lines_with(err, "was replaced by another file while brisk runs")
    assert len(found) == 1, err
    assert "Restart brisk" in found[0]
    # The new file is whole and holds only its own tasks: nothing of the old
    # server (its refused writes, its WAL) reached it.
    assert tasks_in(db) == before
    b2 = start_serve(tmp_path, db=db, threads=1)
    try:
        assert httpx.get(f"{b2.url}/readyz").status_code == 200
        assert b2.stderr_text().count("replaced") == 0
    finally:
        assert b2.stop() == 0


def test_corruption_found_at_run_time_is_503_not_500(tmp_path):
    db = make_database(tmp_path, tasks=400)
    con = sqlite3.connect(db)
    leaves = [p for (p,) in con.execute(
        "SELECT pageno FROM dbstat WHERE name = 'tasks' AND pagetype = 'leaf' ORDER BY pageno")]
    con.close()
    assert len(leaves) > 8
    for p in leaves[len(leaves) // 3: len(leaves) // 3 + 3]:
        corrupt(db, p, 1)
    # Started without the check that would refuse the file, the damage is
    # met at run time, by the first read that walks over it.
    b = start_serve(tmp_path, db=db, threads=2, extra=["--skip-quick-check"])
    try:
        with make_client(b.url) as c:
            assert httpx.get(f"{b.url}/readyz").status_code == 200
            statuses = set()
            for _ in range(10):
                r = c.get("/tasks", params={"limit": 1000})
                statuses.add(r.status_code)
                if r.status_code != 200:
                    assert_problem(r, 503)
                    assert "retry-after" in r.headers
            assert statuses == {503}, statuses
            problem = wait_not_ready(b.url, timeout=1)
            assert "corrupt" in problem["detail"], problem
            r = c.post("/tasks", json={"title": "into a damaged file"})
            assert_problem(r, 503)
    finally:
        assert b.stop() == 0
    err = b.stderr_text()
    found = lines_with(err, "is corrupt")
    assert len(found) == 1, err
    assert "brisk check" in found[0]
    assert " 500 " not in err
