"""Shared helpers for the brisk end-to-end tests.

Everything here talks to a real brisk binary (BRISK_BIN) over real sockets:
process control (start, wait for the listening line, SIGTERM/SIGKILL), an
httpx client that checks the rules every response must follow, assertion
helpers for problem details and validation errors, and a tiny raw HTTP/1.x
client for tests of the HTTP layer itself.
"""
from __future__ import annotations

import datetime as _dt
import errno
import json
import os
import re
import selectors
import signal as _signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Iterable, Optional

import httpx

BRISK_BIN = os.environ.get("BRISK_BIN", "/work/main/build/release/brisk")

LISTEN_RE = re.compile(r"^brisk listening on http://(\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):(\d+)$")
UUID7_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TS_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
HTTP_DATE_RE = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d\d:\d\d:\d\d GMT$"
)
TASK_KEYS = {
    "id", "title", "description", "status", "priority", "due_at", "tags",
    "created_at", "updated_at", "version",
}
# A well-formed UUIDv7 that no test ever creates.
MISSING_ID = "01936f4e-8a3c-7b2e-9c1d-5f0a2b3c4d5e"

# How much slower than a release build the binary under test runs: the
# sanitizer builds (`make sanitize`) set it, and the few tests that wait a
# fixed short time for the server to act scale their waits by it.
SLOWDOWN = float(os.environ.get("BRISK_E2E_SLOWDOWN", "1"))

START_TIMEOUT = 10.0 * SLOWDOWN
STOP_TIMEOUT = 15.0 * SLOWDOWN


# ---------------------------------------------------------------------------
# Process control
# ---------------------------------------------------------------------------

class BriskStartError(AssertionError):
    pass


