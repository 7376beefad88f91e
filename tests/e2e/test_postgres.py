"""PostgreSQL: start-up errors, migrations, several instances on one
database, durability across kill -9 and PostgreSQL's own crash, and three
instances behind nginx (deploy/nginx/brisk.conf), event streams included.

The rest of the e2e suite runs on PostgreSQL too (the `backend` parameter);
these tests are about what only a shared, networked database has.
"""
from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest

import pg_cluster
from e2e_helpers import (
    BRISK_BIN, Brisk, clean_env, create_task, free_port, list_all, make_client, run_brisk,
    send_json, serve_args,
)

pytestmark = pytest.mark.postgres_only
ROOT = Path(__file__).resolve().parents[2]


def migration_count() -> int:
    return len(list((ROOT / "src/store/postgres/migrations").glob("*.sql")))


def start_many(brisk_factory, db, n, **kw):
    """n instances on `db`, started together; waits for every listening line."""
    bs = [brisk_factory(db=db, wait=False, **kw) for _ in range(n)]
    for b in bs:
        b.wait_listening(timeout=30)
    return bs


def register_and_login(url, name="alice", password="correct horse"):
    with make_client(url) as c:
        r = send_json(c, "POST", "/auth/register", {"username": name, "password": password})
        assert r.status_code == 201, r.text
        r = send_json(c, "POST", "/auth/token", {"username": name, "password": password})
        assert r.status_code == 200, r.text
        return {"authorization": f"Bearer {r.json()['access_token']}"}


# ---------------------------------------------------------------------------
# Start-up
# ---------------------------------------------------------------------------

def test_unreachable_bad_or_refused_database_is_one_line_and_exit_2(pg, backend, tmp_path):
    port = int(pg.cluster.url.rsplit(":", 1)[1].split("/")[0])
    secret = "s3cr3t-" + uuid.uuid4().hex[:8]
    targets = {
        "nothing listens": f"postgres://brisk:{secret}@127.0.0.1:{free_port()}/x",
        "no such role": f"postgresql://nobody_{uuid.uuid4().hex[:6]}:{secret}@127.0.0.1:{port}/postgres",
        "no such database": f"postgresql://brisk:{secret}@127.0.0.1:{port}/missing_{uuid.uuid4().hex[:6]}",
        "bad URL": f"postgresql://brisk:{secret}@127.0.0.1:notaport/x",
        "bad parameter": f"postgresql://brisk:{secret}@127.0.0.1:{port}/postgres?sslmode=bogus",
    }
    for what, url in targets.items():
        rc, out, err = run_brisk(serve_args(url), cwd=tmp_path, timeout=20)
        assert rc == 2, f"{what}: exit code {rc}; {err}"
        lines = err.strip().splitlines()
        assert len(lines) == 1, f"{what}: not one line: {err!r}"
        assert lines[0].startswith("brisk: error: "), (what, err)
        assert secret not in err, f"{what}: the password is in the message: {err}"
        assert "brisk listening" not in out


def test_newer_schema_is_refused(brisk_factory, pg, backend, tmp_path):
    db = pg.new()
    b = brisk_factory(db=db)
    _wait_status(b.url, "/readyz", 200, 5)  # serving: SIGTERM now drains
    assert b.stop() == 0
    name = db.rsplit("/", 1)[1]
    pg.cluster.psql("INSERT INTO brisk_migrations (version, name) VALUES (999, '999_future')", name)
    rc, out, err = run_brisk(serve_args(db), cwd=tmp_path, timeout=20)
    assert rc == 2, err
    assert "schema version is 999" in err and "newer" in err, err


def test_ten_instances_starting_at_once_migrate_once_and_share_keys(brisk_factory, pg, backend):
    db = pg.new()
    bs = start_many(brisk_factory, db, 10, auth="required", threads=1, extra=["--db-pool", "1"])
    name = db.rsplit("/", 1)[1]
    rows = pg.cluster.psql("SELECT version, applied_at FROM brisk_migrations ORDER BY version", name)
    rows = [r.split("|") for r in rows.splitlines()]
    assert [int(v) for v, _ in rows] == list(range(1, migration_count() + 1)), rows
    assert len({at for _, at in rows}) == 1, f"migrated in more than one transaction: {rows}"
    # One signing key for all: a token issued by one instance works on every other.
    h = register_and_login(bs[0].url)
    for b in bs:
        r = httpx.get(f"{b.url}/auth/me", headers=h, timeout=10)
        assert r.status_code == 200, (b.url, r.text)
        assert httpx.get(f"{b.url}/readyz", timeout=10).status_code == 200


