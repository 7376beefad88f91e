"""clients/python/brisk_client.py against the real brisk binary.

Most tests run twice, with BriskClient and with AsyncBriskClient (driven
through a small adapter that runs each coroutine to completion, so both
clients answer the very same assertions). What the client returns is checked
against the server's own JSON, fetched with plain httpx, so that parsing is
verified rather than assumed. Every listing is confined to a tag made for the
test: the shared server holds other tests' tasks.
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import inspect
import queue
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest

from e2e_helpers import (
    MISSING_ID, UUID7_RE, free_port, make_client, send_json, start_serve,
)

CLIENT_DIR = Path(__file__).resolve().parents[2] / "clients" / "python"
sys.path.insert(0, str(CLIENT_DIR))
import brisk_client as bc  # noqa: E402

UTC = dt.timezone.utc
PASSWORD = "correct horse battery"


# ---------------------------------------------------------------------------
# Clients
# ---------------------------------------------------------------------------

class AsyncAsSync:
    """Drives an AsyncBriskClient from synchronous test code: each coroutine
    runs to completion on a private event loop; async iterators become
    iterators. Only the calling convention changes: requests, parsing and
    errors are the async client's own."""

    def __init__(self, client: bc.AsyncBriskClient):
        self._loop = asyncio.new_event_loop()
        self._client = client

    @property
    def token(self):
        return self._client.token

    @token.setter
    def token(self, value):
        self._client.token = value

    def __getattr__(self, name):
        attr = getattr(self._client, name)
        if not callable(attr):
            return attr

        def call(*args, **kwargs):
            result = attr(*args, **kwargs)
            if inspect.isasyncgen(result):
                return self._iterate(result)
            if inspect.isawaitable(result):
                return self._loop.run_until_complete(result)
            return result
        return call

    def _iterate(self, agen):
        async def step():
            try:
                return True, await agen.__anext__()
            except StopAsyncIteration:
                return False, None
        try:
            while True:
                more, item = self._loop.run_until_complete(step())
                if not more:
                    return
                yield item
        finally:
            self._loop.run_until_complete(agen.aclose())

    def close(self):
        self._loop.run_until_complete(self._client.aclose())
        self._loop.close()


@pytest.fixture(params=["sync", "async"])
def connect(request):
    """connect(url, **kw) -> a BriskClient, or an AsyncBriskClient behind AsyncAsSync."""
    made = []

    def connect(url, **kw):
        if request.param == "sync":
            c = bc.BriskClient(url, **kw)
        else:
            c = AsyncAsSync(bc.AsyncBriskClient(url, **kw))
        made.append(c)
        return c
    yield connect
    for c in made:
        c.close()


@pytest.fixture
def brisk(connect, server):
    """A client of the shared --auth off server."""
    return connect(server.url)


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory):
    b = start_serve(tmp_path_factory.mktemp("pyclient-auth"), auth="required", threads=2)
    yield b
    assert b.stop() == 0


def new_tag() -> str:
    return "pyc-" + uuid.uuid4().hex[:12]


def new_username() -> str:
    return "py" + uuid.uuid4().hex[:12]


def raw_task(server, task_id, token=None) -> dict:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    with make_client(server.url) as h:
        r = h.get(f"/tasks/{task_id}", headers=headers)
        assert r.status_code == 200, r.text
        return r.json()


def order_key(field, t: bc.Task):
    return getattr(t, field), t.id


def expected_order(tasks, sort):
    """API.md's order: by the key, ties by id in the same direction; tasks with
    no due_at last either way; title compares ASCII letters case-insensitively."""
    desc = sort.startswith("-")
    field = sort.lstrip("-")
    if field == "due_at":
        dated = sorted((t for t in tasks if t.due_at is not None),
                       key=lambda t: (t.due_at, t.id), reverse=desc)
        undated = sorted((t for t in tasks if t.due_at is None), key=lambda t: t.id, reverse=desc)
        return [t.id for t in dated + undated]
    if field == "title":
        def fold(s):
            return "".join(c.lower() if "A" <= c <= "Z" else c for c in s)
        return [t.id for t in sorted(tasks, key=lambda t: (fold(t.title), t.id), reverse=desc)]
    return [t.id for t in sorted(tasks, key=lambda t: order_key(field, t), reverse=desc)]


