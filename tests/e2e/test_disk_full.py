"""Disk full: brisk's database on a small tmpfs (in a private mount
namespace, so nothing is mounted on the machine itself) that a filler file
then fills. Writes get 507 problem+json with Retry-After and nothing of
them is kept; reads keep working; /readyz says "cannot write"; once space is
freed, writes work again; and across a restart every acknowledged write is
there (and nothing else)."""
from __future__ import annotations

import errno
import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from e2e_helpers import BRISK_BIN, Brisk, list_all, make_client, serve_args

FS_SIZE = "6m"


class TmpfsNamespace:
    """A process holding a mount namespace with a tmpfs over `dir`."""

    def __init__(self, base: Path, size: str):
        self.dir = base / "fs"
        self.dir.mkdir()
        if shutil.which("unshare") is None or shutil.which("nsenter") is None:
            pytest.skip("unshare and nsenter (util-linux) are needed")
        root = os.geteuid() == 0
        self.enter = ["nsenter", "-t"] + ([] if root else [])
        unshare = ["unshare", "-m", "--propagation", "private"] if root else ["unshare", "-rm"]
        script = f"mount -t tmpfs -o size={size} tmpfs '{self.dir}' && echo ready && exec sleep 3600"
        self.holder = subprocess.Popen([*unshare, "sh", "-c", script], stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, start_new_session=True)
        line = self.holder.stdout.readline()
        if line.strip() != b"ready":
            err = self.holder.stderr.read().decode("utf-8", "replace")
            self.holder.kill()
            pytest.skip(f"cannot mount a tmpfs in a private namespace here: {err.strip()}")
        self.enter = ["nsenter", "-t", str(self.holder.pid), "-m"]
        if not root:
            self.enter += ["-U", "--preserve-credentials"]

    def host_path(self, name: str) -> Path:
        """`name` in the tmpfs, as this process can reach it."""
        return Path(f"/proc/{self.holder.pid}/root") / str(self.dir).lstrip("/") / name

    def close(self):
        self.holder.kill()
        self.holder.wait(10)


class NsBrisk(Brisk):
    """brisk serve run inside the namespace (nsenter execs it: same pid)."""

    def __init__(self, ns: TmpfsNamespace, args: list, workdir: Path):
        super().__init__(args, workdir)
        self.prefix = ns.enter

    def start(self):
        self._stderr_file = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen([*self.prefix, BRISK_BIN, *self.args],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self._stderr_file, env=self.env, cwd=self.cwd,
                                     bufsize=0, start_new_session=True)
        return self


def fill(path: Path) -> int:
    """Writes to `path` until the file system is full; returns bytes written."""
    chunk = b"\0" * 65536
    n = 0
    with open(path, "wb", buffering=0) as f:
        while True:
            try:
                n += f.write(chunk)
            except OSError as e:
                assert e.errno == errno.ENOSPC, e
                break
            if n > 64 << 20:
                raise AssertionError("the tmpfs never filled up")
    return n


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def test_disk_full_is_507_then_writes_resume_and_nothing_is_lost(tmp_path):
    ns = TmpfsNamespace(tmp_path, FS_SIZE)
    servers = []
    try:
        db = ns.dir / "brisk.db"
        b = NsBrisk(ns, serve_args(db, threads=2), tmp_path).start().wait_listening()
        servers.append(b)
        acked = {}
        with make_client(b.url) as c:
            def post(i):
                title = f"task {i}"
                r = c.post("/tasks", json={"title": title, "description": "x" * 1500})
                if r.status_code == 201:
                    acked[r.json()["id"]] = title
                return r

            for i in range(30):
                assert post(i).status_code == 201
            assert c.get("/readyz").status_code == 200
            fill(ns.host_path("filler"))
            full = None
            for i in range(30, 3000):
                r = post(i)
                if r.status_code == 507:
                    full = r
                    break
                assert r.status_code == 201, r.text
            assert full is not None, "the disk filled up but writes never failed"
            assert full.headers["content-type"].startswith("application/problem+json")
            assert int(full.headers["retry-after"]) >= 1
            assert "disk is full" in full.json()["detail"]
            # Reads go on; readiness says why not ready.
            some = next(iter(acked))
            assert c.get(f"/tasks/{some}").status_code == 200
            assert c.get("/tasks", params={"limit": "5"}).status_code == 200
            ready = c.get("/readyz")
            assert ready.status_code == 503
            assert "cannot write" in ready.json()["detail"]
            assert post(9999).status_code == 507
            # Space again: writes resume (the writer notices on its own).
            ns.host_path("filler").unlink()
            assert wait_for(lambda: c.get("/readyz").status_code == 200, 15)
            assert post(10000).status_code == 201
        assert b.stop() == 0
        log = b.stderr_text()
        assert "no space left on the device" in log, log[-2000:]
        # One line when it starts, not one per refused write.
        assert log.count("no space left on the device; writes are answered 507") == 1, log[-3000:]
        assert "writes succeed again" in log

        again = NsBrisk(ns, serve_args(db, threads=2), tmp_path).start().wait_listening()
        servers.append(again)
        with make_client(again.url) as c:
            listed = list_all(c)
            assert {t["id"]: t["title"] for t in listed} == acked, "lost or half-written tasks"
        assert again.stop() == 0
    finally:
        for s in servers:
            if s.alive():
                s.kill()
        ns.close()
