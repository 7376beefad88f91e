"""The HTTP/1.x layer, over raw sockets: keep-alive, pipelining, HTTP/1.0,
size limits, timeouts, request smuggling defences, chunked bodies, and
isolation from slow clients."""
from __future__ import annotations

import re
import socket
import threading
import time
import uuid

import httpx
import pytest

from e2e_helpers import (
    SLOWDOWN, ConnectionClosed, RawConn, assert_raw_problem, check_raw_common, chunked, create_task,
    json_bytes, list_all, request_bytes,
)

JSON = ("Content-Type", "application/json")


def get(path, version="HTTP/1.1", headers=None):
    return request_bytes("GET", path, headers=headers, version=version)


def post_task(title, headers=None):
    return request_bytes("POST", "/tasks", headers=[JSON] + list(headers or []),
                         body=json_bytes({"title": title}))


def count_titled(client, title):
    return sum(1 for t in list_all(client) if t["title"] == title)


# ---------------------------------------------------------------------------
# keep-alive, pipelining, HTTP/1.0
# ---------------------------------------------------------------------------

def test_keep_alive_reuses_connection_across_statuses(server):
    with RawConn.to(server) as c:
        title = f"ka {uuid.uuid4()}"
        c.send(get("/healthz"))
        r = c.read_response()
        assert r.status == 200 and r.json() == {"status": "ok"}
        assert "close" not in r.connection_tokens()
        c.send(post_task(title))
        r = c.read_response()
        assert r.status == 201
        tid = r.json()["id"]
        c.send(get(f"/tasks/{tid}"))
        r = c.read_response()
        assert r.status == 200 and r.json()["title"] == title
        c.send(get("/tasks/abc"))
        r = c.read_response()
        assert_raw_problem(r, 404)
        assert "close" not in r.connection_tokens()
        c.send(post_task(""))
        r = c.read_response()
        assert_raw_problem(r, 422)
        c.send(get("/readyz"))
        r = c.read_response()
        assert r.status == 200
        check_raw_common(r)


def test_pipelined_requests_are_answered_in_order(server, client):
    ids = [create_task(client, title=f"pipe {i}")["id"] for i in range(3)]
    title = f"pipelined post {uuid.uuid4()}"
    reqs = [get("/healthz"), get(f"/tasks/{ids[0]}"), post_task(title), get(f"/tasks/{ids[1]}"),
            get("/tasks/abc"), get(f"/tasks/{ids[2]}"), get("/readyz"), get(f"/tasks/{ids[0]}")]
    with RawConn.to(server) as c:
        c.send(b"".join(reqs))
        resps = [c.read_response(timeout=10) for _ in reqs]
    assert [r.status for r in resps] == [200, 200, 201, 200, 404, 200, 200, 200]
    assert resps[0].json() == {"status": "ok"}
    assert resps[1].json()["id"] == ids[0]
    assert resps[2].json()["title"] == title
    assert resps[3].json()["id"] == ids[1]
    assert resps[5].json()["id"] == ids[2]
    assert resps[7].json()["id"] == ids[0]
    for r in resps:
        check_raw_common(r)
    assert count_titled(client, title) == 1


def test_many_pipelined_requests(server, client):
    ids = [create_task(client, title=f"many {i}")["id"] for i in range(5)]
    order = [ids[i % 5] for i in range(60)]
    with RawConn.to(server) as c:
        c.send(b"".join(get(f"/tasks/{i}") for i in order))
        got = [c.read_response(timeout=10).json()["id"] for _ in order]
    assert got == order


def test_pipelined_chunked_post_between_gets(server, client):
    title = f"pipe chunked {uuid.uuid4()}"
    body = json_bytes({"title": title})
    post = request_bytes("POST", "/tasks", headers=[JSON, ("Transfer-Encoding", "chunked")],
                         body=chunked([body[:5], body[5:]]))
    with RawConn.to(server) as c:
        c.send(get("/healthz") + post + get("/healthz"))
        rs = [c.read_response() for _ in range(3)]
    assert [r.status for r in rs] == [200, 201, 200]
    assert rs[1].json()["title"] == title


def test_http10_connection_closed_after_answer(server):
    with RawConn.to(server) as c:
        c.send(get("/healthz", version="HTTP/1.0", headers=[]))
        r = c.read_response()
        assert r.status == 200
        assert r.json() == {"status": "ok"}
        check_raw_common(r)
        assert c.wait_closed(3), "HTTP/1.0 connection not closed after the answer"
        assert c.buf == b""


