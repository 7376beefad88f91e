"""Costly reads leave the event loop and have a time budget (issue 18).

A database big enough that a common-prefix search takes well over 200 ms is
made once by the bulk loader (bench/load_tasks.cpp, BRISK_LOADER; ctest
builds it), outside every test's own timing. Then: GETs by id stay fast
while four clients search in a loop; a search over --query-timeout gets a
503 and the server stays responsive; a client's share of the costly-read
pool is bounded, and a client that goes away gives its places back.
"""
from __future__ import annotations

import http.client
import itertools
import json
import os
import re
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from e2e_helpers import BRISK_BIN, SLOWDOWN, check_problem

pytestmark = pytest.mark.sqlite_only

# The load takes about 13 s, and migration 008 (prefix indexes) as long.
TASKS = int(os.environ.get("BRISK_TEST_COSTLY_TASKS", "500000"))
# A common word ("b": budget, backend, ...; bench/load_tasks.cpp's
# vocabulary) with a tag, a priority and a status, sorted by title: no index
# serves that mix, so the walk of the title index tests about half of the
# tasks (the FTS5 row list of "b") against three filters and finds about 200
# matches, fewer than any limit asked for below, so every search walks to the
# end. Relevance order no longer costs in proportion to the matches (windows,
# docs/DECISIONS.md "Search at scale"); a sort by a key with filters still
# does: about 0.7 s at 500,000 tasks on an idle machine.
SEARCH_SHAPE = "q=b&tag=backend&priority=5&status=done&sort=title"
_limits = itertools.count()


def search() -> str:
    """The search with a limit not asked for lately (300..499 in turn): an
    answer repeated with no write since would come from the list cache."""
    return f"/tasks?{SEARCH_SHAPE}&limit={300 + next(_limits) % 200}"


def loader_path() -> Path:
    env = os.environ.get("BRISK_LOADER")
    if env:
        return Path(env)
    return Path(BRISK_BIN).with_name("brisk_bench_load")


@pytest.fixture(scope="module")
def big_db(tmp_path_factory) -> Path:
    loader = loader_path()
    if not loader.exists():
        if os.environ.get("BRISK_LOADER"):
            pytest.fail(f"BRISK_LOADER={loader} does not exist")
        pytest.skip(f"no bulk loader at {loader} (build the target brisk_bench_load)")
    db = tmp_path_factory.mktemp("costly") / "big.db"
    subprocess.run([str(loader), str(db), str(TASKS)], check=True, timeout=600,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return db


class Conn:
    """One keep-alive client connection."""

    def __init__(self, server):
        self.c = http.client.HTTPConnection(server.connect_host, server.port, timeout=60)

    def get(self, path: str):
        self.c.request("GET", path)
        r = self.c.getresponse()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()

    def close(self):
        self.c.close()


def task_ids(server, n=200) -> list:
    c = Conn(server)
    status, _, body = c.get(f"/tasks?limit={n}&sort=priority")
    c.close()
    assert status == 200
    return [t["id"] for t in json.loads(body)["tasks"]]


def timed(conn: Conn, path: str):
    t = time.perf_counter()
    status, headers, body = conn.get(path)
    return time.perf_counter() - t, status, headers, body


def p99(xs: list) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * 0.99))]


