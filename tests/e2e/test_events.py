"""GET /tasks/events against the real binary: Server-Sent Events of the
caller's task changes (API.md "GET /tasks/events").

Each test runs on both backends (the `backend` parameter) unless marked,
and starts its own server on a new database (the event ids are the
database's, and some tests need a test-only setting: BRISK_TEST_EVENT_WINDOW, a smaller event log;
BRISK_TEST_SSE_HEARTBEAT_SECONDS, sooner comment lines). Streams are read
with httpx in a thread that parses the events into a queue, so that a test
waits for the next event with a timeout. On PostgreSQL, the last tests run
two instances on one database: a change written through one reaches the
streams of the other, also after the other lost its LISTEN connection.
"""
from __future__ import annotations

import concurrent.futures
import json
import queue
import signal
import socket
import threading
import time

import httpx
import pytest

from e2e_helpers import clean_env, run_brisk


PASSWORD = "correct horse battery"


class EventReader:
    """One open GET /tasks/events, read in a thread. next() gives parsed
    events as dicts {"event", "id", "data"} (data parsed as JSON), and
    comment lines as {"comment": text}; None is the end of the stream."""

    def __init__(self, url, headers=None, params=None):
        self._q: queue.Queue = queue.Queue()
        self._opened = threading.Event()
        self._client = httpx.Client(base_url=url, timeout=httpx.Timeout(10, read=None))
        self.status = None
        self.headers = None
        self._resp = None
        self._thread = threading.Thread(target=self._run, args=(headers or {}, params),
                                        daemon=True)
        self._thread.start()
        assert self._opened.wait(10), "the stream did not open"

    def _run(self, headers, params):
        try:
            with self._client.stream("GET", "/tasks/events", headers=headers,
                                     params=params) as r:
                self._resp = r
                self.status = r.status_code
                self.headers = r.headers
                self._opened.set()
                if r.status_code != 200:
                    r.read()
                    return
                fields: dict = {}
                for line in r.iter_lines():
                    line = line.rstrip("\r\n")  # this httpx keeps the line ends
                    if line == "":
                        if "data" in fields:
                            fields["data"] = json.loads(fields["data"])
                            self._q.put(fields)
                        fields = {}
                    elif line.startswith(":"):
                        self._q.put({"comment": line[1:].strip()})
                    else:
                        name, _, value = line.partition(":")
                        value = value[1:] if value.startswith(" ") else value
                        if name == "data" and "data" in fields:
                            fields["data"] += "\n" + value
                        else:
                            fields[name] = value
        except (httpx.HTTPError, OSError, ValueError):
            pass
        finally:
            self._opened.set()
            self._q.put(None)

    def next(self, timeout=10.0, comments=False):
        """The next event (comments skipped unless asked for)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                item = self._q.get(timeout=max(0.01, left))
            except queue.Empty:
                raise AssertionError(f"no event within {timeout}s") from None
            if item is not None and "comment" in item and not comments:
                continue
            return item

    def take(self, n, timeout=10.0):
        return [self.next(timeout) for _ in range(n)]

    def quiet(self, seconds):
        """Asserts that no event (comments aside) arrives for `seconds`."""
        try:
            item = self.next(seconds)
        except AssertionError:
            return
        raise AssertionError(f"unexpected event: {item!r}")

    def close(self):
        # Shutting the socket down ends the reading thread's blocked read.
        resp = self._resp
        stream = resp.extensions.get("network_stream") if resp is not None else None
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._client.close()
        self._thread.join(5)


@pytest.fixture
def readers():
    opened: list = []

    def open_reader(url, **kw):
        r = EventReader(url, **kw)
        opened.append(r)
        return r

    yield open_reader
    for r in opened:
        r.close()


def post_task(c: httpx.Client, title, headers=None, **fields) -> dict:
    r = c.post("/tasks", json={"title": title, **fields}, headers=headers or {})
    assert r.status_code == 201, r.text
    return r.json()


def sign_up(c: httpx.Client, name) -> dict:
    assert c.post("/auth/register", json={"username": name, "password": PASSWORD}).status_code \
        == 201
    r = c.post("/auth/token", json={"username": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"authorization": f"Bearer {r.json()['access_token']}"}


def test_changes_arrive_in_commit_order_with_their_data_and_the_stream_headers(
        brisk_factory, readers):
    b = brisk_factory()
    stream = readers(b.url)
    assert stream.status == 200
    h = stream.headers
    assert h["content-type"] == "text/event-stream"
    assert h["cache-control"] == "no-store"
    assert h["x-accel-buffering"] == "no"
    assert "content-length" not in h
    with httpx.Client(base_url=b.url, timeout=10) as c:
        created = post_task(c, "watched", tags=["sse"])
        r = c.patch(f"/tasks/{created['id']}", json={"status": "done"},
                    headers={"content-type": "application/merge-patch+json"})
        assert r.status_code == 200
        updated = r.json()
        assert c.delete(f"/tasks/{created['id']}").status_code == 204
    events = stream.take(3)
    assert [e["event"] for e in events] == ["task.created", "task.updated", "task.deleted"]
    assert events[0]["data"] == created
    assert events[1]["data"] == updated
    assert events[2]["data"] == {"id": created["id"]}
    ids = [int(e["id"]) for e in events]
    assert ids == sorted(ids) and len(set(ids)) == 3 and ids[0] >= 1


def test_a_user_sees_only_their_own_events(brisk_factory, readers):
    b = brisk_factory(auth="required")
    with httpx.Client(base_url=b.url, timeout=10) as c:
        ann, bob = sign_up(c, "ann.events"), sign_up(c, "bob.events")
        no_token = c.get("/tasks/events")
        assert no_token.status_code == 401
        assert no_token.headers["www-authenticate"].startswith("Bearer")
        assert c.get("/tasks/events", params={"access_token": "x.y.z"}).status_code == 401
        ann_stream = readers(b.url, headers=ann)
        # EventSource sends no headers: the token as access_token.
        bob_stream = readers(b.url, params={"access_token": bob["authorization"][7:]})
        assert (ann_stream.status, bob_stream.status) == (200, 200)
        a1 = post_task(c, "ann's first", headers=ann)
        b1 = post_task(c, "bob's first", headers=bob)
        a2 = post_task(c, "ann's second", headers=ann)
    assert [e["data"]["id"] for e in ann_stream.take(2)] == [a1["id"], a2["id"]]
    assert [e["data"]["id"] for e in bob_stream.take(1)] == [b1["id"]]
    ann_stream.quiet(0.5)
    bob_stream.quiet(0.2)


def test_last_event_id_replays_exactly_the_missed_events_then_goes_on_live(
        brisk_factory, readers):
    b = brisk_factory()
    first = readers(b.url)
    with httpx.Client(base_url=b.url, timeout=10) as c:
        for i in range(3):
            post_task(c, f"seen {i}")
        seen = first.take(3)
        first.close()
        missed = [post_task(c, f"missed {i}") for i in range(4)]
        again = readers(b.url, headers={"last-event-id": seen[-1]["id"]})
        replayed = again.take(4)
        assert [e["data"] for e in replayed] == missed
        assert [e["event"] for e in replayed] == ["task.created"] * 4
        ids = [int(seen[-1]["id"])] + [int(e["id"]) for e in replayed]
        assert ids == list(range(ids[0], ids[0] + 5))
        live = post_task(c, "live after the replay")
        nxt = again.next()
        assert nxt["data"] == live and int(nxt["id"]) == ids[-1] + 1
        again.quiet(0.3)
        # An id from this stream is required; anything else is a 400.
        bad = c.get("/tasks/events", headers={"last-event-id": "seven"})
        assert bad.status_code == 400


def test_an_id_older_than_the_window_or_newer_than_any_gets_reset(brisk_factory, readers):
    # A 20-event log (test setting), pruned 2 at a time.
    b = brisk_factory(env=clean_env({"BRISK_TEST_EVENT_WINDOW": "20"}))
    with httpx.Client(base_url=b.url, timeout=10) as c:
        tasks = [post_task(c, f"t{i}") for i in range(40)]
        assert len(tasks) == 40
        # Within the window: a replay, no reset.
        recent = readers(b.url, headers={"last-event-id": "35"})
        assert [int(e["id"]) for e in recent.take(5)] == [36, 37, 38, 39, 40]
        old = readers(b.url, headers={"last-event-id": "1"})
        reset = old.next()
        assert reset["event"] == "reset" and reset["data"] == {"reason": "window"}
        assert reset["id"] == "40"  # refetch, then go on after the newest event
        ahead = readers(b.url, headers={"last-event-id": "99999"})
        r2 = ahead.next()
        assert r2["event"] == "reset" and r2["data"] == {"reason": "ahead"} and r2["id"] == "40"
        live = post_task(c, "after the reset")
        for s in (old, ahead, recent):
            e = s.next()
            assert e["event"] == "task.created" and e["id"] == "41" and e["data"] == live


def test_comment_lines_keep_a_quiet_stream_open(brisk_factory, readers):
    b = brisk_factory(env=clean_env({"BRISK_TEST_SSE_HEARTBEAT_SECONDS": "1"}))
    s = readers(b.url)
    start = time.monotonic()
    comments = [s.next(5, comments=True) for _ in range(2)]
    assert all(c == {"comment": "keep-alive"} for c in comments), comments
    assert time.monotonic() - start < 5


def slow_socket(b, rcvbuf=4096):
    """A raw client with a small receive buffer that sends the request and
    then reads nothing."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect((b.connect_host, b.port))
    s.sendall(b"GET /tasks/events HTTP/1.1\r\nHost: t\r\n\r\n")
    return s


