"""Fixtures: one shared brisk for most tests, and a factory for extra servers.

The binary is BRISK_BIN (default /work/main/build/release/brisk). Every
server runs with --auth off on 127.0.0.1 with port 0 and its own temporary
directory; every process started here is stopped at the end.
"""
from __future__ import annotations

import signal

import pytest

from e2e_helpers import Brisk, make_client, serve_args, start_serve


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The shared server: a file database, --threads 2."""
    b = start_serve(tmp_path_factory.mktemp("shared"), threads=2)
    yield b
    rc = b.stop(signal.SIGTERM)
    assert rc == 0, f"shared server did not exit 0 on SIGTERM: {rc}\n{b.stderr_text()[-2000:]}"


@pytest.fixture
def client(server):
    with make_client(server.url) as c:
        yield c


@pytest.fixture
def brisk_factory(tmp_path_factory):
    """start(...) -> Brisk. Each call gets its own temporary directory.

    Keyword arguments: db (path or ":memory:", default <dir>/brisk.db),
    listen, auth, threads, extra (more arguments), env (full environment,
    default: the runner's without BRISK_*), args (full argument list instead
    of the serve defaults), workdir, wait (wait for the listening line).
    """
    started: list[Brisk] = []

    def start(db=None, listen="127.0.0.1:0", auth="off", threads=None, extra=(), env=None,
              args=None, workdir=None, wait=True) -> Brisk:
        wd = workdir or tmp_path_factory.mktemp("brisk")
        if args is None:
            args = serve_args(db if db is not None else wd / "brisk.db", listen, auth, threads,
                              extra)
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
