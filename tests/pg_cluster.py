#!/usr/bin/python3
"""A throwaway PostgreSQL cluster for the tests (no mock database anywhere).

    pg_cluster.py start STATE_DIR   initdb into a new temporary directory, start
                                    it on a free port of 127.0.0.1, write its
                                    URL to STATE_DIR/url (and the data
                                    directory to STATE_DIR/data)
    pg_cluster.py stop STATE_DIR    stop it (immediate) and remove its files

ctest runs these as the fixture `pg` around every test that needs the
database (BRISK_TEST_PG_FILE=STATE_DIR/url); the e2e conftest uses the same
class when run on its own. PostgreSQL refuses to run as root, so as root
(CI) initdb and the server run as the `postgres` system user (created by
Debian's postgresql-15 package) through runuser.

Settings are for a test machine: fsync=off and full_page_writes=off (the
durability tests stop PostgreSQL with -m immediate, which loses no committed
transaction either way: the WAL is written to the kernel at every commit
with synchronous_commit=on; only an OS crash would need the fsync).
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

SUPERUSER = "brisk"


def pg_bin(name: str) -> str:
    """The newest installed PostgreSQL's program `name` (Debian keeps them
    under /usr/lib/postgresql/<version>/bin, off PATH)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if found:
        return found[-1]
    path = shutil.which(name)
    if path:
        return path
    raise RuntimeError(f"PostgreSQL's {name} not found: scripts/install-deps.sh installs "
                       "postgresql-15")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, root: Path, port: Optional[int] = None, fsync: bool = False,
                 cpus: Optional[str] = None):
        self.root = Path(root)
        self.data = self.root / "data"
        self.port = port or free_port()
        self.fsync = fsync
        self.cpus = cpus  # a taskset CPU list for the server (benchmarks pin it)
        self.as_root = os.geteuid() == 0

    @property
    def url(self) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    def db_url(self, name: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def _run(self, argv: list, **kw) -> subprocess.CompletedProcess:
        if self.as_root:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        if self.cpus:
            argv = ["taskset", "-c", self.cpus, *argv]
        return subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              **kw)

    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        os.chmod(self.root, 0o700)
        r = self._run([pg_bin("initdb"), "-D", str(self.data), "-U", SUPERUSER, "-A", "trust",
                       "-E", "UTF8", "--locale=C", "--no-sync"])
        if r.returncode != 0:
            raise RuntimeError(f"initdb failed: {r.stdout}\n{r.stderr}")

    def start(self, timeout: float = 30) -> None:
        opts = (f"-p {self.port} -c listen_addresses=127.0.0.1 "
                f"-c unix_socket_directories={self.root} -c max_connections=300 "
                f"-c shared_buffers=64MB -c log_min_messages=warning "
                f"-c fsync={'on' if self.fsync else 'off'} "
                f"-c full_page_writes={'on' if self.fsync else 'off'}")
        r = self._run([pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
                       "-o", opts, "-w", "-t", str(int(timeout)), "start"])
        if r.returncode != 0:
            log = ""
            try:
                log = (self.root / "log").read_text(errors="replace")[-2000:]
            except OSError:
                pass
            raise RuntimeError(f"pg_ctl start failed: {r.stdout}\n{r.stderr}\n{log}")

    def stop(self, mode: str = "fast") -> None:
        self._run([pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"])

    def running(self) -> bool:
        return self._run([pg_bin("pg_ctl"), "-D", str(self.data), "status"]).returncode == 0

    def psql(self, sql: str, db: str = "postgres") -> str:
        r = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                            self.db_url(db), "-c", sql],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"psql {sql!r}: {r.stderr}")
        return r.stdout.strip()

    def create_database(self, name: str) -> str:
        self.psql(f'CREATE DATABASE "{name}"')
        return self.db_url(name)

    def destroy(self) -> None:
        if self.data.exists():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def new_cluster(fsync: bool = False, cpus: Optional[str] = None) -> Cluster:
    """A started cluster in a new temporary directory (which the postgres
    user can reach: not inside a root-only directory)."""
    c = Cluster(Path(tempfile.mkdtemp(prefix="brisk-pg-")), fsync=fsync, cpus=cpus)
    c.init()
    for attempt in range(3):
        try:
            c.start()
            return c
        except RuntimeError:
            if attempt == 2:
                c.destroy()
                raise
            c.port = free_port()  # taken meanwhile: another one
            time.sleep(0.2)
    return c


def main(argv: list) -> int:
    if len(argv) != 3 or argv[1] not in ("start", "stop"):
        print(__doc__, file=sys.stderr)
        return 2
    state = Path(argv[2])
    state.mkdir(parents=True, exist_ok=True)
    # A cluster left by an interrupted run is stopped first.
    old = state / "data"
    if old.exists():
        root = Path(old.read_text().strip())
        Cluster(root).destroy()
        old.unlink()
    (state / "url").unlink(missing_ok=True)
    if argv[1] == "stop":
        return 0
    c = new_cluster()
    (state / "data").write_text(str(c.root))
    (state / "url").write_text(c.url)
    print(f"PostgreSQL test cluster at {c.url} ({c.root})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