# ---------------------------------------------------------------------------
# Tasks: create, get, conditional get
# ---------------------------------------------------------------------------

def test_create_returns_a_typed_task_equal_to_the_servers_json(brisk, server):
    due = dt.datetime(2026, 12, 1, 18, 0, 0, 250000, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    t = brisk.create_task("Write the report ✓", description="for Q4", status="in_progress",
                          priority=4, due_at=due, tags=[new_tag(), "work"])
    assert isinstance(t, bc.Task)
    assert isinstance(t.id, str) and UUID7_RE.match(t.id)
    assert (t.title, t.description, t.status, t.priority, t.version) == (
        "Write the report ✓", "for Q4", "in_progress", 4, 1)
    assert t.due_at == due and t.due_at.tzinfo is UTC and t.due_at.hour == 16
    for stamp in (t.created_at, t.updated_at):
        assert isinstance(stamp, dt.datetime) and stamp.tzinfo is UTC
        assert abs((stamp - dt.datetime.now(UTC)).total_seconds()) < 60
    assert t.etag == '"1"' and t.replayed is False
    assert t.to_json() == raw_task(server, t.id)
    got = brisk.get_task(t.id)
    assert got == t


def test_create_with_defaults(brisk):
    t = brisk.create_task("only a title")
    assert (t.description, t.status, t.priority, t.due_at, t.tags) == ("", "pending", 1, None, [])


def test_get_with_if_none_match(brisk):
    t = brisk.create_task("conditional", tags=[new_tag()])
    assert brisk.get_task(t.id, if_none_match=t) is bc.NOT_MODIFIED
    assert brisk.get_task(t.id, if_none_match=1) is bc.NOT_MODIFIED
    assert brisk.get_task(t.id, if_none_match='"1"') is bc.NOT_MODIFIED
    t2 = brisk.patch_task(t.id, priority=2)
    fresh = brisk.get_task(t.id, if_none_match=t)
    assert isinstance(fresh, bc.Task) and fresh == t2 and fresh.version == 2
    assert brisk.get_task(t.id, if_none_match=t2) is bc.NOT_MODIFIED


def test_get_missing_and_malformed_ids_are_not_found(brisk):
    for task_id in (MISSING_ID, "not-an-id", "../auth/me", "a/b"):
        with pytest.raises(bc.NotFound) as info:
            brisk.get_task(task_id)
        e = info.value
        assert (e.status, e.title) == (404, "Not Found")
        assert isinstance(e, bc.ApiError) and isinstance(e, bc.BriskError)
        assert e.detail and e.problem["status"] == 404


# ---------------------------------------------------------------------------
# Listing: every filter and sort; cursors
# ---------------------------------------------------------------------------

@pytest.fixture
def listing(brisk):
    """Five tasks under a fresh tag, varied in every filterable field."""
    tag = new_tag()
    base = dt.datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
    specs = [
        dict(title="alpha report", status="pending", priority=1, tags=[tag, "x"],
             due_at=base + dt.timedelta(days=1)),
        dict(title="Beta plan", status="in_progress", priority=3, tags=[tag, "y"],
             due_at=base + dt.timedelta(days=2)),
        dict(title="gamma report draft", status="done", priority=5, tags=[tag, "x", "y"]),
        dict(title="delta", status="pending", priority=4, tags=[tag],
             due_at=base + dt.timedelta(days=3), description="the quarterly report"),
        dict(title="epsilon", status="done", priority=2, tags=[tag, "y"],
             due_at=base + dt.timedelta(days=4)),
    ]
    tasks = [brisk.create_task(**s) for s in specs]
    return tag, base, tasks


def ids(tasks):
    return {t.id for t in tasks}


def test_list_filters(brisk, listing):
    tag, base, tasks = listing
    by_title = {t.title: t for t in tasks}

    def listed(**kw):
        page = brisk.list_tasks(tag=[tag, *kw.pop("more_tags", [])], **kw)
        assert isinstance(page, bc.TaskPage) and page.count == len(page.tasks)
        assert page.next_cursor is None
        return ids(page.tasks)

    def where(pred):
        return {t.id for t in tasks if pred(t)}

    assert listed() == ids(tasks)
    assert listed(status="done") == where(lambda t: t.status == "done")
    assert listed(status=["pending", "in_progress"]) == where(lambda t: t.status != "done")
    assert listed(priority=4) == {by_title["delta"].id}
    assert listed(priority_gte=3) == where(lambda t: t.priority >= 3)
    assert listed(priority_lte=2) == where(lambda t: t.priority <= 2)
    assert listed(priority_gte=2, priority_lte=4) == where(lambda t: 2 <= t.priority <= 4)
    assert listed(more_tags=["x", "y"]) == {by_title["gamma report draft"].id}
    assert listed(more_tags=["y"]) == where(lambda t: "y" in t.tags)
    # q: every word by prefix, over title, description and tags.
    assert listed(q="rep") == {by_title[n].id for n in ("alpha report", "gamma report draft",
                                                       "delta")}
    assert listed(q="report draft") == {by_title["gamma report draft"].id}
    # due bounds are exclusive; tasks without due_at never match.
    day2 = base + dt.timedelta(days=2)
    assert listed(due_before=day2) == {by_title["alpha report"].id}
    assert listed(due_after=day2) == {by_title["delta"].id, by_title["epsilon"].id}
    assert listed(due_after=base, due_before="2027-03-04T12:00:00Z") == {
        by_title[n].id for n in ("alpha report", "Beta plan")}
    assert listed(status="done", priority_gte=3, more_tags=["y"]) == {
        by_title["gamma report draft"].id}


@pytest.mark.parametrize("sort", ["created_at", "-created_at", "priority", "-priority",
                                  "due_at", "-due_at", "title", "-title", "updated_at"])
def test_list_sorts(brisk, listing, sort):
    tag, _, tasks = listing
    page = brisk.list_tasks(tag=tag, sort=sort)
    assert [t.id for t in page.tasks] == expected_order(tasks, sort)


def test_default_order_and_limit(brisk, listing):
    tag, _, tasks = listing
    first = brisk.list_tasks(tag=tag, limit=2)
    assert first.count == 2 and isinstance(first.next_cursor, str)
    assert [t.id for t in first.tasks] == expected_order(tasks, "-created_at")[:2]
    second = brisk.list_tasks(tag=tag, limit=2, cursor=first.next_cursor)
    assert [t.id for t in second.tasks] == expected_order(tasks, "-created_at")[2:4]


def test_iterators_follow_next_cursor_through_every_page(brisk):
    tag = new_tag()
    tasks = [brisk.create_task(f"paged {i:02}", priority=1 + (i * 7) % 5, tags=[tag])
             for i in range(23)]
    pages = list(brisk.iter_pages(tag=tag, limit=5))
    assert [p.count for p in pages] == [5, 5, 5, 5, 3]
    assert all(isinstance(p.next_cursor, str) for p in pages[:-1])
    assert pages[-1].next_cursor is None
    assert [t.id for p in pages for t in p.tasks] == expected_order(tasks, "-created_at")
    for sort in ("priority", "-title"):
        got = [t.id for t in brisk.iter_tasks(tag=tag, sort=sort, limit=4)]
        assert got == expected_order(tasks, sort), sort
    # Filters are sent with every page, not only the first.
    got = list(brisk.iter_tasks(tag=tag, priority_gte=4, limit=2))
    assert ids(got) == {t.id for t in tasks if t.priority >= 4}
    assert [t.id for t in brisk.iter_tasks(tag=tag)] == expected_order(tasks, "-created_at")


def test_iterators_on_an_empty_listing(brisk):
    assert list(brisk.iter_tasks(tag=new_tag())) == []
    pages = list(brisk.iter_pages(tag=new_tag()))
    assert len(pages) == 1 and pages[0].count == 0 and pages[0].next_cursor is None


def test_cursor_from_another_query_is_a_422_at_query_cursor(brisk, listing):
    tag, _, _ = listing
    page = brisk.list_tasks(tag=tag, limit=1, sort="priority")
    with pytest.raises(bc.ValidationError) as info:
        brisk.list_tasks(tag=tag, limit=1, sort="title", cursor=page.next_cursor)
    assert ("query", "cursor") in info.value.locs()


# ---------------------------------------------------------------------------
# Updates, If-Match, delete
# ---------------------------------------------------------------------------

def test_put_changes_only_the_fields_given(brisk, server):
    due = dt.datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC)
    t = brisk.create_task("put me", description="d", priority=2, tags=[new_tag()], due_at=due)
    u = brisk.update_task(t.id, status="done", tags=["a", "b"])
    assert (u.status, u.tags, u.version) == ("done", ["a", "b"], 2)
    assert (u.title, u.description, u.priority, u.due_at) == ("put me", "d", 2, due)
    assert u.created_at == t.created_at and u.updated_at >= t.updated_at
    assert u.to_json() == raw_task(server, t.id)
    u2 = brisk.update_task(t.id, due_at=None)  # PUT may also clear due_at
    assert u2.due_at is None and u2.version == 3


