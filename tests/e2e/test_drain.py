"""SIGTERM / SIGINT: stop accepting, finish requests whose headers arrived
(up to 10 s) with Connection: close, close idle connections, exit 0."""
from __future__ import annotations

import signal
import socket
import time

import httpx
import pytest

from e2e_helpers import (
    ConnectionClosed, RawConn, check_raw_common, create_task, json_bytes, make_client,
    request_bytes,
)

JSON = ("Content-Type", "application/json")


def partial_post(title: str):
    """(headers + first half of the body, rest of the body) of a POST /tasks."""
    body = json_bytes({"title": title, "description": "drain " * 20})
    head = request_bytes("POST", "/tasks", headers=[JSON, ("Content-Length", str(len(body)))])
    half = len(body) // 2
    return head + body[:half], body[half:]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_idle_connections_closed_and_exit_0(brisk_factory, sig):
    b = brisk_factory()
    used = RawConn.to(b)
    used.send(request_bytes("GET", "/healthz"))
    assert used.read_response().status == 200
    fresh = RawConn.to(b)
    time.sleep(0.2)
    t0 = time.monotonic()
    b.signal(sig)
    rc = b.wait(10)
    elapsed = time.monotonic() - t0
    try:
        assert rc == 0, f"exit code {rc} after {sig.name}; stderr: {b.stderr_text()[-1000:]}"
        assert elapsed < 3, f"idle connections delayed the exit by {elapsed:.1f}s"
        assert used.wait_closed(2), "idle keep-alive connection not closed"
        assert fresh.wait_closed(2), "idle fresh connection not closed"
    finally:
        used.close()
        fresh.close()


def test_in_flight_request_is_finished_with_connection_close(brisk_factory, tmp_path, db_target):
    db = db_target
    b = brisk_factory(db=db, workdir=tmp_path)
    first, rest = partial_post("finished during drain")
    with RawConn.to(b, timeout=15) as c:
        c.send(first)
        time.sleep(0.3)  # the headers have surely been read
        b.signal(signal.SIGTERM)
        time.sleep(0.5)
        assert b.alive(), "brisk exited while a request with complete headers was in flight"
        c.send(rest)
        r = c.read_response(timeout=10)
        assert r.status == 201, r
        check_raw_common(r)
        assert "close" in r.connection_tokens(), f"no Connection: close: {r.headers}"
        tid = r.json()["id"]
        assert c.wait_closed(3), "connection not closed after the drained answer"
    rc = b.wait(15)
    assert rc == 0, f"exit code {rc}; stderr: {b.stderr_text()[-1000:]}"
    # The answered write is durable.
    b2 = brisk_factory(db=db, workdir=tmp_path)
    with make_client(b2.url) as cl:
        g = cl.get(f"/tasks/{tid}")
        assert g.status_code == 200 and g.json()["title"] == "finished during drain"


def test_pipelined_keepalive_request_gets_connection_close(brisk_factory):
    b = brisk_factory()
    first, rest = partial_post("keepalive then drain")
    with RawConn.to(b, timeout=15) as c:
        c.send(request_bytes("GET", "/healthz"))
        assert c.read_response().status == 200
        c.send(first)
        time.sleep(0.3)
        b.signal(signal.SIGTERM)
        time.sleep(0.5)
        c.send(rest)
        r = c.read_response(timeout=10)
        assert r.status == 201
        assert "close" in r.connection_tokens()
        assert c.wait_closed(3)
    assert b.wait(15) == 0


def test_new_connections_refused_or_not_ready_while_draining(brisk_factory):
    b = brisk_factory()
    first, rest = partial_post("keeps the server draining")
    with RawConn.to(b, timeout=15) as inflight:
        inflight.send(first)
        time.sleep(0.3)
        b.signal(signal.SIGTERM)
        time.sleep(0.5)
        assert b.alive()
        outcome = None
        try:
            with RawConn.to(b, timeout=3) as n:
                n.send(request_bytes("GET", "/readyz"))
                try:
                    r = n.read_response(timeout=3)
                    outcome = r.status
                    if r.status == 503:
                        check_raw_common(r)
                except ConnectionClosed:
                    outcome = "closed"
        except (ConnectionRefusedError, ConnectionResetError, BrokenPipeError):
            outcome = "refused"
        except (socket.timeout, TimeoutError):
            outcome = "hang"
        assert outcome in ("refused", "closed", 503), (
            f"while draining, a new connection got {outcome!r}; expected refusal or /readyz 503")
        inflight.send(rest)
        r = inflight.read_response(timeout=10)
        assert r.status == 201
    assert b.wait(15) == 0


def test_drain_gives_up_after_10s_and_exits_0(brisk_factory):
    b = brisk_factory()
    first, _ = partial_post("never completed")
    with RawConn.to(b, timeout=30) as c:
        c.send(first)
        time.sleep(0.3)
        t0 = time.monotonic()
        b.signal(signal.SIGTERM)
        rc = b.wait(20)
        elapsed = time.monotonic() - t0
        assert rc is not None, "brisk still running 20 s after SIGTERM"
        assert rc == 0, f"exit code {rc}; stderr: {b.stderr_text()[-1000:]}"
        assert elapsed <= 13, f"drain took {elapsed:.1f}s, limit is 10 s"
        assert c.wait_closed(2)


def test_sigterm_with_no_connections_exits_0_quickly(brisk_factory):
    b = brisk_factory()
    with make_client(b.url) as c:
        create_task(c, title="before stop")
    t0 = time.monotonic()
    b.signal(signal.SIGTERM)
    rc = b.wait(10)
    assert rc == 0
    assert time.monotonic() - t0 < 3


def test_stop_under_load_exits_0_and_answers_are_consistent(brisk_factory, tmp_path, db_target):
    """Clients hammering the server during SIGTERM: every 201 they received
    is in the database afterwards, and brisk exits 0."""
    import threading
    db = db_target
    b = brisk_factory(db=db, workdir=tmp_path)
    got = []
    errors = []
    lock = threading.Lock()
    stop = threading.Event()

    def worker(k):
        try:
            work(k)
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    def work(k):
        with httpx.Client(base_url=b.url, timeout=5) as c:
            i = 0
            while not stop.is_set():
                i += 1
                try:
                    r = c.post("/tasks", json={"title": f"load {k} {i}"})
                except httpx.HTTPError:
                    if not b.alive():
                        return
                    continue
                if r.status_code == 201:
                    with lock:
                        got.append((r.json()["id"], f"load {k} {i}"))
                elif r.status_code != 503:
                    raise AssertionError(f"unexpected {r.status_code} {r.text}")

    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(6)]
    for t in threads:
        t.start()
    time.sleep(0.7)
    b.signal(signal.SIGTERM)
    rc = b.wait(15)
    stop.set()
    for t in threads:
        t.join(10)
    assert rc == 0, f"exit code {rc}; stderr: {b.stderr_text()[-1000:]}"
    assert not errors, errors
    assert got, "no request succeeded before the stop"
    b2 = brisk_factory(db=db, workdir=tmp_path)
    with make_client(b2.url) as c:
        for tid, title in got:
            g = c.get(f"/tasks/{tid}")
            assert g.status_code == 200 and g.json()["title"] == title
