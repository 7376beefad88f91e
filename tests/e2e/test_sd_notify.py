"""systemd readiness (brisk.service has Type=notify): brisk sends READY=1 to
the unix datagram socket named by $NOTIFY_SOCKET once it is listening (after
printing the listening line) and STOPPING=1 when SIGTERM starts the drain.
Each test binds its own socket and checks the datagrams' sender PID, as
systemd does (NotifyAccess=main)."""
from __future__ import annotations

import os
import select
import shutil
import signal
import socket
import struct
import tempfile
import uuid
from pathlib import Path
from typing import Optional

import httpx
import pytest

from e2e_helpers import START_TIMEOUT, clean_env

_UCRED = struct.Struct("iII")  # pid, uid, gid


class Message:
    def __init__(self, data: bytes, pid: Optional[int]):
        self.text = data.decode("utf-8")
        self.fields = dict(line.split("=", 1) for line in self.text.split("\n") if line)
        self.pid = pid


class NotifySocket:
    """A stand-in for systemd's notify socket: AF_UNIX, SOCK_DGRAM, SO_PASSCRED."""

    def __init__(self, name: str):
        self.name = name  # what goes into NOTIFY_SOCKET
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        # Python writes abstract addresses with a leading NUL.
        self.sock.bind("\0" + name[1:] if name.startswith("@") else name)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)

    def receive(self, timeout: float) -> Optional[Message]:
        ready, _, _ = select.select([self.sock], [], [], timeout)
        if not ready:
            return None
        data, ancdata, _, _ = self.sock.recvmsg(4096, socket.CMSG_SPACE(_UCRED.size))
        pid = None
        for level, kind, payload in ancdata:
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                pid = _UCRED.unpack(payload[:_UCRED.size])[0]
        return Message(data, pid)

    def close(self):
        self.sock.close()


@pytest.fixture
def socket_dir():
    # Short on purpose: a socket path must fit in 108 bytes.
    d = tempfile.mkdtemp(prefix="brisk-notify-", dir="/tmp")
    yield Path(d)
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def path_socket(socket_dir):
    s = NotifySocket(str(socket_dir / "notify"))
    yield s
    s.close()


def assert_listening_line_already_written(b):
    """brisk flushes the listening line before it sends READY=1, so once the
    datagram is here the line is already in the pipe: a zero-timeout poll
    (a state, not a race with a deadline) must find it."""
    readable, _, _ = select.select([b.proc.stdout], [], [], 0)
    assert readable, "READY=1 arrived before the listening line was written"
    b.wait_listening()


def start_notified(brisk_factory, notify_name: str, **kw):
    return brisk_factory(env=clean_env({"NOTIFY_SOCKET": notify_name}), wait=False, **kw)


def test_ready_after_the_listening_line_then_stopping_on_sigterm(brisk_factory, path_socket):
    b = start_notified(brisk_factory, path_socket.name)
    ready = path_socket.receive(START_TIMEOUT)
    assert ready is not None, f"no datagram within {START_TIMEOUT}s; stderr:\n{b.stderr_text()}"
    assert ready.fields.get("READY") == "1", ready.text
    assert ready.pid == b.proc.pid, "sent by another process: systemd would ignore it"
    assert_listening_line_already_written(b)
    assert ready.fields.get("STATUS") == f"listening on {b.url}", ready.text
    # READY=1 means ready: requests are served at once.
    assert httpx.get(f"{b.url}/readyz", timeout=5).status_code == 200
    assert path_socket.receive(0.3) is None, "more than one datagram before SIGTERM"

    b.signal(signal.SIGTERM)
    stopping = path_socket.receive(10)
    assert stopping is not None, "no STOPPING=1 after SIGTERM"
    assert stopping.fields.get("STOPPING") == "1", stopping.text
    assert stopping.pid == b.proc.pid
    assert b.wait(15) == 0, b.stderr_text()[-2000:]


def test_abstract_socket_name(brisk_factory):
    s = NotifySocket(f"@brisk-e2e-{os.getpid()}-{uuid.uuid4().hex[:12]}")
    try:
        b = start_notified(brisk_factory, s.name)
        ready = s.receive(START_TIMEOUT)
        assert ready is not None, f"nothing arrived at {s.name}; stderr:\n{b.stderr_text()}"
        assert ready.fields.get("READY") == "1", ready.text
        assert_listening_line_already_written(b)
    finally:
        s.close()


def test_no_ready_when_brisk_cannot_listen(brisk_factory, path_socket):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        b = start_notified(brisk_factory, path_socket.name, listen=f"127.0.0.1:{port}")
        rc = b.wait(START_TIMEOUT)
        assert rc not in (None, 0), f"brisk did not fail on a port in use (exit {rc})"
    assert path_socket.receive(0.2) is None, "READY=1 sent although brisk never listened"


def test_unreachable_notify_socket_is_logged_and_serving_goes_on(brisk_factory, socket_dir):
    missing = socket_dir / "nobody-listens"
    b = start_notified(brisk_factory, str(missing))
    b.wait_listening()
    assert httpx.get(f"{b.url}/healthz", timeout=5).status_code == 200
    b.signal(signal.SIGTERM)
    assert b.wait(15) == 0
    err = b.stderr_text()
    assert "systemd notification failed" in err and str(missing) in err, err[-2000:]