def test_patch_merges_and_none_clears_due_at(brisk):
    t = brisk.create_task("patch me", due_at="2027-05-05T10:00:00+02:00", tags=[new_tag()])
    assert t.due_at == dt.datetime(2027, 5, 5, 8, 0, tzinfo=UTC)
    p = brisk.patch_task(t.id, priority=5)
    assert p.priority == 5 and p.due_at == t.due_at and p.version == 2
    cleared = brisk.patch_task(t.id, due_at=None)
    assert cleared.due_at is None and cleared.priority == 5 and cleared.version == 3
    same = brisk.patch_task(t.id, title="patch me")  # no value changes: version still +1
    assert same.version == 4


def test_update_with_no_fields_is_a_422(brisk):
    t = brisk.create_task("empty update", tags=[new_tag()])
    for method in (brisk.update_task, brisk.patch_task):
        with pytest.raises(bc.ValidationError) as info:
            method(t.id)
        assert info.value.status == 422 and info.value.errors


@pytest.mark.parametrize("method", ["update_task", "patch_task"])
def test_if_match_stale_is_precondition_failed_and_nothing_changes(brisk, method):
    t = brisk.create_task("guarded", tags=[new_tag()])
    moved = brisk.patch_task(t.id, priority=3)
    for stale in (t, 1, '"1"'):
        with pytest.raises(bc.PreconditionFailed) as info:
            getattr(brisk, method)(t.id, title="lost update", if_match=stale)
        assert info.value.status == 412 and info.value.title == "Precondition Failed"
    assert brisk.get_task(t.id) == moved
    ok = getattr(brisk, method)(t.id, title="won", if_match=moved)
    assert ok.title == "won" and ok.version == moved.version + 1