def test_http10_keep_alive_when_asked(server):
    with RawConn.to(server) as c:
        for _ in range(3):
            c.send(get("/healthz", version="HTTP/1.0", headers=[("Connection", "keep-alive")]))
            r = c.read_response()
            assert r.status == 200
            assert r.header("content-length") is not None, "HTTP/1.0 keep-alive needs Content-Length"
        assert not c.wait_closed(0.5), "HTTP/1.0 keep-alive connection closed early"


def test_http10_post_with_body(server):
    title = f"http10 {uuid.uuid4()}"
    with RawConn.to(server) as c:
        c.send(request_bytes("POST", "/tasks", headers=[JSON], body=json_bytes({"title": title}),
                             version="HTTP/1.0"))
        r = c.read_response()
        assert r.status == 201, r
        assert r.json()["title"] == title
        assert c.wait_closed(3)


def test_http11_connection_close_is_honoured(server):
    with RawConn.to(server) as c:
        c.send(get("/healthz", headers=[("Connection", "close")]))
        r = c.read_response()
        assert r.status == 200
        assert "close" in r.connection_tokens()
        assert c.wait_closed(3)


def test_pipelined_request_after_connection_close_is_ignored(server):
    with RawConn.to(server) as c:
        c.send(get("/healthz", headers=[("Connection", "close")]) + get("/readyz"))
        r = c.read_response()
        assert r.status == 200
        assert c.wait_closed(3)
        assert c.buf == b"", "answered a request sent after Connection: close"


# ---------------------------------------------------------------------------
# Chunked request bodies
# ---------------------------------------------------------------------------

def test_chunked_request_body(server, client):
    title = f"chunked {uuid.uuid4()}"
    body = json_bytes({"title": title, "description": "x" * 300, "tags": ["a", "b"]})
    parts = [body[:1], body[1:17], body[17:200], body[200:]]
    with RawConn.to(server) as c:
        c.send(request_bytes("POST", "/tasks", headers=[JSON, ("Transfer-Encoding", "chunked")],
                             body=chunked(parts)))
        r = c.read_response()
        assert r.status == 201, r
        t = r.json()
        assert t["title"] == title and t["tags"] == ["a", "b"]
        # The connection is still usable: the terminating chunk was consumed.
        c.send(get(f"/tasks/{t['id']}"))
        r2 = c.read_response()
        assert r2.status == 200 and r2.json()["id"] == t["id"]


def test_chunked_body_with_uppercase_hex_and_extension(server):
    body = json_bytes({"title": "hex chunks " + "y" * 20})
    raw = (f"{len(body[:26]):X};name=value\r\n").encode() + body[:26] + b"\r\n" + \
          f"{len(body[26:]):X}\r\n".encode() + body[26:] + b"\r\n0\r\n\r\n"
    with RawConn.to(server) as c:
        c.send(request_bytes("POST", "/tasks", headers=[JSON, ("Transfer-Encoding", "chunked")],
                             body=raw))
        r = c.read_response()
        assert r.status == 201, r


def test_chunked_body_sent_slowly(server):
    body = json_bytes({"title": "slow chunks"})
    with RawConn.to(server) as c:
        c.send(request_bytes("POST", "/tasks", headers=[JSON, ("Transfer-Encoding", "chunked")],
                             body=b""))
        for i in range(0, len(body), 4):
            c.send(chunked([body[i:i + 4]])[:-5])  # a chunk without the terminator
            time.sleep(0.05)
        c.send(b"0\r\n\r\n")
        r = c.read_response()
        assert r.status == 201, r


# ---------------------------------------------------------------------------
# Size limits
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("shape", ["one-big-header", "many-headers", "long-request-line"])
def test_headers_over_16k_are_431(server, shape):
    if shape == "one-big-header":
        req = get("/healthz", headers=[("X-Big", "a" * 17000)])
    elif shape == "many-headers":
        req = get("/healthz", headers=[(f"X-H{i}", "b" * 60) for i in range(300)])
    else:
        req = get("/healthz?x=" + "c" * 17000)
    with RawConn.to(server) as c:
        c.send(req)
        r = c.read_response()
    assert_raw_problem(r, 431)


def test_headers_just_under_16k_are_fine(server):
    req = get("/healthz", headers=[("X-Big", "a" * 15000)])
    assert len(req) < 16 * 1024
    with RawConn.to(server) as c:
        c.send(req)
        r = c.read_response()
    assert r.status == 200, r


