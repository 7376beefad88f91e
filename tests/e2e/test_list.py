"""GET /tasks: shape, default order, status filter, limit, cursor pagination
and query-parameter validation. (The rest of the query language: test_query.py.)"""
from __future__ import annotations

import base64
import signal
import time

import pytest

from e2e_helpers import (
    TASK_KEYS, assert_errors, assert_problem, create_concurrently, create_task, make_client,
    start_serve,
)

Q = "query"
N_TASKS = 130
STATUSES = ["pending", "in_progress", "done"]


@pytest.fixture(scope="module")
def lserver(tmp_path_factory):
    """A server of its own holding exactly N_TASKS tasks, created by 4
    concurrent clients (so created_at ties are likely)."""
    b = start_serve(tmp_path_factory.mktemp("list"), threads=2)
    try:
        created = create_concurrently(
            b.url, [{"title": f"list {i}", "status": STATUSES[i % 3]} for i in range(N_TASKS)])
        assert len(created) == N_TASKS
        b.created = created
        yield b
    finally:
        b.stop(signal.SIGTERM)


@pytest.fixture
def lc(lserver):
    with make_client(lserver.url) as c:
        yield c


def order_key(t):
    return (t["created_at"], t["id"])


def test_list_shape(lc):
    r = lc.get("/tasks")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0].strip().lower() == "application/json"
    doc = r.json()
    assert set(doc) == {"tasks", "count", "next_cursor"}
    assert isinstance(doc["tasks"], list)
    assert doc["count"] == len(doc["tasks"])
    for t in doc["tasks"]:
        assert set(t) == TASK_KEYS


def test_default_limit_is_100(lc):
    doc = lc.get("/tasks").json()
    assert doc["count"] == 100
    assert len(doc["tasks"]) == 100
    assert isinstance(doc["next_cursor"], str) and doc["next_cursor"]


def test_default_order_is_newest_first_ties_by_id_desc(lc, lserver):
    doc = lc.get("/tasks", params={"limit": "1000"}).json()
    tasks = doc["tasks"]
    assert doc["count"] == N_TASKS
    assert doc["next_cursor"] is None
    assert sorted(t["id"] for t in tasks) == sorted(lserver.created)
    keys = [order_key(t) for t in tasks]
    assert keys == sorted(keys, reverse=True), "not ordered by -created_at, then -id"
    for t in tasks:
        assert t == lserver.created[t["id"]]


def test_single_full_page_has_null_cursor(lc):
    doc = lc.get("/tasks", params={"limit": str(N_TASKS)}).json()
    assert doc["count"] == N_TASKS
    assert doc["next_cursor"] is None, "next_cursor must be null exactly when nothing is left"


@pytest.mark.parametrize("status", STATUSES)
def test_status_filter_single(lc, lserver, status):
    doc = lc.get("/tasks", params={"status": status, "limit": "1000"}).json()
    want = {i for i, t in lserver.created.items() if t["status"] == status}
    assert {t["id"] for t in doc["tasks"]} == want
    assert doc["count"] == len(want)
    keys = [order_key(t) for t in doc["tasks"]]
    assert keys == sorted(keys, reverse=True)


@pytest.mark.parametrize("raw", ["pending,done", "done,pending", "pending%2Cdone",
                                 "in_progress,done,pending"])
def test_status_filter_comma_list(lc, lserver, raw):
    r = lc.get(f"/tasks?status={raw}&limit=1000")
    assert r.status_code == 200, r.text
    wanted = set(raw.replace("%2C", ",").split(","))
    want = {i for i, t in lserver.created.items() if t["status"] in wanted}
    doc = r.json()
    assert {t["id"] for t in doc["tasks"]} == want
    assert doc["count"] == len(want)


@pytest.mark.parametrize("limit", [1, 2, 1000])
def test_limit_bounds_accepted(lc, limit):
    doc = lc.get("/tasks", params={"limit": str(limit)}).json()
    assert doc["count"] == min(limit, N_TASKS)
    assert (doc["next_cursor"] is None) == (limit >= N_TASKS)


@pytest.mark.parametrize("value,typ", [
    ("0", "greater_than_equal"),
    ("-5", "greater_than_equal"),
    ("1001", "less_than_equal"),
    ("abc", "int_parsing"),
    ("1.5", "int_parsing"),
    ("1e2", "int_parsing"),
    ("", "int_parsing"),
    ("10abc", "int_parsing"),
    ("99999999999999999999999", None),
])
def test_bad_limit_is_422(lc, value, typ):
    assert_errors(lc.get("/tasks", params={"limit": value}), [([Q, "limit"], typ)])


def walk(client, params, limit):
    params = dict(params)
    params["limit"] = str(limit)
    pages = []
    while True:
        r = client.get("/tasks", params=params)
        assert r.status_code == 200, r.text
        doc = r.json()
        assert doc["count"] == len(doc["tasks"])
        assert doc["count"] <= limit
        pages.append(doc)
        if doc["next_cursor"] is None:
            return pages
        assert doc["tasks"], "a page with next_cursor must not be empty"
        assert len(pages) < 2000, "pagination does not end"
        params["cursor"] = doc["next_cursor"]