def test_delete_with_if_match_and_twice(brisk):
    t = brisk.create_task("delete me", tags=[new_tag()])
    current = brisk.patch_task(t.id, status="done")
    with pytest.raises(bc.PreconditionFailed):
        brisk.delete_task(t.id, if_match=t)
    assert brisk.get_task(t.id) == current
    assert brisk.delete_task(t.id, if_match=current) is None
    with pytest.raises(bc.NotFound):
        brisk.get_task(t.id)
    with pytest.raises(bc.NotFound):
        brisk.delete_task(t.id)
    with pytest.raises(bc.NotFound):
        brisk.patch_task(t.id, priority=2)


# ---------------------------------------------------------------------------
# Idempotency-Key
# ---------------------------------------------------------------------------

def test_idempotent_create_is_replayed_not_duplicated(brisk):
    tag = new_tag()
    key = str(uuid.uuid4())
    kw = dict(description="once", priority=3, tags=[tag], due_at=dt.datetime(2027, 1, 1, tzinfo=UTC))
    first = brisk.create_task("exactly once", idempotency_key=key, **kw)
    again = brisk.create_task("exactly once", idempotency_key=key, **kw)
    assert first.replayed is False and again.replayed is True
    assert again == first
    assert [t.id for t in brisk.iter_tasks(tag=tag)] == [first.id]
    # The same key with another body is refused and creates nothing.
    with pytest.raises(bc.ValidationError):
        brisk.create_task("something else", idempotency_key=key, tags=[tag])
    other = brisk.create_task("exactly once", idempotency_key=str(uuid.uuid4()), **kw)
    assert other.id != first.id and not other.replayed
    assert ids(brisk.iter_tasks(tag=tag)) == {first.id, other.id}