def clean_env(extra: Optional[dict] = None) -> dict:
    """The test runner's environment without any BRISK_* variable, plus extra."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRISK_")}
    if extra:
        env.update(extra)
    return env


def _popen(argv, env, cwd, stdout, stderr):
    # The binary may be relinked while the suite runs: retry "text file busy".
    deadline = time.monotonic() + 30
    while True:
        try:
            return subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
                env=env, cwd=cwd, bufsize=0, start_new_session=True)
        except OSError as e:
            if e.errno == errno.ETXTBSY and time.monotonic() < deadline:
                time.sleep(0.5)
                continue
            raise


class Brisk:
    """One brisk process. stdout is a pipe (for the listening line), stderr a file."""

    _seq = 0

    def __init__(self, args: list, workdir: Path, env: Optional[dict] = None,
                 cwd: Optional[Path] = None):
        Brisk._seq += 1
        self.args = [str(a) for a in args]
        self.workdir = Path(workdir)
        self.env = clean_env() if env is None else env
        self.cwd = str(cwd or workdir)
        self.stderr_path = self.workdir / f"brisk-stderr-{Brisk._seq}.log"
        self.proc: Optional[subprocess.Popen] = None
        self._out = b""
        self.listen_line: Optional[str] = None
        self.host: Optional[str] = None
        self.port: Optional[int] = None

    # -- lifecycle ---------------------------------------------------------
    def start(self) -> "Brisk":
        self._stderr_file = open(self.stderr_path, "wb")
        self.proc = _popen([BRISK_BIN, *self.args], self.env, self.cwd,
                           subprocess.PIPE, self._stderr_file)
        return self

    def read_stdout_line(self, timeout: float) -> Optional[str]:
        """Next complete stdout line (without newline), or None on timeout/EOF."""
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._out:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                if not sel.select(remaining):
                    return None
                chunk = os.read(fd, 4096)
                if not chunk:
                    return None
                self._out += chunk
        line, self._out = self._out.split(b"\n", 1)
        return line.decode("utf-8", "replace").rstrip("\r")

    def read_rest_of_stdout(self) -> str:
        """After the process has exited: everything it wrote after the lines read."""
        data = self._out
        try:
            data += self.proc.stdout.read() or b""
        except (OSError, ValueError):
            pass
        self._out = b""
        return data.decode("utf-8", "replace")

    def wait_listening(self, timeout: float = START_TIMEOUT) -> "Brisk":
        line = self.read_stdout_line(timeout)
        if line is None:
            rc = self.proc.poll()
            if rc is None:
                self.kill()
            raise BriskStartError(
                f"brisk {' '.join(self.args)} did not print the listening line within "
                f"{timeout}s (exit code {rc}); stderr:\n{self.stderr_text()[-3000:]}")
        m = LISTEN_RE.match(line)
        if not m:
            self.kill()
            raise BriskStartError(f"unexpected first stdout line {line!r}")
        self.listen_line = line
        host = m.group(1)
        self.host = {"0.0.0.0": "127.0.0.1", "[::]": "[::1]"}.get(host, host)
        self.port = int(m.group(2))
        return self

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def connect_host(self) -> str:
        return self.host.strip("[]")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig) -> None:
        if self.alive():
            self.proc.send_signal(sig)

    def wait(self, timeout: float) -> Optional[int]:
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._close_files()

    def stop(self, sig=_signal.SIGTERM, timeout: float = STOP_TIMEOUT):
        """Signal, wait up to timeout, SIGKILL if needed. Returns the exit code,
        or the string "killed" if the process had to be killed."""
        if self.proc is None:
            return None
        if self.proc.poll() is not None:
            self._close_files()
            return self.proc.returncode
        self.proc.send_signal(sig)
        rc = self.wait(timeout)
        if rc is None:
            self.kill()
            return "killed"
        self._close_files()
        return rc

    def _close_files(self):
        f = getattr(self, "_stderr_file", None)
        if f is not None and not f.closed:
            f.close()

    def stderr_text(self) -> str:
        try:
            return self.stderr_path.read_text("utf-8", "replace")
        except OSError:
            return ""


def serve_args(db, listen="127.0.0.1:0", auth="off", threads=None, extra=()) -> list:
    args = ["serve", "--listen", listen, "--db", str(db), "--auth", auth]
    if threads is not None:
        args += ["--threads", str(threads)]
    return args + [str(a) for a in extra]


def start_serve(workdir: Path, db=None, listen="127.0.0.1:0", auth="off", threads=None,
                extra=(), env=None, args=None) -> Brisk:
    workdir = Path(workdir)
    if args is None:
        args = serve_args(db if db is not None else workdir / "brisk.db", listen, auth,
                          threads, extra)
    b = Brisk(args, workdir, env=env)
    b.start()
    b.wait_listening()
    return b


def run_brisk(args: list, env: Optional[dict] = None, timeout: float = 10.0, cwd=None):
    """Run brisk to completion. Returns (exit code or None if it was still
    running after timeout and had to be killed, stdout, stderr)."""
    p = _popen([BRISK_BIN, *[str(a) for a in args]], clean_env() if env is None else env,
               cwd, subprocess.PIPE, subprocess.PIPE)
    try:
        out, err = p.communicate(timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate(timeout=10)
        rc = None
    return rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------
# Response rules shared by every response
# ---------------------------------------------------------------------------

_LEAK_PATTERNS = [
    re.compile(r"\bSELECT\b.*\bFROM\b", re.S),
    re.compile(r"\bINSERT\s+INTO\b"),
    re.compile(r"\bUPDATE\s+\w+\s+SET\b"),
    re.compile(r"\bDELETE\s+FROM\b"),
    re.compile(r"\bCREATE\s+(TABLE|INDEX)\b"),
    re.compile(r"\bPRAGMA\b"),
    re.compile(r"sqlite3?_\w+\("),
    re.compile(r"\bSQLITE_[A-Z]+\b"),
    re.compile(r"(/work/|/tmp/|/home/|/usr/|/root/)"),
    re.compile(r"\.(cpp|hpp|cc|h):\d+"),
    re.compile(r"\b[\w/.-]+\.(cpp|hpp|cc)\b"),
    re.compile(r"brisk\.db"),
]


def check_problem(status: int, headers, body: bytes, expected_status: Optional[int] = None) -> dict:
    """Asserts RFC 9457 problem details; headers is a mapping with
    case-insensitive get (httpx.Headers) or a dict with lower-case keys."""
    if expected_status is not None:
        assert status == expected_status, f"expected {expected_status}, got {status}: {body[:500]!r}"
    ctype = headers.get("content-type") or ""
    assert ctype.split(";")[0].strip().lower() == "application/problem+json", (
        f"{status} response must be application/problem+json, got {ctype!r}: {body[:300]!r}")
    try:
        doc = json.loads(body)
    except ValueError:
        raise AssertionError(f"{status} problem body is not JSON: {body[:300]!r}")
    assert isinstance(doc, dict), f"problem body is not an object: {doc!r}"
    assert isinstance(doc.get("type"), str) and doc["type"], f"problem without type: {doc!r}"
    assert isinstance(doc.get("title"), str) and doc["title"], f"problem without title: {doc!r}"
    assert doc.get("status") == status and type(doc.get("status")) is int, (
        f"problem status {doc.get('status')!r} != HTTP status {status}: {doc!r}")
    if "detail" in doc:
        assert isinstance(doc["detail"], str), doc
    rid = headers.get("x-request-id")
    if rid is not None:
        assert doc.get("request_id") == rid, f"problem request_id != X-Request-Id {rid!r}: {doc!r}"
    else:
        assert "request_id" not in doc, f"problem request_id without an X-Request-Id: {doc!r}"

    text = body.decode("utf-8", "replace")
    for pat in _LEAK_PATTERNS:
        assert not pat.search(text), f"error body leaks internals ({pat.pattern}): {text[:500]}"
    return doc


REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9_.:@/+=-]{1,64}$")


def check_common(status: int, headers, body: bytes) -> None:
    rid = headers.get("x-request-id")
    assert rid and REQUEST_ID_RE.match(rid), f"{status} response without a sane X-Request-Id: {rid!r}"
    date = headers.get("date")
    assert date, f"{status} response without Date header"
    assert HTTP_DATE_RE.match(date), f"Date header not an IMF-fixdate: {date!r}"
    assert headers.get("server"), f"{status} response without Server header"
    if status in (204, 304):
        assert body == b"", f"{status} response must have no body, got {body[:200]!r}"
    if status >= 400:
        check_problem(status, headers, body)


# BRISK_RECORD_REQUESTS=DIR: every request the tests send (through
# make_client or RawConn) is appended to DIR/requests-<pid>.jsonl as the
# bytes that went out (httpx's written out as HTTP/1.1). `make fuzz-seeds`
# turns them into the fuzz targets' seed corpora.
_RECORD_DIR = os.environ.get("BRISK_RECORD_REQUESTS")
_record_lock = threading.Lock()


def record_request(raw: bytes) -> None:
    if not _RECORD_DIR:
        return
    line = json.dumps({"raw": raw.decode("latin-1")}) + "\n"
    with _record_lock, open(Path(_RECORD_DIR) / f"requests-{os.getpid()}.jsonl", "a",
                            encoding="utf-8") as f:
        f.write(line)


def _request_hook(req: httpx.Request) -> None:
    target = req.url.raw_path.decode("latin-1")
    head = f"{req.method} {target} HTTP/1.1\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in req.headers.items()) + "\r\n"
    record_request(head.encode("latin-1") + req.read())


def _response_hook(resp: httpx.Response) -> None:
    resp.read()
    check_common(resp.status_code, resp.headers, resp.content)


def make_client(base_url: str, timeout: float = 10.0) -> httpx.Client:
    """An httpx client whose every response is checked for Date/Server headers
    and, for errors, problem details."""
    hooks = {"response": [_response_hook]}
    if _RECORD_DIR:
        hooks["request"] = [_request_hook]
    return httpx.Client(base_url=base_url, timeout=timeout, event_hooks=hooks)


def assert_problem(resp: httpx.Response, status: int) -> dict:
    return check_problem(resp.status_code, resp.headers, resp.content, status)


def validation_errors(resp: httpx.Response) -> list:
    """Asserts a well-formed 422 and returns its errors as [(loc list, type)]."""
    doc = assert_problem(resp, 422)
    errors = doc.get("errors")
    assert isinstance(errors, list) and errors, f"422 without an errors list: {doc!r}"
    out = []
    for e in errors:
        assert isinstance(e, dict), e
        assert isinstance(e.get("loc"), list) and e["loc"], f"error without loc: {e!r}"
        assert e["loc"][0] in ("body", "query", "path", "header"), f"bad loc root: {e!r}"
        for part in e["loc"]:
            assert isinstance(part, (str, int)) and not isinstance(part, bool), e
        assert isinstance(e.get("msg"), str) and e["msg"], f"error without msg: {e!r}"
        assert isinstance(e.get("type"), str) and e["type"], f"error without type: {e!r}"
        out.append((e["loc"], e["type"]))
    return out


def assert_errors(resp: httpx.Response, expected: Iterable, exact_locs: bool = True) -> list:
    """expected: (loc, type-or-None) pairs that must all be reported. With
    exact_locs, no error may be reported at a loc that is not expected."""
    expected = [(list(loc), typ) for loc, typ in expected]
    got = validation_errors(resp)
    for loc, typ in expected:
        matches = [t for l, t in got if l == loc]
        assert matches, f"no error at loc {loc}; errors were {got}"
        if typ is not None:
            assert typ in matches, f"error at {loc} has type {matches}, expected {typ!r}; all: {got}"
    if exact_locs:
        allowed = [loc for loc, _ in expected]
        extra = [(l, t) for l, t in got if l not in allowed]
        assert not extra, f"unexpected errors {extra}; expected only {expected}"
    return got


# ---------------------------------------------------------------------------
# Task helpers
# ---------------------------------------------------------------------------

def json_bytes(obj, ascii_only: bool = False) -> bytes:
    return json.dumps(obj, ensure_ascii=ascii_only, separators=(",", ":")).encode("utf-8")


JSON_CT = {"content-type": "application/json"}


def send_json(client: httpx.Client, method: str, url: str, obj, headers=None,
              ascii_only: bool = False) -> httpx.Response:
    """Sends obj as UTF-8 JSON (non-ASCII characters raw unless ascii_only)."""
    h = dict(JSON_CT)
    if headers:
        h.update(headers)
    return client.request(method, url, content=json_bytes(obj, ascii_only), headers=h)


def create_task(client: httpx.Client, **fields) -> dict:
    if "title" not in fields:
        fields["title"] = "task"
    r = send_json(client, "POST", "/tasks", fields)
    assert r.status_code == 201, f"create failed: {r.status_code} {r.text}"
    return r.json()


def run_workers(worker, n: int, timeout: float) -> None:
    """Runs worker(0) ... worker(n - 1) on n threads at once and waits for
    each up to `timeout` seconds; the caller checks what they recorded."""
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)


def create_concurrently(base_url: str, specs: list, clients: int = 4) -> dict:
    """Creates one task per spec (a dict of fields) from `clients` concurrent
    clients, client k taking specs k, k+clients, ... so created_at ties are
    likely. Returns the created tasks by id; fails on any client's error."""
    tasks: dict = {}
    lock = threading.Lock()
    errors: list = []

    def worker(k):
        try:
            with make_client(base_url) as c:
                for spec in specs[k::clients]:
                    t = create_task(c, **spec)
                    with lock:
                        tasks[t["id"]] = t
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    run_workers(worker, clients, 120)
    assert not errors, errors
    return tasks