def test_content_length_over_1mib_is_413_without_sending_body(server):
    with RawConn.to(server) as c:
        c.send(request_bytes("POST", "/tasks", headers=[JSON, ("Content-Length", "2000000")]))
        t0 = time.monotonic()
        r = c.read_response(timeout=5)
        assert time.monotonic() - t0 < 3, "413 must not wait for the body"
    assert_raw_problem(r, 413)


def _send_with_early_answer(conn: RawConn, head: bytes, body: bytes, piece=65536):
    """Sends head then body in pieces, stopping early if the server has
    already answered (a server may reject before reading the body)."""
    conn.send(head)
    time.sleep(0.2)
    for i in range(0, len(body), piece):
        if conn.readable_now():
            return
        try:
            conn.send(body[i:i + piece])
        except (BrokenPipeError, ConnectionResetError):
            return


def test_body_of_exactly_1mib_is_read_and_validated(server):
    prefix, suffix = b'{"title":"big","description":"', b'"}'
    body = prefix + b"d" * (1024 * 1024 - len(prefix) - len(suffix)) + suffix
    assert len(body) == 1024 * 1024
    head = request_bytes("POST", "/tasks", headers=[JSON, ("Content-Length", str(len(body)))])
    with RawConn.to(server, timeout=10) as c:
        _send_with_early_answer(c, head, body)
        r = c.read_response(timeout=10)
    # 1 MiB is allowed; the description is far too long: 422, not 413.
    assert r.status == 422, r
    assert_raw_problem(r, 422)


def test_body_of_1mib_plus_one_is_413(server):
    prefix, suffix = b'{"title":"big","description":"', b'"}'
    body = prefix + b"d" * (1024 * 1024 + 1 - len(prefix) - len(suffix)) + suffix
    head = request_bytes("POST", "/tasks", headers=[JSON, ("Content-Length", str(len(body)))])
    with RawConn.to(server, timeout=10) as c:
        _send_with_early_answer(c, head, body)
        r = c.read_response(timeout=10)
    assert_raw_problem(r, 413)


def test_chunked_body_over_1mib_is_413(server):
    piece = b"e" * 65536
    head = request_bytes("POST", "/tasks", headers=[JSON, ("Transfer-Encoding", "chunked")])
    body = chunked([b'{"title":"big","description":"'])[:-5] + b"".join(
        f"{len(piece):x}\r\n".encode() + piece + b"\r\n" for _ in range(20))
    with RawConn.to(server, timeout=10) as c:
        _send_with_early_answer(c, head, body, piece=65536 + 8)
        r = c.read_response(timeout=10)
    assert_raw_problem(r, 413)


# ---------------------------------------------------------------------------
# Malformed framing: 400 and close
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("te", ["chunked", "identity", "gzip", "gzip, chunked"])
def test_content_length_with_transfer_encoding_is_400_and_close(server, client, te):
    title = f"smuggle {uuid.uuid4()}"
    body = json_bytes({"title": title})
    req = request_bytes("POST", "/tasks", headers=[
        JSON, ("Content-Length", str(len(body))), ("Transfer-Encoding", te)],
        body=chunked([body]))
    with RawConn.to(server) as c:
        c.send(req)
        r = c.read_response()
        assert_raw_problem(r, 400)
        assert c.wait_closed(3), "connection must be closed after CL+TE"
    assert count_titled(client, title) == 0


def test_two_different_content_lengths_are_400_and_close(server, client):
    title = f"double cl {uuid.uuid4()}"
    body = json_bytes({"title": title})
    req = request_bytes("POST", "/tasks", headers=[
        JSON, ("Content-Length", str(len(body))), ("Content-Length", str(len(body) + 1))],
        body=body)
    with RawConn.to(server) as c:
        c.send(req)
        r = c.read_response()
        assert_raw_problem(r, 400)
        assert c.wait_closed(3), "connection must be closed after conflicting Content-Length"
    assert count_titled(client, title) == 0


@pytest.mark.parametrize("te", ["identity", "gzip", "chunked, gzip", "foo"])
def test_transfer_encoding_not_ending_in_chunked_is_400_and_close(server, client, te):
    """RFC 9112 6.3: the body length cannot be determined: 400 and close.
    The body must never be read as a further request (request smuggling)."""
    title = f"smuggled {uuid.uuid4()}"
    inner = post_task(title)
    with RawConn.to(server) as c:
        c.send(request_bytes("POST", "/tasks", headers=[JSON, ("Transfer-Encoding", te)])
               + inner)
        r = c.read_response()
        assert r.status in (400, 501), r
        assert_raw_problem(r, r.status)
        assert c.wait_closed(3), f"connection left open after Transfer-Encoding: {te}"
        assert b"HTTP/1.1" not in c.buf, f"the body was answered as a request: {c.buf[:200]!r}"
    assert count_titled(client, title) == 0, "the request body was executed as a request"