def test_gets_stay_fast_while_four_clients_search(brisk_factory, big_db):
    # The search must finish, not hit the default 2 s budget: under TSan it
    # runs several times slower than 0.7 s (a CI run got 503 here).
    b = brisk_factory(db=big_db, threads=2,
                      extra=["--query-timeout", f"{int(10 * SLOWDOWN)}s"])
    ids = task_ids(b)
    alone = Conn(b)
    one, status, _, _ = timed(alone, search())
    assert status == 200
    one = min(one, timed(alone, search())[0])
    alone.close()
    # The premise: one search alone costs more than the bound asserted below.
    assert one > 0.2, f"the search took only {one * 1000:.0f} ms: the database is too small"

    stop = threading.Event()
    searches = {"ok": 0, "other": []}
    lock = threading.Lock()

    def search_loop():
        c = Conn(b)
        while not stop.is_set():
            status, _, _ = c.get(search())
            with lock:
                if status == 200:
                    searches["ok"] += 1
                else:
                    searches["other"].append(status)
        c.close()

    threads = [threading.Thread(target=search_loop) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.5)  # every searcher has a search running or queued
        getter = Conn(b)
        lat = []
        deadline = time.monotonic() + 4
        i = 0
        while time.monotonic() < deadline:
            took, status, _, _ = timed(getter, f"/tasks/{ids[i % len(ids)]}")
            assert status == 200
            lat.append(took)
            i += 1
        getter.close()
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    assert searches["ok"] >= 4, searches
    # Four clients fit in one client's share (4): none was refused.
    assert searches["other"] == [], searches
    print(f"GET by id while 4 clients search: {len(lat)} GETs, p99 {p99(lat) * 1000:.2f} ms; "
          f"one search alone {one * 1000:.0f} ms; {searches['ok']} searches answered")
    assert len(lat) > 100
    assert p99(lat) < 0.2, f"GET by id p99 {p99(lat) * 1000:.1f} ms over {len(lat)} GETs"


def test_a_query_over_its_budget_gets_503_and_the_server_stays_responsive(brisk_factory,
                                                                          big_db):
    b = brisk_factory(db=big_db, threads=2, extra=["--query-timeout", "20ms"])
    ids = task_ids(b, 5)
    c = Conn(b)
    # Two words, so that the log line can be checked for the second one; the
    # filters of SEARCH_SHAPE, which no index serves.
    status, headers, body = c.get(
        "/tasks?q=b%20upda&tag=backend&priority=5&status=done&sort=title&limit=20")
    problem = check_problem(status, headers, body, 503)
    assert "too expensive" in problem["detail"]
    assert "narrow" in problem["detail"].lower()
    assert int(headers["retry-after"]) >= 1
    # Cheap reads are not affected: an indexed list and a GET by id.
    status, _, body = c.get("/tasks?limit=5")
    assert status == 200 and len(json.loads(body)["tasks"]) == 5
    status, _, _ = c.get(f"/tasks/{ids[0]}")
    assert status == 200
    status, _, metrics = c.get("/metrics")
    m = re.search(rb"^brisk_db_query_timeouts_total (\d+)$", metrics, re.M)
    assert m and int(m.group(1)) >= 1, metrics[-600:]
    c.close()
    log = b.stderr_text()
    line = next((ln for ln in log.splitlines() if "query time budget" in ln), None)
    assert line is not None, log[-2000:]
    assert "search of 2 word(s)" in line and "limit 20" in line
    assert "upda" not in line


def raw_search(server) -> socket.socket:
    s = socket.create_connection((server.connect_host, server.port))
    s.sendall(f"GET {search()} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    return s


def status_of(s: socket.socket) -> int:
    s.settimeout(60)
    head = s.recv(64)
    s.close()
    return int(head.split(b" ")[1])


def test_a_client_gets_a_bounded_share_and_leaving_gives_it_back(brisk_factory, big_db):
    b = brisk_factory(db=big_db, threads=2, extra=["--query-timeout", "60s"])
    # Four searches of one client (two running, two queued): a fifth is 503.
    waiting = [raw_search(b) for _ in range(4)]
    time.sleep(0.1)
    c = Conn(b)
    status, headers, body = c.get(search())
    problem = check_problem(status, headers, body, 503)
    assert "too many" in problem["detail"]
    assert headers["retry-after"] == "1"
    c.close()
    # The four leave: the queued searches are dropped and the running ones
    # stop, so four more of the same client are taken at once. (Had they run
    # on, the queued two would hold their places for two searches' time.)
    for s in waiting:
        s.close()
    time.sleep(0.1 * SLOWDOWN)
    again = [raw_search(b) for _ in range(4)]
    assert [status_of(s) for s in again] == [200] * 4