# ---------------------------------------------------------------------------
# Error mapping
# ---------------------------------------------------------------------------

def test_422_maps_every_error_with_loc_msg_and_type(brisk, server):
    bad = dict(title="", priority=9, status="later", tags=["ok", "ok"])
    with pytest.raises(bc.ValidationError) as info:
        brisk.create_task(**bad)
    e = info.value
    assert (e.status, e.title) == (422, e.problem["title"]) and e.detail
    with make_client(server.url) as h:
        raw = send_json(h, "POST", "/tasks", bad).json()
    # (sorted: the server reports in body order, and the client orders fields its own way)
    assert sorted((list(map(str, f.loc)), f.msg, f.type) for f in e.errors) == sorted(
        (list(map(str, x["loc"])), x["msg"], x["type"]) for x in raw["errors"])
    assert len(e.errors) == 4
    assert all(isinstance(f, bc.FieldError) and isinstance(f.loc, tuple) for f in e.errors)
    locs = {f.loc: f.type for f in e.errors}
    assert locs[("body", "title")] == "string_too_short"
    assert ("body", "priority") in locs and ("body", "status") in locs
    assert ("body", "tags", 1) in locs
    assert "body.title" in str(e) and "422" in str(e)


def test_422_locs_in_query_and_header(brisk):
    with pytest.raises(bc.ValidationError) as info:
        brisk.list_tasks(limit=0, priority_gte=9, sort="size")
    assert {("query", "limit"), ("query", "priority_gte"), ("query", "sort")} <= set(
        info.value.locs())
    with pytest.raises(bc.ValidationError) as info:
        brisk.create_task("t", idempotency_key="k" * 256)
    assert info.value.locs() == [("header", "idempotency-key")]
    with pytest.raises(bc.ValidationError) as info:
        brisk.list_tasks(due_before="tomorrow")
    assert info.value.locs() == [("query", "due_before")]


def test_rate_limited_carries_retry_after(connect, brisk_factory):
    b = brisk_factory(extra=["--rate-limit", "2/s"])
    c = connect(b.url)
    with pytest.raises(bc.RateLimited) as info:
        for _ in range(50):
            c.list_tasks(limit=1)
    e = info.value
    assert e.status == 429 and isinstance(e.retry_after, float) and e.retry_after >= 1


def test_unreachable_server_is_a_connection_error(connect):
    c = connect(f"http://127.0.0.1:{free_port()}", timeout=5)
    with pytest.raises(bc.BriskConnectionError) as info:
        c.list_tasks()
    assert isinstance(info.value.__cause__, httpx.ConnectError)


# ---------------------------------------------------------------------------
# Authentication
# ---------------------------------------------------------------------------

def test_register_login_me_and_bearer_sent_automatically(connect, auth_server):
    c = connect(auth_server.url)
    name = new_username()
    user = c.register(name, PASSWORD)
    assert isinstance(user, bc.User) and user.username == name and UUID7_RE.match(user.id)
    assert user.created_at.tzinfo is UTC
    with pytest.raises(bc.Unauthorized) as info:
        c.list_tasks()
    assert info.value.www_authenticate.startswith("Bearer")
    token = c.login(name, PASSWORD)
    assert isinstance(token, bc.Token) and token.token_type == "bearer"
    assert token.expires_in == 3600 and c.token == token.access_token
    assert c.me() == user
    t = c.create_task("mine", tags=[new_tag()])
    assert raw_task(auth_server, t.id, token.access_token) == t.to_json()
    # A client built with the token works at once; logout stops sending it.
    again = connect(auth_server.url, token=token.access_token)
    assert again.get_task(t.id) == t
    again.logout()
    with pytest.raises(bc.Unauthorized):
        again.get_task(t.id)