@pytest.mark.parametrize("raw", [
    b"HELLO\r\n\r\n",
    b"GET /healthz\r\n\r\n",
    b"GET /healthz HTTP/1.1 extra\r\n\r\n",
    b"G\x00T /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
    b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + bytes(range(32)) + b"\r\n\r\n",
    b"GET /healthz HTTQ/1.1\r\nHost: x\r\n\r\n",
], ids=["word", "http09", "extra-token", "nul-in-method", "tls-hello", "bad-version"])
def test_garbage_request_line_is_400_and_close(server, raw):
    with RawConn.to(server) as c:
        c.send(raw)
        r = c.read_response()
        assert_raw_problem(r, 400)
        assert c.wait_closed(3), "connection must be closed after a garbage request line"


@pytest.mark.parametrize("value", ["abc", "-1", "1x", "0x10"])
def test_bad_content_length_is_400(server, value):
    with RawConn.to(server) as c:
        c.send(request_bytes("POST", "/tasks", headers=[JSON, ("Content-Length", value)],
                             body=b'{"title":"x"}', content_length=False))
        r = c.read_response()
    assert_raw_problem(r, 400)


def test_http11_request_without_host_is_400(server):
    # RFC 9112 3.2: a server MUST answer 400 to an HTTP/1.1 request without Host.
    with RawConn.to(server) as c:
        c.send(b"GET /healthz HTTP/1.1\r\n\r\n")
        r = c.read_response()
    assert_raw_problem(r, 400)


def test_two_host_headers_are_400(server):
    # RFC 9112 3.2: ... and to one with more than one Host field line.
    with RawConn.to(server) as c:
        c.send(b"GET /healthz HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n")
        r = c.read_response()
    assert_raw_problem(r, 400)


@pytest.mark.parametrize("raw", [
    b"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n",
    b"GET /healthz HTTP/3.0\r\nHost: x\r\n\r\n",
    b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
], ids=["http2-line", "http3-line", "h2-preface"])
def test_other_http_versions_are_505(server, raw):
    # Regression: these got 400 while the document promises 505 for "not HTTP/1.x".
    with RawConn.to(server) as c:
        c.send(raw)
        r = c.read_response()
        assert_raw_problem(r, 505)
        assert c.wait_closed(3)


def test_content_length_is_exact_digits(server, client):
    # Regression: Content-Length was padded with spaces ("Content-Length:        15").
    for method, path, body in [("GET", "/healthz", None), ("GET", "/tasks?limit=5", None),
                               ("POST", "/tasks", b'{"title":"length"}'), ("GET", "/nope", None)]:
        headers = [("Content-Type", "application/json")] if body else []
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
            s.sendall(request_bytes(method, path, headers=headers, body=body))
            raw = b""
            while b"\r\n\r\n" not in raw:
                raw += s.recv(65536)
            head, rest = raw.split(b"\r\n\r\n", 1)
            m = re.search(rb"\r\nContent-Length:( *)([0-9]+)\r?", head + b"\r\n")
            assert m, head
            while len(rest) < int(m.group(2)):
                rest += s.recv(65536)
        assert m.group(1) == b" ", f"{method} {path}: {head!r}"
        assert int(m.group(2)) == len(rest), f"{method} {path}: {head!r}"


def test_repeated_idempotency_key_is_400(server, client):
    body = b'{"title":"twice"}'
    with RawConn.to(server) as c:
        c.send(request_bytes("POST", "/tasks", headers=[
            ("Content-Type", "application/json"), ("Idempotency-Key", "a"),
            ("Idempotency-Key", "b")], body=body))
        r = c.read_response()
    assert_raw_problem(r, 400)


def test_more_than_100_header_fields_are_431(server):
    headers = [(f"X-F{i}", "v") for i in range(101)]
    with RawConn.to(server) as c:
        c.send(request_bytes("GET", "/healthz", headers=headers))
        r = c.read_response()
    assert_raw_problem(r, 431)
    with RawConn.to(server) as c:
        c.send(request_bytes("GET", "/healthz", headers=headers[:99]))
        assert c.read_response().status == 200


