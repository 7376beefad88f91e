"""Resource caps with clear answers: --max-connections (503 beyond it,
established connections untouched) and running out of file descriptors (a
pause, not a busy loop), and the password-hashing queue (503 beyond it,
memory bounded by the hashing thread)."""
from __future__ import annotations

import os
import resource
import socket
import subprocess
import threading
import time
from pathlib import Path

import httpx
from e2e_helpers import (BRISK_BIN, Brisk, RawConn, assert_raw_problem, clean_env,
                         request_bytes, run_workers, serve_args, start_serve)


def get_healthz() -> bytes:
    return request_bytes("GET", "/healthz")


def proc_status(pid: int, field: str) -> int:
    for line in open(f"/proc/{pid}/status", encoding="ascii"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat", encoding="ascii").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100.0  # utime + stime, in clock ticks


def test_connections_beyond_the_cap_get_503_and_established_ones_keep_working(tmp_path):
    b = start_serve(tmp_path, threads=2, extra=["--max-connections", "4"])
    held = [RawConn.to(b) for _ in range(4)]
    try:
        for c in held:  # each is accepted and served
            c.send(get_healthz())
            assert c.read_response().status == 200
        with RawConn.to(b) as extra:
            extra.send(get_healthz())
            r = extra.read_response()
            assert_raw_problem(r, 503)
            assert r.header("retry-after") == "1"
            assert "close" in r.connection_tokens()
            assert extra.wait_closed(5), "the refused connection stayed open"
        for c in held:  # untouched
            c.send(get_healthz())
            assert c.read_response().status == 200
        held.pop().close()
        deadline = time.monotonic() + 5
        while True:  # the freed place is taken by the next client
            with RawConn.to(b) as again:
                again.send(get_healthz())
                if again.read_response().status == 200:
                    break
            assert time.monotonic() < deadline, "a freed connection place was never reused"
            time.sleep(0.1)
    finally:
        for c in held:
            c.close()
    assert b.stop() == 0
    assert "answered 503" in b.stderr_text()


class LimitedBrisk(Brisk):
    """brisk serve with a hard limit of `files` open files."""

    def __init__(self, args, workdir, files: int):
        # Under UBSan (the asan preset) a false "invalid vptr" report comes
        # out of descriptors: see ubsan_out_of_descriptors.supp.
        ubsan = os.environ.get("UBSAN_OPTIONS", "")
        supp = Path(__file__).with_name("ubsan_out_of_descriptors.supp")
        super().__init__(args, workdir, env=clean_env(
            {"UBSAN_OPTIONS": f"{ubsan}:suppressions={supp}".lstrip(":")}))
        self.files = files

    def start(self):
        def limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (self.files, self.files))

        self._stderr_file = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen([BRISK_BIN, *self.args], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=self._stderr_file,
                                     env=self.env, cwd=self.cwd, bufsize=0,
                                     start_new_session=True, preexec_fn=limit)
        return self


def test_out_of_descriptors_pauses_accepting_instead_of_spinning(tmp_path):
    # 80 files in all: the cap is 40 connections, and refusals in progress
    # plus connections waiting in the backlog run it out of descriptors.
    # Before: accept() failed and was retried at once, a core busy and a
    # log line each time (issue 15).
    b = LimitedBrisk(serve_args(tmp_path / "brisk.db", threads=1), tmp_path, 80)
    b.start().wait_listening()
    socks = []
    try:
        for _ in range(200):  # connected (the kernel's backlog), never read from
            s = socket.create_connection((b.connect_host, b.port), timeout=5)
            socks.append(s)
        time.sleep(1)
        before = cpu_seconds(b.proc.pid)
        time.sleep(3)
        used = cpu_seconds(b.proc.pid) - before
        assert used < 0.5, f"brisk used {used:.2f} s of CPU in 3 s out of descriptors"
        assert b.alive()
    finally:
        for s in socks:
            s.close()
    # Descriptors free again: it serves.
    deadline = time.monotonic() + 10
    while True:
        try:
            if httpx.get(f"{b.url}/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "brisk did not serve again once descriptors freed"
        time.sleep(0.2)
    assert b.stop() == 0
    log = b.stderr_text()
    assert "out of file descriptors" in log
    assert log.count("out of file descriptors") <= 2, log[-3000:]


def test_password_hashing_queue_is_bounded(tmp_path):
    b = start_serve(tmp_path, threads=2, auth="required")
    statuses: list = []
    lock = threading.Lock()

    def register(i):
        try:
            r = httpx.post(f"{b.url}/auth/register",
                           json={"username": f"user{i}", "password": "correct horse battery"},
                           timeout=30)
            with lock:
                statuses.append((r.status_code, r.headers.get("retry-after")))
        except httpx.HTTPError as e:
            with lock:
                statuses.append((repr(e), None))

    run_workers(register, 40, 60)
    codes = [s for s, _ in statuses]
    assert set(codes) <= {201, 503}, statuses
    assert 503 in codes, "40 registrations at once never met the hashing queue's bound"
    assert all(ra == "1" for s, ra in statuses if s == 503)
    assert codes.count(201) >= 17  # one hashing thread and sixteen waiting
    # Argon2id holds 64 MiB per running hash: one thread, not forty.
    peak_mib = proc_status(b.proc.pid, "VmHWM") / 1024
    assert peak_mib < 64 * 2 + 96, f"peak RSS {peak_mib:.0f} MiB"
    assert b.stop() == 0