def test_instances_share_writes_keys_and_idempotency(brisk_factory, pg, backend):
    a, b = start_many(brisk_factory, pg.new(), 2, auth="required", threads=2)
    h = register_and_login(a.url)
    with make_client(a.url) as ca, make_client(b.url) as cb:
        # Read-your-writes across instances, at once.
        for i in range(20):
            t = send_json(ca, "POST", "/tasks", {"title": f"t{i}", "tags": ["x"]}, headers=h).json()
            r = cb.get(f"/tasks/{t['id']}", headers=h)
            assert r.status_code == 200 and r.json() == t
            u = send_json(cb, "PATCH", f"/tasks/{t['id']}", {"status": "done"}, headers=h)
            assert u.status_code == 200
            assert ca.get(f"/tasks/{t['id']}", headers=h).json() == u.json()
        # An Idempotency-Key retry that lands on the other instance.
        key = {"idempotency-key": str(uuid.uuid4()), **h}
        r1 = send_json(ca, "POST", "/tasks", {"title": "once"}, headers=key)
        r2 = send_json(cb, "POST", "/tasks", {"title": "once"}, headers=key)
        assert r1.status_code == r2.status_code == 201
        assert r2.headers.get("idempotent-replayed") == "true" and r2.json() == r1.json()
        assert send_json(cb, "POST", "/tasks", {"title": "other"}, headers=key).status_code == 422
        # A cursor from one instance continues on the other.
        p1 = ca.get("/tasks", params={"limit": "5", "tag": "x"}, headers=h).json()
        p2 = cb.get("/tasks", params={"limit": "5", "tag": "x", "cursor": p1["next_cursor"]},
                    headers=h)
        assert p2.status_code == 200, p2.text
        assert not {t["id"] for t in p1["tasks"]} & {t["id"] for t in p2.json()["tasks"]}
        # If-Match across instances: the stale one gets 412.
        t = send_json(ca, "POST", "/tasks", {"title": "guarded"}, headers=h).json()
        ok = send_json(cb, "PATCH", f"/tasks/{t['id']}", {"title": "b"},
                       headers={"if-match": '"1"', **h})
        stale = send_json(ca, "PATCH", f"/tasks/{t['id']}", {"title": "a"},
                          headers={"if-match": '"1"', **h})
        assert ok.status_code == 200 and stale.status_code == 412


# ---------------------------------------------------------------------------
# Durability
# ---------------------------------------------------------------------------

def _post_load(url, acked, lock, stop, errors, k, allow_unavailable=False):
    with httpx.Client(base_url=url, timeout=10) as c:
        i = 0
        while not stop.is_set():
            i += 1
            title = f"c{k} #{i} {uuid.uuid4().hex[:8]}"
            try:
                r = c.post("/tasks", json={"title": title})
            except httpx.HTTPError:
                time.sleep(0.02)  # killed or restarting: nothing was acknowledged
                continue
            if r.status_code == 201:
                with lock:
                    acked[r.json()["id"]] = title
            elif r.status_code == 503 and allow_unavailable:
                assert r.headers.get("retry-after"), r.headers
                assert r.headers["content-type"].startswith("application/problem+json")
                time.sleep(0.02)
            else:
                errors.append(f"unexpected {r.status_code}: {r.text[:200]}")
                return


def _run_load(url, seconds_before, action, clients=16, allow_unavailable=False):
    acked, lock, stop, errors = {}, threading.Lock(), threading.Event(), []
    threads = [threading.Thread(target=_post_load,
                                args=(url, acked, lock, stop, errors, k, allow_unavailable))
               for k in range(clients)]
    for t in threads:
        t.start()
    time.sleep(seconds_before)
    action()
    time.sleep(1.0)
    stop.set()
    for t in threads:
        t.join(30)
    assert not errors, errors[:5]
    return acked


def _verify(url, acked):
    with make_client(url) as c:
        have = {t["id"]: t["title"] for t in list_all(c)}
    missing = [i for i in acked if have.get(i) != acked[i]]
    assert not missing, f"{len(missing)} acknowledged tasks are missing, e.g. {missing[:3]}"