def test_auth_errors(connect, auth_server):
    c = connect(auth_server.url)
    name = new_username()
    c.register(name, PASSWORD)
    with pytest.raises(bc.Conflict) as info:
        c.register(name, PASSWORD)
    assert info.value.status == 409
    with pytest.raises(bc.Unauthorized):
        c.login(name, PASSWORD + "!")
    with pytest.raises(bc.Unauthorized):
        c.login(new_username(), PASSWORD)
    assert c.token is None
    with pytest.raises(bc.ValidationError) as info:
        c.register("A", "short")
    assert {("body", "username"), ("body", "password")} <= set(info.value.locs())
    bad = connect(auth_server.url, token="not.a.jwt")
    with pytest.raises(bc.Unauthorized):
        bad.me()


def test_users_see_only_their_own_tasks(connect, auth_server):
    alice, bob = connect(auth_server.url), connect(auth_server.url)
    for c in (alice, bob):
        name = new_username()
        c.register(name, PASSWORD)
        c.login(name, PASSWORD)
    tag = new_tag()
    t = alice.create_task("alice's", tags=[tag])
    assert list(bob.iter_tasks(tag=tag)) == []
    for call in (lambda: bob.get_task(t.id), lambda: bob.patch_task(t.id, priority=2),
                 lambda: bob.delete_task(t.id)):
        with pytest.raises(bc.NotFound):
            call()
    assert [x.id for x in alice.iter_tasks(tag=tag)] == [t.id]


def test_auth_off_server_needs_no_login_and_has_no_accounts(brisk):
    t = brisk.create_task("no login needed", tags=[new_tag()])
    assert brisk.get_task(t.id) == t
    for call in (lambda: brisk.register(new_username(), PASSWORD),
                 lambda: brisk.login("alice", PASSWORD), brisk.me):
        with pytest.raises(bc.NotFound):
            call()


# ---------------------------------------------------------------------------
# The async client used natively
# ---------------------------------------------------------------------------

def test_async_client_concurrent_requests(server):
    async def run():
        tag = new_tag()
        async with bc.AsyncBriskClient(server.url) as c:
            created = await asyncio.gather(*(c.create_task(f"async {i}", priority=1 + i % 5,
                                                           tags=[tag]) for i in range(20)))
            assert len({t.id for t in created}) == 20
            listed = [t async for t in c.iter_tasks(tag=tag, limit=6)]
            assert [t.id for t in listed] == expected_order(created, "-created_at")
            patched = await asyncio.gather(*(c.patch_task(t.id, status="done", if_match=t)
                                             for t in created))
            assert all(p.version == 2 and p.status == "done" for p in patched)
            results = await asyncio.gather(*(c.patch_task(t.id, status="pending", if_match=t)
                                             for t in created), return_exceptions=True)
            assert all(isinstance(r, bc.PreconditionFailed) for r in results)
            await asyncio.gather(*(c.delete_task(t.id) for t in created))
            assert (await c.list_tasks(tag=tag)).count == 0
    asyncio.run(run())


# ---------------------------------------------------------------------------
# The example script
# ---------------------------------------------------------------------------

def run_example(*args):
    return subprocess.run([sys.executable, str(CLIENT_DIR / "example.py"), *args],
                          capture_output=True, text=True, timeout=120)


def check_example_output(p):
    assert p.returncode == 0, f"example failed ({p.returncode}):\n{p.stdout}\n{p.stderr}"
    out = p.stdout
    assert "created 7 tasks" in out, out
    assert "pages: 3 " in out and "7 tasks in all" in out, out
    assert "refused (412)" in out and "not modified" in out, out
    assert "deleted 7 tasks; 0 left" in out, out
    assert "events: listening" in out, out
    assert "7 task.created" in out and "7 task.deleted" in out, out