def metric(b, name) -> int:
    text = httpx.get(f"{b.url}/metrics", timeout=5).text
    for line in text.splitlines():
        if line.startswith(name + " "):
            return int(line.split()[1])
    raise AssertionError(f"{name} not in /metrics")


def test_a_reader_that_stops_reading_gets_reset_and_closed_without_slowing_others(
        brisk_factory, readers):
    b = brisk_factory()
    stalled = slow_socket(b)
    fast = readers(b.url)
    assert metric(b, "brisk_sse_streams_open") == 2
    # ~2.3 KB per event, posted until the stalled stream's kernel buffers and
    # then its 1 MiB queue are full (how much the kernel holds varies).
    body = "x" * 2000
    latencies: list = []
    posted = 0
    lock = threading.Lock()
    stop = threading.Event()

    def poster():
        nonlocal posted
        with httpx.Client(base_url=b.url, timeout=30) as c:
            while not stop.is_set():
                t0 = time.monotonic()
                post_task(c, "bulk", description=body)
                with lock:
                    latencies.append(time.monotonic() - t0)
                    posted += 1

    threads = [threading.Thread(target=poster) for _ in range(6)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 240
    try:
        while metric(b, "brisk_sse_overflows_total") == 0:
            assert time.monotonic() < deadline, f"no overflow after {posted} events"
            time.sleep(0.2)
    finally:
        stop.set()
        for t in threads:
            t.join()
    # The other reader got every event, in order.
    got = [fast.next(30) for _ in range(posted)]
    assert [int(e["id"]) for e in got] == list(range(1, posted + 1))
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99)]
    assert p99 < 2.0, f"POST p99 {p99:.3f}s while a reader was stalled"

    # The stalled reader reads now (within the 10 s the server gives it to
    # take the last bytes): events in order, then reset, then the end.
    stalled.settimeout(10)
    data = b""
    while True:
        chunk = stalled.recv(1 << 20)
        if not chunk:
            break
        data += chunk
    stalled.close()
    head, _, body_text = data.decode().partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 200")
    frames = [f for f in body_text.split("\n\n") if f]
    last = dict(line.split(": ", 1) for line in frames[-1].split("\n"))
    assert last["event"] == "reset" and json.loads(last["data"]) == {"reason": "overflow"}
    ids = [int(dict(line.split(": ", 1) for line in f.split("\n"))["id"]) for f in frames[:-1]]
    assert ids == list(range(1, len(ids) + 1)) and len(ids) < posted
    assert int(last["id"]) > ids[-1]  # resume after the event that did not fit
    assert metric(b, "brisk_sse_streams_open") == 1


