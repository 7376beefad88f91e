"""Logs people can use (issue 16): an access log line per request, text or
JSON Lines, X-Request-Id on every response and in problem bodies, and
--access-log off. Every test runs the real binary and reads its stderr.
"""
from __future__ import annotations

import json
import re
import signal
import socket

import httpx

from e2e_helpers import create_task, make_client


def exchange(b, data: bytes) -> bytes:
    """Sends `data` on a new connection and reads until brisk closes it."""
    host, port = b.url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(data)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    return out

TEXT_LINE = re.compile(
    r'^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] \[brisk\] \[info\] (?P<client>\S+) '
    r'"(?P<method>[A-Z]+) (?P<path>\S+)" (?P<status>\d{3}) (?P<bytes>\d+) '
    r'(?P<ms>\d+\.\d{3})ms id=(?P<id>\S+)$')
MADE_ID = re.compile(r"^[0-9a-f]{16}$")


def access_lines(b) -> list:
    return [m.groupdict() for line in b.stderr_text().splitlines()
            if (m := TEXT_LINE.match(line))]


def stop(b) -> None:
    assert b.stop(signal.SIGTERM) == 0, b.stderr_text()[-2000:]


def test_every_request_gets_one_line_with_its_id_and_no_query_string(brisk_factory):
    b = brisk_factory()
    ids = []
    with make_client(b.url) as c:
        t = create_task(c, title="logged")
        r = c.get("/tasks", params={"q": "secret-word", "limit": "5"})
        ids.append(r.headers["x-request-id"])
        r = c.get(f"/tasks/{t['id']}", headers={"x-request-id": "trace-42.a:b"})
        assert r.headers["x-request-id"] == "trace-42.a:b"  # a sane client id is kept
        ids.append("trace-42.a:b")
        r = c.get("/nope", headers={"x-request-id": "bad id\twith space"})
        assert r.status_code == 404
        assert MADE_ID.match(r.headers["x-request-id"]), r.headers["x-request-id"]
        assert r.json()["request_id"] == r.headers["x-request-id"]
        ids.append(r.headers["x-request-id"])
    stop(b)  # the workers write what they hold when they stop
    lines = access_lines(b)
    assert len(lines) == 4, b.stderr_text()
    post, listing, get, missing = lines
    assert (post["method"], post["path"], post["status"]) == ("POST", "/tasks", "201")
    assert (listing["path"], listing["status"], listing["id"]) == ("/tasks", "200", ids[0])
    assert (get["path"], get["id"]) == (f"/tasks/{t['id']}", "trace-42.a:b")
    assert (missing["path"], missing["status"], missing["id"]) == ("/nope", "404", ids[2])
    assert "secret-word" not in b.stderr_text()
    for line in lines:
        assert line["client"] == "127.0.0.1"
        assert int(line["bytes"]) > 100  # the status line and headers at least
        assert float(line["ms"]) < 10_000


def test_bytes_are_the_bytes_sent(brisk_factory):
    b = brisk_factory()
    wire = exchange(b, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert wire.startswith(b"HTTP/1.1 200 ")
    stop(b)
    (line,) = access_lines(b)
    assert int(line["bytes"]) == len(wire), (line, len(wire))


def test_errors_before_routing_are_logged_with_an_id(brisk_factory):
    b = brisk_factory()
    wire = exchange(b, b"GET / HTTP/2.0\r\nHost: x\r\n\r\n")
    head, _, body = wire.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 505 "), wire
    m = re.search(rb"\r\nX-Request-Id: ([0-9a-f]{16})\r\n", head)
    assert m, head
    rid = m.group(1).decode()
    assert json.loads(body)["request_id"] == rid
    stop(b)
    (line,) = access_lines(b)
    assert line["status"] == "505" and line["id"] == rid


def test_access_log_off_and_a_quieter_level(brisk_factory):
    for extra in (["--access-log", "off"], ["--log-level", "warn"]):
        b = brisk_factory(extra=extra)
        with make_client(b.url) as c:
            for _ in range(5):
                assert c.get("/healthz").status_code == 200
        stop(b)
        assert access_lines(b) == [], (extra, b.stderr_text())
        assert '"GET /healthz"' not in b.stderr_text()


def test_json_lines(brisk_factory):
    b = brisk_factory(extra=["--log-format", "json"])
    with make_client(b.url) as c:
        r = c.get('/tasks/"quoted"\\', headers={"x-request-id": "j-1"})
        assert r.status_code in (404, 422)
    stop(b)
    records = []
    for line in b.stderr_text().splitlines():
        if not line.strip():
            continue
        doc = json.loads(line)  # every line of the log is one JSON object
        assert {"ts", "level", "logger", "msg"} <= doc.keys(), doc
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", doc["ts"]), doc
        records.append(doc)
    access = [d for d in records if d["msg"] == "access"]
    assert len(access) == 1, records
    a = access[0]
    assert a["method"] == "GET" and a["request_id"] == "j-1" and a["client"] == "127.0.0.1"
    assert a["path"] == "/tasks/%22quoted%22%5C" or a["path"].startswith("/tasks/")
    assert isinstance(a["status"], int) and isinstance(a["bytes"], int)
    assert isinstance(a["duration_ms"], float)
    assert any(d["msg"].startswith("serving with") for d in records)
    assert any(d["msg"] == "stopped" for d in records)


def test_a_log_line_per_request_under_concurrency(brisk_factory):
    """Lines from two event-loop threads never interleave or get lost."""
    b = brisk_factory(threads=2)
    import threading
    n_threads, per = 4, 200

    def work():
        with httpx.Client(base_url=b.url) as c:
            for _ in range(per):
                assert c.get("/healthz").status_code == 200

    ts = [threading.Thread(target=work) for _ in range(n_threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    stop(b)
    lines = access_lines(b)
    assert len(lines) == n_threads * per
    assert len({x["id"] for x in lines}) == n_threads * per  # made ids are unique
    # Nothing else is on a line with an access record.
    junk = [x for x in b.stderr_text().splitlines() if "/healthz" in x and not TEXT_LINE.match(x)]
    assert junk == []