def test_example_against_an_auth_off_server(server):
    check_example_output(run_example("--url", server.url))


def test_example_against_an_auth_required_server(auth_server):
    name = new_username()
    p = run_example("--url", auth_server.url, "--username", name, "--password", PASSWORD)
    check_example_output(p)
    assert f"registered {name}" in p.stdout and f"logged in as {name}" in p.stdout


# ---------------------------------------------------------------------------
# Events (GET /tasks/events)
# ---------------------------------------------------------------------------

def require_events(url, token=None):
    headers = {"authorization": f"Bearer {token}"} if token else {}
    with httpx.Client(base_url=url, timeout=10) as h:
        with h.stream("GET", "/tasks/events", headers=headers) as r:
            status = r.status_code
    assert status == 200, f"GET /tasks/events answered {status}"


def signed_in(connect_fn, server):
    name = new_username()
    c = connect_fn(server.url)
    c.register(name, PASSWORD)
    c.login(name, PASSWORD)
    return c


class TcpProxy:
    """A TCP relay to the server whose connections a test can cut (the
    client sees a dropped connection) and which can refuse new ones for a
    while. Records the first bytes (the request head) of each relayed
    connection."""

    def __init__(self, host, port):
        self.upstream = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.refusing = False
        self.heads: list = []
        self._lock = threading.Lock()
        self._live: list = []
        self._all: list = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def _accept(self):
        while True:
            try:
                down, _ = self.listener.accept()
            except OSError:
                return
            if self.refusing:
                down.close()
                continue
            up = socket.create_connection(self.upstream)
            with self._lock:
                self._live.append((down, up))
                self._all += [down, up]
            threading.Thread(target=self._pump, args=(down, up, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(up, down, False), daemon=True).start()

    def _pump(self, src, dst, record):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if record:
                    with self._lock:
                        self.heads.append(data)
                    record = False
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def cut(self):
        with self._lock:
            live, self._live = self._live, []
        for pair in live:
            for s in pair:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def last_event_ids(self):
        out = []
        with self._lock:
            heads = list(self.heads)
        for head in heads:
            lines = head.decode("latin-1").split("\r\n")
            if not lines[0].startswith("GET /tasks/events"):
                continue
            value = None
            for line in lines[1:]:
                k, _, v = line.partition(":")
                if k.strip().lower() == "last-event-id":
                    value = v.strip()
            out.append(value)
        return out

    def close(self):
        self.listener.close()
        self.cut()
        with self._lock:
            for s in self._all:
                s.close()


def check_event_ids_increase(events):
    numbers = [int(e.id) for e in events]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers), numbers


async def next_event_for(q: asyncio.Queue, ids: set, timeout=10.0) -> bc.Event:
    """The next event about one of our tasks (or a reset)."""
    deadline = time.monotonic() + timeout
    while True:
        ev = await asyncio.wait_for(q.get(), max(0.01, deadline - time.monotonic()))
        if ev.is_reset or ev.task_id in ids:
            return ev