@pytest.mark.parametrize("limit", [1, 7, 50, 65, 129, 130, 131])
def test_cursor_walk_visits_every_task_once(lc, lserver, limit):
    full = lc.get("/tasks", params={"limit": "1000"}).json()["tasks"]
    pages = walk(lc, {}, limit)
    seen = [t["id"] for p in pages for t in p["tasks"]]
    assert seen == [t["id"] for t in full], "walk differs from the single-page listing"
    assert len(set(seen)) == N_TASKS
    expected_pages = -(-N_TASKS // limit)
    assert len(pages) == expected_pages, (
        f"{len(pages)} pages for limit {limit}; the last full page must have next_cursor null")
    assert all(p["count"] == limit for p in pages[:-1])


@pytest.mark.parametrize("status,limit", [("pending,done", 6), ("in_progress", 43),
                                          ("in_progress", 1), ("pending", 22), ("pending", 44),
                                          ("done,in_progress", 43)])
def test_cursor_walk_with_status_filter(lc, lserver, status, limit):
    full = lc.get("/tasks", params={"limit": "1000", "status": status}).json()["tasks"]
    n = sum(1 for t in lserver.created.values() if t["status"] in status.split(","))
    assert len(full) == n
    pages = walk(lc, {"status": status}, limit)
    seen = [t["id"] for p in pages for t in p["tasks"]]
    assert seen == [t["id"] for t in full]
    assert all(t["status"] in status.split(",") for p in pages for t in p["tasks"])
    assert len(pages) == -(-n // limit), (
        f"{len(pages)} pages for {n} tasks at limit {limit}: next_cursor must be null on the "
        f"last page")


def first_cursor(client, params=None) -> str:
    p = dict(params or {})
    p["limit"] = "3"
    doc = client.get("/tasks", params=p).json()
    assert isinstance(doc["next_cursor"], str)
    return doc["next_cursor"]


@pytest.mark.parametrize("made_with,used_with", [
    ({"status": "pending"}, {"status": "done"}),
    ({"status": "pending"}, {}),
    ({}, {"status": "pending"}),
    ({"status": "pending,done"}, {"status": "pending"}),
])
def test_cursor_with_other_filter_is_422(lc, made_with, used_with):
    cur = first_cursor(lc, made_with)
    params = dict(used_with)
    params["cursor"] = cur
    params["limit"] = "3"
    assert_errors(lc.get("/tasks", params=params), [([Q, "cursor"], None)])


@pytest.mark.parametrize("cursor", [
    "", "abc", "!!!!", "A" * 5000, "null", "0", "-1", "%00", "eyJ9",
    base64.urlsafe_b64encode(b'{"created_at":"2026-01-01T00:00:00.000Z","id":"x"}').decode(),
    base64.urlsafe_b64encode(b"\x00" * 40).decode().rstrip("="),
], ids=["empty", "abc", "bangs", "long", "null", "zero", "minus", "nul", "b64-brace", "b64-json",
        "b64-zeros"])
def test_garbage_cursor_is_422(lc, cursor):
    assert_errors(lc.get("/tasks", params={"cursor": cursor}), [([Q, "cursor"], "cursor_invalid")])


def _flip(c: str) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "B" if c == "A" else ("A" if c in alphabet else "A")


def test_tampered_cursor_is_422_at_every_position(lc):
    cur = first_cursor(lc)
    failures = []
    for i in range(len(cur)):
        bad = cur[:i] + _flip(cur[i]) + cur[i + 1:]
        r = lc.get("/tasks", params={"cursor": bad, "limit": "3"})
        if r.status_code != 422:
            failures.append((i, r.status_code))
        else:
            assert_errors(r, [([Q, "cursor"], "cursor_invalid")])
    assert not failures, f"tampered cursor {cur!r} accepted at (position, status): {failures}"


def test_truncated_or_extended_cursor_is_422(lc):
    cur = first_cursor(lc)
    for bad in {cur[:-1], cur[:-2], cur[:-4], cur[: len(cur) // 2], cur[1:], cur + "A", cur + "AAAA",
                cur + cur}:
        if bad == cur:
            continue
        r = lc.get("/tasks", params={"cursor": bad, "limit": "3"})
        assert r.status_code == 422, f"cursor {bad!r} (from {cur!r}) gave {r.status_code}"
        assert_errors(r, [([Q, "cursor"], "cursor_invalid")])


@pytest.mark.parametrize("name", ["foo", "Status", "statuses", "page", "offset", "limit[]"])
def test_unknown_query_parameter_is_422(lc, name):
    assert_errors(lc.get("/tasks", params={name: "1"}), [([Q, name], "extra_forbidden")])


@pytest.mark.parametrize("qs,name", [
    ("status=done&status=pending", "status"),
    ("limit=5&limit=5", "limit"),
    ("limit=5&limit=6", "limit"),
])
def test_repeated_single_value_parameter_is_422(lc, qs, name):
    assert_errors(lc.get(f"/tasks?{qs}"), [([Q, name], "duplicate_parameter")])


def test_repeated_cursor_is_422(lc):
    cur = first_cursor(lc)
    assert_errors(lc.get(f"/tasks?limit=3&cursor={cur}&cursor={cur}"),
                  [([Q, "cursor"], "duplicate_parameter")])


@pytest.mark.parametrize("value", ["finished", "PENDING", "pending,bogus", "in progress", ""])
def test_bad_status_is_422(lc, value):
    assert_errors(lc.get("/tasks", params={"status": value}), [([Q, "status"], "enum")])


def test_every_query_problem_is_listed(lc):
    r = lc.get("/tasks?limit=0&foo=1&status=nope")
    assert_errors(r, [([Q, "limit"], "greater_than_equal"), ([Q, "foo"], "extra_forbidden"),
                      ([Q, "status"], "enum")])


def test_bad_percent_encoding_is_not_500(lc):
    r = lc.get("/tasks?status=%zz")
    assert r.status_code in (400, 422)
    r = lc.get("/tasks?status=%ff")
    assert r.status_code in (400, 422)


# ---------------------------------------------------------------------------
# Tests that need a database of their own
# ---------------------------------------------------------------------------

def test_empty_database_lists_nothing(brisk_factory):
    b = brisk_factory()
    with make_client(b.url) as c:
        r = c.get("/tasks")
        assert r.status_code == 200
        assert r.json() == {"tasks": [], "count": 0, "next_cursor": None}
        r = c.get("/tasks", params={"status": "done", "limit": "1"})
        assert r.json() == {"tasks": [], "count": 0, "next_cursor": None}


def test_created_and_deleted_tasks_show_in_listing(brisk_factory):
    b = brisk_factory()
    with make_client(b.url) as c:
        a = create_task(c, title="a")
        time.sleep(0.002)
        bb = create_task(c, title="b")
        doc = c.get("/tasks").json()
        assert [t["id"] for t in doc["tasks"]] == [bb["id"], a["id"]]
        assert doc["count"] == 2 and doc["next_cursor"] is None
        assert c.delete(f"/tasks/{a['id']}").status_code == 204
        assert [t["id"] for t in c.get("/tasks").json()["tasks"]] == [bb["id"]]
        c.patch(f"/tasks/{bb['id']}", json={"status": "done"})
        assert c.get("/tasks", params={"status": "pending"}).json()["count"] == 0
        assert c.get("/tasks", params={"status": "done"}).json()["tasks"][0]["status"] == "done"


def test_cursor_is_stable_while_tasks_are_added_and_removed(brisk_factory):
    b = brisk_factory()
    with make_client(b.url) as c:
        for i in range(20):
            create_task(c, title=f"orig {i}")
        baseline = [t["id"] for t in c.get("/tasks", params={"limit": "1000"}).json()["tasks"]]
        assert len(baseline) == 20
        doc = c.get("/tasks", params={"limit": "5"}).json()
        seen = [t["id"] for t in doc["tasks"]]
        assert seen == baseline[:5]
        # Add newer tasks (they sort before the cursor) and delete one that
        # has not been seen yet and one that has.
        for i in range(3):
            create_task(c, title=f"new {i}")
        gone = baseline[10]  # on the third page
        assert c.delete(f"/tasks/{gone}").status_code == 204
        assert c.delete(f"/tasks/{seen[0]}").status_code == 204
        # ... and the last task of the page, the one the cursor points after.
        assert c.delete(f"/tasks/{seen[-1]}").status_code == 204
        cursor = doc["next_cursor"]
        assert cursor is not None
        while cursor is not None:
            r = c.get("/tasks", params={"limit": "5", "cursor": cursor})
            assert r.status_code == 200, r.text
            doc = r.json()
            seen.extend(t["id"] for t in doc["tasks"])
            cursor = doc["next_cursor"]
            assert len(seen) < 100
        assert len(seen) == len(set(seen)), "a task was returned twice"
        expected = [i for i in baseline if i != gone]
        assert seen == expected, "walk skipped or repeated tasks while the table changed"


def test_listing_reflects_updates_without_reordering(brisk_factory):
    b = brisk_factory()
    with make_client(b.url) as c:
        ids = []
        for i in range(5):
            ids.append(create_task(c, title=f"t{i}")["id"])
            time.sleep(0.003)
        c.put(f"/tasks/{ids[0]}", json={"title": "updated"})
        tasks = c.get("/tasks").json()["tasks"]
        assert [t["id"] for t in tasks] == ids[::-1], "an update must not change created_at order"
        assert tasks[-1]["title"] == "updated" and tasks[-1]["version"] == 2


def test_list_errors_are_problems(lc):
    r = lc.get("/tasks", params={"limit": "0"})
    doc = assert_problem(r, 422)
    assert doc["errors"]