def test_sigterm_with_open_streams_and_idle_connections_exits_0_promptly(
        brisk_factory, readers):
    b = brisk_factory()
    streams = [readers(b.url) for _ in range(5)]
    idle = socket.create_connection((b.connect_host, b.port))
    idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
    assert idle.recv(4096).startswith(b"HTTP/1.1 200")
    t0 = time.monotonic()
    b.signal(signal.SIGTERM)
    rc = b.wait(10)
    took = time.monotonic() - t0
    assert rc == 0, f"exit {rc}\n{b.stderr_text()[-2000:]}"
    assert took < 10
    for s in streams:
        assert s.next(5) is None  # the stream ended
    idle.close()


def test_event_ids_survive_a_restart(brisk_factory, readers, db_target):
    db = db_target
    b = brisk_factory(db=db)
    with httpx.Client(base_url=b.url, timeout=10) as c:
        before = [post_task(c, f"before {i}") for i in range(3)]
    assert b.stop(signal.SIGTERM) == 0
    b2 = brisk_factory(db=db)
    # The log is the database's: a replay after the restart.
    s = readers(b2.url, headers={"last-event-id": "1"})
    assert [e["data"] for e in s.take(2)] == before[1:]
    with httpx.Client(base_url=b2.url, timeout=10) as c:
        after = post_task(c, "after the restart")
    e = s.next()
    assert e["data"] == after and e["id"] == "4"