async def events_scenario(events_url, api_url, token, proxy=None):
    """Changes made through one client arrive, typed and in order, on
    another's event stream; with a proxy, the stream is cut while changes are
    made, and the reconnect with Last-Event-ID must replay them."""
    async with bc.AsyncBriskClient(events_url, token=token) as listen, \
            bc.AsyncBriskClient(api_url, token=token) as api:
        q: asyncio.Queue = asyncio.Queue()
        opened = asyncio.Event()

        async def consume():
            async for ev in listen.events(on_open=opened.set, retry_delay=0.1, read_timeout=30):
                await q.put(ev)
        consumer = asyncio.create_task(consume())
        try:
            await asyncio.wait_for(opened.wait(), 10)
            mine: set = set()
            a = await api.create_task("event A", priority=2, tags=["events"])
            mine.add(a.id)
            ev1 = await next_event_for(q, mine)
            assert (ev1.type, ev1.task_id) == (bc.EVENT_CREATED, a.id)
            assert ev1.task == a and ev1.data == a.to_json()
            a2 = await api.patch_task(a.id, status="done")
            ev2 = await next_event_for(q, mine)
            assert (ev2.type, ev2.task) == (bc.EVENT_UPDATED, a2)
            if proxy is not None:
                proxy.refusing = True
                proxy.cut()
            b = await api.create_task("event B")
            mine.add(b.id)
            await api.delete_task(a.id)
            if proxy is not None:
                await asyncio.sleep(0.3)  # the client's reconnects are refused meanwhile
                proxy.refusing = False
            ev3 = await next_event_for(q, mine)
            ev4 = await next_event_for(q, mine)
            assert (ev3.type, ev3.task) == (bc.EVENT_CREATED, b)
            assert (ev4.type, ev4.task_id, ev4.task) == (bc.EVENT_DELETED, a.id, None)
            check_event_ids_increase([ev1, ev2, ev3, ev4])
            if proxy is not None:
                sent = proxy.last_event_ids()
                assert sent[0] is None and sent[-1] == ev2.id, sent
        finally:
            consumer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await consumer


def test_events_async_end_to_end(auth_server):
    c = bc.BriskClient(auth_server.url)
    try:
        name = new_username()
        c.register(name, PASSWORD)
        token = c.login(name, PASSWORD).access_token
    finally:
        c.close()
    require_events(auth_server.url, token)
    asyncio.run(events_scenario(auth_server.url, auth_server.url, token))


def test_events_reconnect_after_a_dropped_connection_with_last_event_id(auth_server):
    c = bc.BriskClient(auth_server.url)
    try:
        name = new_username()
        c.register(name, PASSWORD)
        token = c.login(name, PASSWORD).access_token
    finally:
        c.close()
    require_events(auth_server.url, token)
    proxy = TcpProxy(auth_server.connect_host, auth_server.port)
    try:
        asyncio.run(events_scenario(proxy.url, auth_server.url, token, proxy))
    finally:
        proxy.close()


def test_events_sync_client_and_resume_from_an_id(server):
    require_events(server.url)
    tag = new_tag()
    got: queue.Queue = queue.Queue()
    opened = threading.Event()

    def listen():
        # Keeps the events of tasks carrying our tag (deleted events carry
        # only the id) and stops after our task's deletion.
        ours: set = set()
        with bc.BriskClient(server.url) as listener:
            for ev in listener.events(on_open=opened.set, read_timeout=30):
                if ev.task is not None and tag in ev.task.tags:
                    ours.add(ev.task_id)
                if ev.task_id in ours or ev.is_reset:
                    got.put(ev)
                if ev.type == bc.EVENT_DELETED and ev.task_id in ours:
                    return
    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    assert opened.wait(10), "the event stream did not open"
    with bc.BriskClient(server.url) as api:
        t = api.create_task("sync events", tags=[tag])
        t2 = api.update_task(t.id, priority=5)
        api.delete_task(t.id)
    seen = [got.get(timeout=10) for _ in range(3)]
    assert [(e.type, e.task_id) for e in seen] == [
        (bc.EVENT_CREATED, t.id), (bc.EVENT_UPDATED, t.id), (bc.EVENT_DELETED, t.id)]
    assert seen[0].task == t and seen[1].task == t2
    check_event_ids_increase(seen)
    thread.join(10)
    assert not thread.is_alive()
    # A new stream that resumes after the first event replays the other two
    # (reconnect=False: a stream that replays nothing ends in a read timeout).
    replay = []
    with bc.BriskClient(server.url) as again:
        for ev in again.events(last_event_id=seen[0].id, reconnect=False, read_timeout=10):
            assert not ev.is_reset, "the last 1,000 events must be replayable"
            if ev.task_id == t.id:
                replay.append(ev)
            if len(replay) == 2:
                break
    assert [(e.type, e.id, e.task) for e in replay] == [(e.type, e.id, e.task) for e in seen[1:]]
