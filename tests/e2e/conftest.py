"""Fixtures: one shared brisk per backend for most tests, and a factory for
extra servers.

The binary is BRISK_BIN (default /work/main/build/release/brisk). Every
server runs with --auth off on 127.0.0.1 with port 0 and its own temporary
directory; every process started here is stopped at the end.

Backends: every test that uses a server runs against SQLite and against
PostgreSQL (the `backend` parameter), so that the two cannot drift; a test
about SQLite files is marked `sqlite_only`. PostgreSQL is a throwaway
cluster: ctest's fixture `pg` starts one and names its URL file in
BRISK_TEST_PG_FILE; run alone, this conftest starts its own. Each server
gets a database of its own (`db_target`).
"""
from __future__ import annotations

import itertools
import os
import signal
import sys
from pathlib import Path

import pytest

from e2e_helpers import Brisk, make_client, serve_args, start_serve

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import pg_cluster  # noqa: E402

BACKENDS = ("sqlite", "postgres")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: about SQLite files; runs on SQLite only")
    config.addinivalue_line("markers", "postgres_only: about PostgreSQL; runs on it only")


def pytest_generate_tests(metafunc):
    if "backend" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("sqlite_only"):
        params = ["sqlite"]
    elif metafunc.definition.get_closest_marker("postgres_only"):
        params = ["postgres"]
    else:
        params = list(BACKENDS)
    metafunc.parametrize("backend", params, indirect=True, scope="session")


@pytest.fixture(scope="session")
def backend(request):
    return request.param


class PgDatabases:
    """The PostgreSQL cluster the tests use, and fresh databases in it."""

    _names = itertools.count()

    def __init__(self, cluster: pg_cluster.Cluster, owned: bool):
        self.cluster = cluster
        self.owned = owned

    def new(self) -> str:
        name = f"e2e_{os.getpid()}_{next(self._names)}"
        return self.cluster.create_database(name)


@pytest.fixture(scope="session")
def pg():
    """The PostgreSQL cluster: ctest's (BRISK_TEST_PG_FILE) or our own."""
    url_file = os.environ.get("BRISK_TEST_PG_FILE")
    if url_file:
        url = Path(url_file).read_text().strip()
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        c = pg_cluster.Cluster(Path(Path(url_file).with_name("data").read_text().strip()),
                               port=port)
        yield PgDatabases(c, owned=False)
        return
    c = pg_cluster.new_cluster()
    try:
        yield PgDatabases(c, owned=True)
    finally:
        c.destroy()


@pytest.fixture
def db_target(request, backend, tmp_path_factory):
    """A --db target of its own for this test: a new SQLite file path or a
    new PostgreSQL database's URL."""
    if backend == "sqlite":
        return tmp_path_factory.mktemp("db") / "brisk.db"
    return request.getfixturevalue("pg").new()


@pytest.fixture
def new_db(request, backend, tmp_path_factory):
    """new_db() -> the --db target of a new, empty database of the test's
    backend (for commands that make or fill a second database)."""
    def make():
        if backend == "sqlite":
            return tmp_path_factory.mktemp("db") / "brisk.db"
        return request.getfixturevalue("pg").new()
    return make


@pytest.fixture(scope="session")
def server(request, backend, tmp_path_factory):
    """The shared server of a backend: --threads 2."""
    wd = tmp_path_factory.mktemp(f"shared-{backend}")
    db = wd / "brisk.db" if backend == "sqlite" else request.getfixturevalue("pg").new()
    b = start_serve(wd, db=db, threads=2)
    yield b
    rc = b.stop(signal.SIGTERM)
    assert rc == 0, f"shared server did not exit 0 on SIGTERM: {rc}\n{b.stderr_text()[-2000:]}"


@pytest.fixture
def client(server):
    with make_client(server.url) as c:
        yield c


@pytest.fixture
def brisk_factory(request, backend, tmp_path_factory):
    """start(...) -> Brisk. Each call gets its own temporary directory.

    Keyword arguments: db (a target; default a new database of the test's
    backend), listen, auth, threads, extra (more arguments), env (full
    environment, default: the runner's without BRISK_*), args (full
    argument list instead of the serve defaults), workdir, wait (wait for
    the listening line).
    """
    started: list[Brisk] = []

    def start(db=None, listen="127.0.0.1:0", auth="off", threads=None, extra=(), env=None,
              args=None, workdir=None, wait=True) -> Brisk:
        wd = workdir or tmp_path_factory.mktemp("brisk")
        if args is None:
            if db is None:
                db = wd / "brisk.db" if backend == "sqlite" else request.getfixturevalue("pg").new()
            args = serve_args(db, listen, auth, threads, extra)
        b = Brisk(args, wd, env=env)
        started.append(b)
        b.start()
        if wait:
            b.wait_listening()
        return b

    yield start
    for b in started:
        if b.alive():
            b.stop(signal.SIGTERM, timeout=15)