def test_repeated_list_headers_are_joined(server, client):
    # If-Match sent on two lines is one list (RFC 9110 5.3): the second ETag matches.
    t = client.post("/tasks", json={"title": "joined"}).json()
    with RawConn.to(server) as c:
        c.send(request_bytes("PATCH", f"/tasks/{t['id']}", headers=[
            ("Content-Type", "application/json"), ("If-Match", '"7"'), ("If-Match", '"1"')],
            body=b'{"priority":2}'))
        r = c.read_response()
    assert r.status == 200, r


def test_absolute_form_request_target_is_accepted(server):
    # RFC 9112 3.2.2: a server MUST accept the absolute-form.
    with RawConn.to(server) as c:
        c.send(f"GET http://127.0.0.1:{server.port}/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
               .encode())
        r = c.read_response()
    assert r.status == 200, r
    assert r.json() == {"status": "ok"}


def test_expect_100_continue(server):
    """RFC 9110 10.1.1: a client that sends Expect: 100-continue waits for
    100 Continue (curl for 1 s) before sending the body."""
    body = json_bytes({"title": "expect"})
    with RawConn.to(server) as c:
        c.send(request_bytes("POST", "/tasks", headers=[
            JSON, ("Expect", "100-continue"), ("Content-Length", str(len(body)))]))
        r = c.read_response(timeout=1.0)
        assert r.status == 100, f"expected 100 Continue, got {r}"
        c.send(body)
        r = c.read_response()
        assert r.status == 201, r


def test_expect_100_continue_with_too_large_body_gets_413_at_once(server):
    with RawConn.to(server) as c:
        c.send(request_bytes("POST", "/tasks", headers=[
            JSON, ("Expect", "100-continue"), ("Content-Length", "5000000")]))
        r = c.read_response(timeout=2)
    assert_raw_problem(r, 413)


def test_header_line_without_colon_is_400(server):
    with RawConn.to(server) as c:
        c.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n")
        r = c.read_response()
    assert_raw_problem(r, 400)


def test_bad_chunk_size_is_400(server):
    with RawConn.to(server) as c:
        c.send(request_bytes("POST", "/tasks", headers=[JSON, ("Transfer-Encoding", "chunked")],
                             body=b"zz\r\n{}\r\n0\r\n\r\n"))
        r = c.read_response()
    assert_raw_problem(r, 400)


# ---------------------------------------------------------------------------
# Timeouts
# ---------------------------------------------------------------------------

def _expect_408(server, scenario, out):
    """Runs one slow-header scenario; stores (elapsed, response or exception)."""
    try:
        with RawConn.to(server, timeout=20) as c:
            if scenario == "keepalive-second-request":
                c.send(get("/healthz"))
                assert c.read_response().status == 200
                time.sleep(2)
            first = {
                "partial-headers": b"GET /healthz HTTP/1.1\r\nHost: x\r\n",
                "partial-request-line": b"GE",
                "trickle": b"GET /healthz HTTP/1.1\r\n",
                "keepalive-second-request": b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: 1",
                "partial-post": b"POST /tasks HTTP/1.1\r\nHost: x\r\nContent-Type: appl",
            }[scenario]
            t0 = time.monotonic()
            c.send(first)
            if scenario == "trickle":
                # Activity must not extend the deadline: one header per second
                # for 8 s, then silence.
                for i in range(8):
                    time.sleep(1)
                    c.send(f"X-Trickle-{i}: {i}\r\n".encode())
            resp = c.read_response(timeout=20)
            elapsed = time.monotonic() - t0
            closed = c.wait_closed(3)
            out[scenario] = (elapsed, resp, closed)
    except Exception as e:  # noqa: BLE001
        out[scenario] = (None, e, None)


def test_incomplete_headers_get_408_after_10s(server):
    scenarios = ["partial-headers", "partial-request-line", "trickle", "keepalive-second-request",
                 "partial-post"]
    out = {}
    threads = [threading.Thread(target=_expect_408, args=(server, s, out)) for s in scenarios]
    for t in threads:
        t.start()
    for t in threads:
        t.join(40)
    problems = []
    for s in scenarios:
        elapsed, resp, closed = out.get(s, (None, "no result", None))
        if elapsed is None:
            problems.append(f"{s}: {resp!r}")
            continue
        try:
            assert_raw_problem(resp, 408)
        except AssertionError as e:
            problems.append(f"{s}: {e}")
        if not 9.5 <= elapsed <= 13:
            problems.append(f"{s}: 408 after {elapsed:.2f}s, expected 10 s")
        if not closed:
            problems.append(f"{s}: connection not closed after 408")
    assert not problems, "\n".join(problems)