def test_kill_9_of_an_instance_loses_no_acknowledged_task(brisk_factory, pg, backend):
    db = pg.new()
    a, b = start_many(brisk_factory, db, 2, threads=2)
    acked = _run_load(a.url, 1.5, a.kill)
    assert len(acked) > 50, f"only {len(acked)} tasks acknowledged before the kill"
    _verify(b.url, acked)


@pytest.fixture
def own_cluster():
    """A PostgreSQL cluster this test may crash (fsync on, as in production)."""
    c = pg_cluster.new_cluster(fsync=True)
    yield c
    c.destroy()


def _wait_status(url, path, status, timeout):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = httpx.get(url + path, timeout=3).status_code
            if last == status:
                return
        except httpx.HTTPError as e:
            last = repr(e)
        time.sleep(0.1)
    raise AssertionError(f"{path} did not answer {status} within {timeout}s (last: {last})")


def test_postgres_crash_and_restart_loses_nothing_and_brisk_recovers(brisk_factory, own_cluster,
                                                                      backend):
    db = own_cluster.create_database("crash")
    b = brisk_factory(db=db, threads=2)
    _wait_status(b.url, "/readyz", 200, 5)
    state = {}

    def crash_and_restart():
        own_cluster.stop("immediate")
        # While it is down: readiness says so, requests that need it get 503.
        _wait_status(b.url, "/readyz", 503, 5)
        with make_client(b.url) as c:
            r = c.get("/tasks")
            assert r.status_code == 503 and r.headers.get("retry-after"), r.text
            assert c.get("/healthz").status_code == 200
        state["down_at"] = time.monotonic()
        own_cluster.start()

    acked = _run_load(b.url, 1.5, crash_and_restart, allow_unavailable=True)
    # brisk reconnects by itself, without a restart.
    _wait_status(b.url, "/readyz", 200, 15)
    assert b.alive()
    with make_client(b.url) as c:
        t = create_task(c, title="after the restart")
        assert c.get(f"/tasks/{t['id']}").json() == t
    assert len(acked) > 50, f"only {len(acked)} tasks acknowledged"
    _verify(b.url, acked)


# ---------------------------------------------------------------------------
# Three instances behind nginx
# ---------------------------------------------------------------------------

def nginx_conf(ports, listen_port) -> str:
    """deploy/nginx/brisk.conf with these instances and this listening port."""
    conf = (ROOT / "deploy/nginx/brisk.conf").read_text()
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;\n" for p in ports)
    conf, n = re.subn(r"(    server 127\.0\.0\.1:800\d[^\n]*\n)+", servers, conf)
    assert n == 1, "deploy/nginx/brisk.conf: upstream servers not found"
    conf, n = re.subn(r"listen 127\.0\.0\.1:8080;", f"listen 127.0.0.1:{listen_port};", conf)
    assert n == 1, "deploy/nginx/brisk.conf: listen line not found"
    return conf