def list_all(client: httpx.Client, params: Optional[dict] = None, limit: int = 1000,
             max_pages: int = 10000) -> list:
    """Every task of a listing, following next_cursor."""
    params = dict(params or {})
    params["limit"] = str(limit)
    tasks = []
    for _ in range(max_pages):
        r = client.get("/tasks", params=params)
        assert r.status_code == 200, r.text
        doc = r.json()
        tasks.extend(doc["tasks"])
        if doc["next_cursor"] is None:
            return tasks
        params["cursor"] = doc["next_cursor"]
    raise AssertionError("listing did not end")


def parse_ts(s: str) -> _dt.datetime:
    return _dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=_dt.timezone.utc)


def uuid7_unix_ms(u: str) -> int:
    return int(u.replace("-", "")[:12], 16)


def utc_now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


# ---------------------------------------------------------------------------
# Raw HTTP/1.x
# ---------------------------------------------------------------------------

class ConnectionClosed(Exception):
    pass


class RawResponse:
    def __init__(self, version, status, reason, headers, body):
        self.version = version
        self.status = status
        self.reason = reason
        self.header_list = headers
        self.headers = {}
        for k, v in headers:
            self.headers.setdefault(k.lower(), v)
        self.body = body

    def header(self, name: str) -> Optional[str]:
        return self.headers.get(name.lower())

    def header_values(self, name: str) -> list:
        return [v for k, v in self.header_list if k.lower() == name.lower()]

    def json(self):
        return json.loads(self.body)

    def connection_tokens(self) -> set:
        return {t.strip().lower() for v in self.header_values("connection") for t in v.split(",")}

    def __repr__(self):
        return f"<RawResponse {self.version} {self.status} {self.headers} {self.body[:200]!r}>"


