"""Faults an operator meets at start: a wrong or damaged database file, a
file that cannot be read, a directory that cannot be written. Each gets one
clear line, exit code 2, and the file untouched."""
from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from e2e_helpers import BRISK_BIN, clean_env, make_client, run_brisk, start_serve

PAGE = 4096


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_database(workdir: Path, tasks: int = 400) -> Path:
    """A brisk database with `tasks` tasks, cleanly stopped (no WAL left)."""
    db = workdir / "brisk.db"
    b = start_serve(workdir, db=db, threads=1)
    with make_client(b.url) as c:
        for i in range(tasks):
            r = c.post("/tasks", json={"title": f"task {i}", "description": "d" * 300,
                                       "tags": [f"t{i % 7}"]})
            assert r.status_code == 201
    assert b.stop() == 0
    assert not Path(str(db) + "-wal").exists() or Path(str(db) + "-wal").stat().st_size == 0
    return db


def corrupt(db: Path, first_page: int, pages: int, seed: int = 15) -> None:
    """Random bytes over `pages` pages from `first_page` (1-based) on."""
    rng = random.Random(seed)
    with open(db, "r+b") as f:
        f.seek((first_page - 1) * PAGE)
        f.write(bytes(rng.getrandbits(8) for _ in range(pages * PAGE)))


def refused_at_start(args: list, db: Path, expect: str, env=None, user=None) -> str:
    """Runs brisk serve on db; asserts exit code 2, one line on stderr
    containing `expect`, nothing on stdout, and the file unchanged."""
    before = digest(db) if db.exists() and os.access(db, os.R_OK) else None
    argv = [BRISK_BIN, "serve", "--listen", "127.0.0.1:0", "--db", str(db), "--auth", "off", *args]
    if user is not None:
        argv = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *argv]
    p = subprocess.run(argv, env=env or clean_env(), capture_output=True, timeout=30)
    err = p.stderr.decode("utf-8", "replace")
    assert p.returncode == 2, f"exit {p.returncode}, stderr {err!r}, stdout {p.stdout!r}"
    assert b"listening" not in p.stdout
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line, got {lines}"
    assert lines[0].startswith("brisk: error: "), lines[0]
    assert expect in lines[0], lines[0]
    if before is not None:
        assert digest(db) == before, "the file was changed"
    return lines[0]


def test_damaged_database_is_refused_at_start_and_left_untouched(tmp_path):
    db = make_database(tmp_path)
    # Leaf pages of the tasks table (not the schema, which any read meets):
    # only a check of every page finds them.
    con = sqlite3.connect(db)
    leaves = [p for (p,) in con.execute(
        "SELECT pageno FROM dbstat WHERE name = 'tasks' AND pagetype = 'leaf' ORDER BY pageno")]
    con.close()
    assert len(leaves) > 8
    corrupt(db, leaves[len(leaves) // 2], 1)
    line = refused_at_start([], db, "is damaged (PRAGMA quick_check")
    assert "--skip-quick-check" in line
    # The documented way round the check for huge files starts it anyway.
    b = start_serve(tmp_path, db=db, threads=1, extra=["--skip-quick-check"])
    assert httpx.get(f"{b.url}/healthz").status_code == 200
    assert b.stop() == 0


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    db = tmp_path / "notes.txt"
    db.write_text("these are my notes, not a database\n" * 300)
    refused_at_start([], db, "is not a SQLite database")


def test_another_applications_database_is_refused(tmp_path):
    db = tmp_path / "other.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    con.execute("INSERT INTO invoices (amount) VALUES (12.5)")
    con.commit()
    con.close()
    refused_at_start([], db, "is a SQLite database, but not brisk's")
    assert not Path(str(db) + "-wal").exists()


def other_user() -> str | None:
    """When root: a user without root's rights to run brisk as."""
    if os.geteuid() != 0:
        return None
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is needed to drop root's rights")
    return "65534"  # nobody


def open_dir() -> Path:
    """A directory another user can reach (pytest's tmp_path is private)."""
    d = Path(tempfile.mkdtemp(prefix="brisk-faults-", dir="/tmp"))
    d.chmod(0o755)
    return d


def test_an_unreadable_file_is_refused(tmp_path):
    user = other_user()
    d = open_dir()
    try:
        db = make_database(d, tasks=3)
        db.chmod(0o600 if user else 0o000)  # root's file, or no rights at all
        line = refused_at_start([], db, "cannot open database file", user=user)
        assert "Permission denied" in line
        db.chmod(0o600)
    finally:
        shutil.rmtree(d)


def test_a_read_only_directory_is_refused(tmp_path):
    user = other_user()
    d = open_dir()
    try:
        db = make_database(d, tasks=3)
        if user:
            os.chown(db, 65534, 65534)
        d.chmod(0o555)
        line = refused_at_start([], db, "brisk.db-wal", user=user)
        assert "permissions" in line
    finally:
        d.chmod(0o755)
        shutil.rmtree(d)


def test_a_damaged_database_is_refused_by_rotate_key_too(tmp_path):
    db = make_database(tmp_path, tasks=200)
    corrupt(db, db.stat().st_size // PAGE // 2, 3)
    before = digest(db)
    rc, _out, err = run_brisk(["rotate-key", "--db", str(db)])
    assert rc == 2
    assert "is damaged" in err
    assert digest(db) == before