@pytest.fixture
def cluster3(brisk_factory, pg, backend, tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is missing: scripts/install-deps.sh installs nginx-light"
    bs = start_many(brisk_factory, pg.new(), 3, auth="required", threads=2)
    port = free_port()
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_conf([b.port for b in bs], port))
    proc = subprocess.Popen([nginx, "-p", str(prefix), "-c", str(conf), "-e", "stderr",
                             "-g", f"daemon off; pid {prefix}/nginx.pid; user root;"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=open(prefix / "stderr.log", "wb"), start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_status(url, "/healthz", 200, 10)
        yield url, bs
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_classic_client_sequence_through_nginx(cluster3):
    url, bs = cluster3
    h = register_and_login(url)
    with make_client(url) as c:
        t = send_json(c, "POST", "/tasks", {"title": "Write the report"}, headers=h)
        assert t.status_code == 201
        t = t.json()
        assert c.get(f"/tasks/{t['id']}", headers=h).json() == t
        doc = c.get("/tasks", headers=h).json()
        assert doc["count"] == 1 and doc["tasks"] == [t]
        u = send_json(c, "PUT", f"/tasks/{t['id']}", {"status": "done"}, headers=h)
        assert u.status_code == 200 and u.json()["status"] == "done"
        assert c.get("/tasks", params={"status": "done"}, headers=h).json()["count"] == 1
        assert c.delete(f"/tasks/{t['id']}", headers=h).status_code == 204
        assert c.get(f"/tasks/{t['id']}", headers=h).status_code == 404
        assert c.delete(f"/tasks/{t['id']}", headers=h).status_code == 404
    # A token from one instance is accepted by every other, and each sees the task.
    h1 = register_and_login(bs[0].url, "bob")
    t = send_json(httpx.Client(base_url=bs[1].url), "POST", "/tasks", {"title": "b"}, headers=h1)
    assert t.status_code == 201
    for b in bs:
        r = httpx.get(f"{b.url}/tasks/{t.json()['id']}", headers=h1, timeout=10)
        assert r.status_code == 200 and r.json() == t.json()


def test_event_streams_through_nginx_get_the_changes_of_every_instance(cluster3):
    from test_events import EventReader
    url, _ = cluster3
    h = register_and_login(url, "follower")
    # nginx spreads the streams and the POSTs over the three instances: each
    # stream gets every change, whichever instance wrote it, in one order.
    streams = [EventReader(url, headers=h) for _ in range(3)]
    try:
        assert all(s.status == 200 for s in streams)
        with make_client(url) as c:
            made = [send_json(c, "POST", "/tasks", {"title": f"e{i}"}, headers=h).json()
                    for i in range(6)]
        for s in streams:
            got = s.take(6)
            assert [e["data"] for e in got] == made
            ids = [int(e["id"]) for e in got]
            assert ids == sorted(ids) and len(set(ids)) == 6
    finally:
        for s in streams:
            s.close()


def test_concurrent_if_match_patches_through_nginx_lose_nothing(cluster3):
    url, _ = cluster3
    h = register_and_login(url)
    with make_client(url) as c:
        tasks = [send_json(c, "POST", "/tasks", {"title": f"hot {i}"}, headers=h).json()
                 for i in range(3)]
    oks = {t["id"]: 0 for t in tasks}
    lock = threading.Lock()
    errors = []

    def worker(k):
        try:
            with httpx.Client(base_url=url, timeout=20) as c:
                for i in range(15):
                    t = tasks[(k + i) % len(tasks)]
                    g = c.get(f"/tasks/{t['id']}", headers=h)
                    assert g.status_code == 200, g.text
                    v = g.headers["etag"]
                    r = c.patch(f"/tasks/{t['id']}", json={"priority": 1 + (k + i) % 5,
                                                           "title": f"w{k} {i}"},
                                headers={"if-match": v, **h})
                    if r.status_code == 200:
                        assert r.json()["version"] == int(v.strip('"')) + 1
                        with lock:
                            oks[t["id"]] += 1
                    elif r.status_code != 412:
                        errors.append(f"{r.status_code}: {r.text[:200]}")
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors[:5]
    with make_client(url) as c:
        for t in tasks:
            final = c.get(f"/tasks/{t['id']}", headers=h).json()
            assert final["version"] == 1 + oks[t["id"]], (final, oks)
    assert sum(oks.values()) >= len(tasks), oks


def test_a_read_over_query_timeout_is_a_503(brisk_factory, pg, backend):
    """--query-timeout is the read connections' statement_timeout: a list
    that waits behind another session's lock past it gets the 503 of an
    expensive query, a GET by id the 503 of an unavailable database, and
    both work again once the lock is gone."""
    db = pg.new()
    b = brisk_factory(db=db, extra=["--query-timeout", "300ms"])
    with make_client(b.url) as c:
        t = create_task(c, title="locked out")
        locker = subprocess.Popen(
            ["psql", "-X", "-q", db, "-c",
             "BEGIN; LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(2); COMMIT;"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 10
            while pg.cluster.psql("SELECT count(*) FROM pg_locks WHERE mode = "
                                  "'AccessExclusiveLock' AND relation = 'tasks'::regclass",
                                  db=db.rsplit("/", 1)[1]) == "0":
                assert time.monotonic() < deadline, "the lock was never taken"
                time.sleep(0.05)
            r = c.get("/tasks", params={"q": "locked"})
            assert r.status_code == 503, r.text
            assert "too expensive" in r.json()["detail"]
            assert int(r.headers["retry-after"]) >= 1
            r = c.get(f"/tasks/{t['id']}")
            assert r.status_code == 503, r.text
            assert r.headers["retry-after"] == "1"
            metrics = c.get("/metrics").text
            assert re.search(r"^brisk_db_query_timeouts_total [1-9]", metrics, re.M), metrics
        finally:
            locker.wait(30)
        r = c.get("/tasks", params={"q": "locked"})
        assert r.status_code == 200 and [x["id"] for x in r.json()["tasks"]] == [t["id"]]