def request_bytes(method: str, path: str, headers: Optional[list] = None, body: Optional[bytes] = None,
                  version: str = "HTTP/1.1", host: bool = True, content_length: bool = True) -> bytes:
    lines = [f"{method} {path} {version}"]
    hs = list(headers or [])
    names = {k.lower() for k, _ in hs}
    if host and "host" not in names:
        hs.insert(0, ("Host", "127.0.0.1"))
    if body is not None and content_length and "content-length" not in names \
            and "transfer-encoding" not in names:
        hs.append(("Content-Length", str(len(body))))
    for k, v in hs:
        lines.append(f"{k}: {v}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head + (body or b"")


def chunked(parts: list) -> bytes:
    out = b""
    for p in parts:
        out += f"{len(p):x}".encode() + b"\r\n" + p + b"\r\n"
    return out + b"0\r\n\r\n"


class RawConn:
    def __init__(self, host: str, port: int, timeout: float = 5.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.eof = False
        self.reset = False

    @classmethod
    def to(cls, server, timeout: float = 5.0) -> "RawConn":
        return cls(server.connect_host, server.port, timeout)

    def send(self, data: bytes) -> None:
        record_request(data)
        self.sock.settimeout(10)
        self.sock.sendall(data)

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _fill(self, deadline: float) -> bool:
        if self.eof:
            return False
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout("timed out waiting for data")
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            self.eof = True
            self.reset = True
            return False
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def _read_exact(self, n: int, deadline: float) -> bytes:
        while len(self.buf) < n:
            if not self._fill(deadline):
                raise ConnectionClosed(f"EOF in body: wanted {n} bytes, have {len(self.buf)}")
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def _read_line(self, deadline: float) -> bytes:
        while b"\r\n" not in self.buf:
            if not self._fill(deadline):
                raise ConnectionClosed("EOF in chunked body")
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def read_response(self, timeout: float = 5.0, head_request: bool = False) -> RawResponse:
        deadline = time.monotonic() + timeout
        while b"\r\n\r\n" not in self.buf:
            if not self._fill(deadline):
                raise ConnectionClosed(
                    f"connection closed{' (reset)' if self.reset else ''} before a response; "
                    f"received {self.buf[:300]!r}")
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        assert len(parts) >= 2 and parts[0].startswith("HTTP/"), f"bad status line {lines[0]!r}"
        version, status = parts[0], int(parts[1])
        reason = parts[2] if len(parts) > 2 else ""
        headers = []
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers.append((k.strip(), v.strip()))
        resp = RawResponse(version, status, reason, headers, b"")
        if head_request or 100 <= status < 200 or status in (204, 304):
            return resp
        te = (resp.header("transfer-encoding") or "").lower()
        if "chunked" in te:
            body = b""
            while True:
                size = int(self._read_line(deadline).split(b";")[0].strip(), 16)
                if size == 0:
                    while self._read_line(deadline) != b"":
                        pass
                    break
                body += self._read_exact(size, deadline)
                assert self._read_exact(2, deadline) == b"\r\n"
            resp.body = body
        elif resp.header("content-length") is not None:
            resp.body = self._read_exact(int(resp.header("content-length")), deadline)
        else:
            while self._fill(deadline):
                pass
            resp.body, self.buf = self.buf, b""
        return resp

    def wait_closed(self, timeout: float) -> bool:
        """True if the peer closes (EOF or reset) within timeout. Data that
        arrives meanwhile is kept in self.buf."""
        deadline = time.monotonic() + timeout
        try:
            while self._fill(deadline):
                pass
        except (socket.timeout, TimeoutError):
            return False
        return True

    def readable_now(self) -> bool:
        with selectors.DefaultSelector() as sel:
            sel.register(self.sock, selectors.EVENT_READ)
            return bool(sel.select(0))


def check_raw_common(resp: RawResponse) -> None:
    check_common(resp.status, resp.headers, resp.body)


def assert_raw_problem(resp: RawResponse, status: int) -> dict:
    check_raw_common(resp)
    return check_problem(resp.status, resp.headers, resp.body, status)