def test_head_and_other_methods(brisk_factory):
    b = brisk_factory()
    with httpx.Client(base_url=b.url, timeout=5) as c:
        head = c.head("/tasks/events")
        assert head.status_code == 200
        assert head.headers["content-type"] == "text/event-stream"
        r = c.delete("/tasks/events")
        assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD"
        assert c.get("/tasks/events", params={"since": "1"}).status_code == 422


def test_imported_tasks_make_created_events_once(brisk_factory, readers, tmp_path, new_db):
    src_db = new_db()
    src = brisk_factory(db=src_db)
    with httpx.Client(base_url=src.url, timeout=10) as c:
        made = [post_task(c, f"exported {i}") for i in range(3)]
    assert src.stop(signal.SIGTERM) == 0
    dump = tmp_path / "dump.jsonl"
    assert run_brisk(["export", "--db", src_db, dump])[0] == 0
    fresh = new_db()
    assert run_brisk(["migrate", "--db", fresh])[0] == 0
    for _ in range(2):  # the second import finds every id: it stores nothing, logs nothing
        rc, _, err = run_brisk(["import", "--db", fresh, dump])
        assert rc == 0, err
    b = brisk_factory(db=fresh)
    s = readers(b.url, headers={"last-event-id": "0"})
    got = s.take(3)
    assert [e["event"] for e in got] == ["task.created"] * 3
    assert sorted(e["data"]["id"] for e in got) == sorted(t["id"] for t in made)
    assert {e["data"]["title"] for e in got} == {t["title"] for t in made}
    s.quiet(0.5)


# ---------------------------------------------------------------------------
# Several instances on one PostgreSQL database
# ---------------------------------------------------------------------------

def listeners(pg, name) -> int:
    """brisk's LISTEN connections to database `name` (one per instance)."""
    return int(pg.cluster.psql(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'brisk-listener'"
        f" AND datname = '{name}'"))


def wait_for_listeners(pg, name, n, timeout=15.0):
    deadline = time.monotonic() + timeout
    while listeners(pg, name) != n:
        assert time.monotonic() < deadline, f"not {n} listener connection(s) to {name}"
        time.sleep(0.05)