def _idle_close(server, scenario, out):
    try:
        with RawConn.to(server, timeout=90) as c:
            if scenario == "after-request":
                c.send(get("/healthz"))
                assert c.read_response().status == 200
            t0 = time.monotonic()
            closed = c.wait_closed(75)
            out[scenario] = (time.monotonic() - t0, closed, c.buf)
    except Exception as e:  # noqa: BLE001
        out[scenario] = (None, e, None)


@pytest.mark.slow
def test_idle_connection_closed_after_60s(server):
    scenarios = ["no-bytes", "after-request"]
    out = {}
    threads = [threading.Thread(target=_idle_close, args=(server, s, out)) for s in scenarios]
    for t in threads:
        t.start()
    for t in threads:
        t.join(100)
    problems = []
    for s in scenarios:
        elapsed, closed, data = out.get(s, (None, "no result", None))
        if elapsed is None:
            problems.append(f"{s}: {closed!r}")
        elif not closed:
            problems.append(f"{s}: still open after {elapsed:.1f}s")
        elif not 55 <= elapsed <= 68:
            problems.append(f"{s}: closed after {elapsed:.1f}s, expected ~60 s")
        elif data and not data.startswith(b"HTTP/1.1 408"):
            problems.append(f"{s}: unexpected bytes before close: {data[:100]!r}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------
# One slow client does not delay the others
# ---------------------------------------------------------------------------

def test_slow_clients_do_not_delay_others(server):
    slow = []
    try:
        for i in range(10):
            c = RawConn.to(server)
            c.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow:")
            slow.append(c)
        for i in range(5):
            c = RawConn.to(server)
            c.send(request_bytes("POST", "/tasks", headers=[JSON, ("Content-Length", "100")])
                   + b'{"title":')
            slow.append(c)
        time.sleep(0.3)
        durations = []
        bound = 1.0 * SLOWDOWN  # a sanitizer build is slower, not stalled
        for i in range(20):
            t0 = time.monotonic()
            if i % 2:
                with RawConn.to(server, timeout=2 * bound) as c:
                    c.send(get("/healthz", headers=[("Connection", "close")]))
                    r = c.read_response(timeout=2 * bound)
                    assert r.status == 200
            else:
                r = httpx.post(f"{server.url}/tasks", json={"title": f"fast {i}"},
                               timeout=2 * bound)
                assert r.status_code == 201
            durations.append(time.monotonic() - t0)
        assert max(durations) < bound, f"normal requests were delayed: {durations}"
    finally:
        for c in slow:
            c.close()


def test_many_concurrent_connections(server):
    conns = []
    try:
        for _ in range(200):
            conns.append(RawConn.to(server, timeout=10))
        for c in conns:
            c.send(get("/healthz"))
        for c in conns:
            assert c.read_response(timeout=10).status == 200
        # All of them are still usable.
        for c in conns:
            c.send(get("/readyz"))
        for c in conns:
            assert c.read_response(timeout=10).status == 200
    finally:
        for c in conns:
            c.close()


def test_deep_pipeline_without_reading(server):
    n = 1000
    with RawConn.to(server, timeout=20) as c:
        c.send(b"".join(get("/healthz") for _ in range(n)))
        for i in range(n):
            r = c.read_response(timeout=20)
            assert r.status == 200, (i, r)


def test_server_survives_abrupt_disconnects(server):
    for raw in [b"POST /tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{\"ti",
                b"GET /healthz HTTP/1.1\r\nHo", b"GET /healthz HTTP/1.1\r\n\r\n"]:
        s = socket.create_connection((server.connect_host, server.port), timeout=5)
        s.sendall(raw)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()  # RST
    r = httpx.get(f"{server.url}/healthz", timeout=5)
    assert r.status_code == 200


def test_date_header_is_not_behind_the_clock(server):
    # Regression: the Date header was refreshed once a second from the
    # kernel's coarse clock, just after the second turned, and could then
    # show the previous second for the whole second.
    from email.utils import parsedate_to_datetime
    behind = 0
    for _ in range(15):
        now = time.time()
        time.sleep(1.02 - (now % 1.0))  # 20 ms into the next second
        before = time.time()
        with RawConn.to(server) as c:
            c.send(request_bytes("GET", "/healthz"))
            r = c.read_response()
        date = parsedate_to_datetime(r.header("date")).timestamp()
        if date < int(before):
            behind += 1
    assert behind == 0, f"Date was a second behind in {behind} of 15 requests"