@pytest.mark.postgres_only
def test_a_change_through_one_instance_reaches_the_streams_of_another(
        brisk_factory, readers, pg, backend):
    db = pg.new()
    a, b = brisk_factory(db=db), brisk_factory(db=db)
    wait_for_listeners(pg, db.rsplit("/", 1)[1], 2)
    on_a, on_b = readers(a.url), readers(b.url)
    with httpx.Client(base_url=a.url, timeout=10) as ca, \
            httpx.Client(base_url=b.url, timeout=10) as cb:
        made = [post_task(ca, "through a"), post_task(cb, "through b"), post_task(ca, "a again")]
        r = cb.patch(f"/tasks/{made[0]['id']}", json={"status": "done"},
                     headers={"content-type": "application/merge-patch+json"})
        assert r.status_code == 200
        updated = r.json()
    # Both instances' streams see every change, whichever instance wrote it,
    # in one order: the ids are the database's.
    expected = made + [updated]
    for s in (on_a, on_b):
        got = s.take(4)
        assert [e["data"] for e in got] == expected
        assert [int(e["id"]) for e in got] == [1, 2, 3, 4]
    # A Last-Event-ID that one instance gave replays on the other.
    again = readers(a.url, headers={"last-event-id": "2"})
    assert [e["data"] for e in again.take(2)] == expected[2:]


@pytest.mark.postgres_only
def test_an_instance_that_loses_its_listen_connection_reconnects_and_misses_nothing(
        brisk_factory, readers, pg, backend):
    db = pg.new()
    name = db.rsplit("/", 1)[1]
    a, b = brisk_factory(db=db), brisk_factory(db=db)
    wait_for_listeners(pg, name, 2)
    on_b = readers(b.url)
    with httpx.Client(base_url=a.url, timeout=10) as c:
        first = post_task(c, "before")
        assert on_b.next()["data"] == first
        # The listeners are killed and cannot reconnect for a while (new
        # connections to this database refused; the others stay open).
        pg.cluster.psql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            killed = pg.cluster.psql(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                f" WHERE application_name = 'brisk-listener' AND datname = '{name}'")
            assert killed == "2"
            wait_for_listeners(pg, name, 0)
            missed = [post_task(c, f"while b cannot listen {i}") for i in range(5)]
            on_b.quiet(1.0)  # b has no other way to hear of them
        finally:
            pg.cluster.psql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        # b reconnects by itself and reads the log after the last id it had.
        got = on_b.take(5, timeout=15)
        assert [e["data"] for e in got] == missed
        assert [int(e["id"]) for e in got] == [2, 3, 4, 5, 6]
        wait_for_listeners(pg, name, 2)
        live = post_task(c, "after")
        e = on_b.next()
        assert e["data"] == live and e["id"] == "7"


@pytest.mark.postgres_only
def test_events_that_left_the_window_while_an_instance_could_not_listen_are_a_reset(
        brisk_factory, readers, pg, backend):
    db = pg.new()
    name = db.rsplit("/", 1)[1]
    small = clean_env({"BRISK_TEST_EVENT_WINDOW": "20"})  # pruned 2 at a time
    a, b = brisk_factory(db=db, env=small), brisk_factory(db=db, env=small)
    wait_for_listeners(pg, name, 2)
    on_b = readers(b.url)
    with httpx.Client(base_url=a.url, timeout=10) as c:
        first = post_task(c, "before")
        assert on_b.next()["data"] == first
        pg.cluster.psql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            pg.cluster.psql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                f" WHERE application_name = 'brisk-listener' AND datname = '{name}'")
            wait_for_listeners(pg, name, 0)
            made = [post_task(c, f"while b cannot listen {i}") for i in range(40)]
        finally:
            pg.cluster.psql(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        # Events 2 to 41 committed; the log kept about the last 20. b cannot
        # send the others: a reset first, then the ones it could read.
        reset = on_b.next(15)
        assert reset["event"] == "reset" and reset["data"] == {"reason": "window"}, reset
        lost = int(reset["id"])
        assert 2 <= lost <= 22, lost
        got = on_b.take(41 - lost)
        assert [int(e["id"]) for e in got] == list(range(lost + 1, 42))
        assert [e["data"] for e in got] == made[lost - 1:]
        on_b.quiet(0.3)
