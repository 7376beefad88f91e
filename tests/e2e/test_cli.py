"""The command line: version, options from flags and environment, the
listening line, database targets, refusing bad configurations."""
from __future__ import annotations

import re
import signal
import socket
import sqlite3

import httpx
import pytest

from e2e_helpers import (
    LISTEN_RE, clean_env, create_task, free_port, make_client, run_brisk, serve_args,
)


def assert_refuses(rc, out, err, what):
    assert rc is not None, f"{what}: brisk kept running (it should exit with an error)"
    assert rc != 0, f"{what}: exit code 0; stderr: {err[-500:]}"
    assert err.strip(), f"{what}: no error message on stderr"
    assert "brisk listening on" not in out, f"{what}: printed the listening line"


def test_version_prints_a_version(tmp_path):
    rc, out, err = run_brisk(["version"], cwd=tmp_path)
    assert rc == 0, err
    assert re.search(r"\d+\.\d+\.\d+", out), f"no version number in {out!r}"
    assert list(tmp_path.iterdir()) == [], "brisk version must not create files"


def test_listening_line_is_exact_and_only_stdout(brisk_factory):
    b = brisk_factory()
    assert LISTEN_RE.match(b.listen_line)
    assert b.listen_line == f"brisk listening on http://127.0.0.1:{b.port}"
    assert b.port != 0
    assert httpx.get(f"{b.url}/healthz", timeout=5).status_code == 200
    rc = b.stop(signal.SIGTERM)
    assert rc == 0
    rest = b.read_rest_of_stdout()
    assert rest == "", f"stdout must hold only the listening line; also got {rest!r}"


def test_port_zero_picks_distinct_free_ports(brisk_factory):
    a = brisk_factory()
    b = brisk_factory()
    assert a.port != b.port
    assert 0 < a.port < 65536 and 0 < b.port < 65536
    for s in (a, b):
        assert httpx.get(f"{s.url}/healthz", timeout=5).json() == {"status": "ok"}


def test_explicit_port(brisk_factory):
    port = free_port()
    b = brisk_factory(listen=f"127.0.0.1:{port}")
    assert b.port == port
    assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200


def test_port_in_use_is_refused(brisk_factory, tmp_path):
    a = brisk_factory()
    rc, out, err = run_brisk(serve_args(tmp_path / "other.db", listen=f"127.0.0.1:{a.port}"))
    assert_refuses(rc, out, err, "listen on a port in use")
    assert httpx.get(f"{a.url}/healthz", timeout=5).status_code == 200


def test_ipv6_loopback(brisk_factory):
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback")
    b = brisk_factory(listen="[::1]:0")
    assert re.fullmatch(r"brisk listening on http://\[::1\]:\d+", b.listen_line), b.listen_line
    assert httpx.get(f"http://[::1]:{b.port}/healthz", timeout=5).status_code == 200


@pytest.mark.sqlite_only
def test_options_from_environment(brisk_factory, tmp_path):
    db = tmp_path / "env.db"
    env = clean_env({"BRISK_LISTEN": "127.0.0.1:0", "BRISK_DB": str(db), "BRISK_AUTH": "off",
                     "BRISK_THREADS": "1"})
    b = brisk_factory(args=["serve"], env=env, workdir=tmp_path)
    with make_client(b.url) as c:
        t = create_task(c, title="from env")
        assert c.get(f"/tasks/{t['id']}").status_code == 200
    assert b.stop() == 0
    assert db.exists(), "BRISK_DB was not used"
    # The data really is in that file.
    b2 = brisk_factory(db=db, workdir=tmp_path)
    with make_client(b2.url) as c:
        assert c.get(f"/tasks/{t['id']}").json()["title"] == "from env"


@pytest.mark.sqlite_only
def test_command_line_wins_over_environment(brisk_factory, tmp_path):
    env_port, cli_port = free_port(), free_port()
    while cli_port == env_port:
        cli_port = free_port()
    env = clean_env({"BRISK_LISTEN": f"127.0.0.1:{env_port}", "BRISK_DB": str(tmp_path / "env.db"),
                     "BRISK_AUTH": "required", "BRISK_THREADS": "3"})
    b = brisk_factory(args=serve_args(tmp_path / "cli.db", listen=f"127.0.0.1:{cli_port}",
                                      auth="off", threads=1),
                      env=env, workdir=tmp_path)
    assert b.port == cli_port, "--listen must win over BRISK_LISTEN"
    with make_client(b.url) as c:
        # --auth off wins over BRISK_AUTH=required: no token needed.
        assert c.get("/tasks").status_code == 200
        create_task(c, title="cli wins")
    assert b.stop() == 0
    assert (tmp_path / "cli.db").exists()
    assert not (tmp_path / "env.db").exists(), "BRISK_DB used although --db was given"


@pytest.mark.parametrize("var,value", [
    ("BRISK_THREADS", "0"),
    ("BRISK_THREADS", "many"),
    ("BRISK_LISTEN", "nonsense"),
    ("BRISK_AUTH", "maybe"),
])
def test_bad_environment_value_is_refused(tmp_path, var, value):
    env = clean_env({"BRISK_LISTEN": "127.0.0.1:0", "BRISK_DB": str(tmp_path / "b.db"),
                     "BRISK_AUTH": "off"})
    env[var] = value
    rc, out, err = run_brisk(["serve"], env=env, cwd=tmp_path)
    assert_refuses(rc, out, err, f"{var}={value}")


@pytest.mark.parametrize("override", [
    {"--threads": "0"},
    {"--threads": "-1"},
    {"--threads": "abc"},
    {"--listen": "nonsense"},
    {"--listen": "127.0.0.1:99999"},
    {"--listen": "127.0.0.1:port"},
    {"--auth": "maybe"},
    {"--no-such-option": None},
    {"--threads": "END"},
], ids=["threads-0", "threads-negative", "threads-text", "listen-nonsense", "listen-port-range",
        "listen-port-text", "auth-maybe", "unknown-option", "missing-value"])
def test_bad_option_is_refused(tmp_path, override):
    opts = {"--listen": "127.0.0.1:0", "--db": str(tmp_path / "b.db"), "--auth": "off"}
    tail = []
    for k, v in override.items():
        if v is None:
            tail.append(k)
        elif v == "END":
            opts.pop(k, None)
            tail.append(k)  # option given last, without its value
        else:
            opts[k] = v
    args = ["serve"]
    for k, v in opts.items():
        args += [k, v]
    args += tail
    rc, out, err = run_brisk(args, cwd=tmp_path)
    assert_refuses(rc, out, err, " ".join(args[1:]))


@pytest.mark.parametrize("target", ["missing-dir", "directory", "not-sqlite"])
def test_unusable_database_is_refused(tmp_path, target):
    if target == "missing-dir":
        db = tmp_path / "no" / "such" / "dir" / "b.db"
    elif target == "directory":
        db = tmp_path / "adir"
        db.mkdir()
    else:
        db = tmp_path / "garbage.db"
        db.write_bytes(bytes(range(256)) * 40)
    rc, out, err = run_brisk(serve_args(db), cwd=tmp_path)
    assert_refuses(rc, out, err, f"--db {target}")
    assert rc > 0, f"brisk crashed (signal {-rc}) instead of reporting the error"
    if target == "not-sqlite":
        assert db.read_bytes() == bytes(range(256)) * 40, "brisk modified a file that is not its database"


def test_log_level_option(brisk_factory, tmp_path):
    b = brisk_factory(extra=["--log-level", "debug"])
    assert httpx.get(f"{b.url}/healthz", timeout=5).status_code == 200
    rc, out, err = run_brisk(serve_args(tmp_path / "b.db", extra=["--log-level", "bogus"]),
                             cwd=tmp_path)
    assert_refuses(rc, out, err, "--log-level bogus")


def test_unknown_subcommand_is_refused(tmp_path):
    rc, out, err = run_brisk(["frobnicate"], cwd=tmp_path)
    assert rc is not None and rc != 0
    assert err.strip()


@pytest.mark.sqlite_only
def test_second_server_on_same_db_is_refused(brisk_factory, tmp_path):
    db = tmp_path / "shared.db"
    a = brisk_factory(db=db, workdir=tmp_path)
    with make_client(a.url) as c:
        t = create_task(c, title="first owner")
    rc, out, err = run_brisk(serve_args(db), cwd=tmp_path)
    assert_refuses(rc, out, err, "second brisk on the same database")
    low = err.lower()
    assert "in use" in low or "lock" in low, f"message does not say the database is in use: {err!r}"
    assert db.name in err, f"message does not name the database file: {err!r}"
    # The first server is unaffected.
    with make_client(a.url) as c:
        assert c.get(f"/tasks/{t['id']}").status_code == 200
        create_task(c, title="still writable")
    assert a.stop() == 0


@pytest.mark.sqlite_only
def test_restart_on_same_file_keeps_tasks(brisk_factory, tmp_path):
    db = tmp_path / "keep.db"
    a = brisk_factory(db=db, workdir=tmp_path)
    with make_client(a.url) as c:
        t = create_task(c, title="persisted", tags=["x"], due_at="2026-11-22T09:30:00.000Z")
        t = c.patch(f"/tasks/{t['id']}", json={"priority": 4}).json()
    assert a.stop() == 0
    b = brisk_factory(db=db, workdir=tmp_path)
    with make_client(b.url) as c:
        assert c.get(f"/tasks/{t['id']}").json() == t


@pytest.mark.sqlite_only
def test_newer_schema_is_refused(brisk_factory, tmp_path):
    db = tmp_path / "future.db"
    a = brisk_factory(db=db, workdir=tmp_path)
    with make_client(a.url) as c:
        create_task(c, title="old")
    assert a.stop() == 0
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version = 999")
    con.commit()
    con.close()
    rc, out, err = run_brisk(serve_args(db), cwd=tmp_path)
    assert_refuses(rc, out, err, "database schema 999")
    assert "schema" in err.lower(), f"message does not mention the schema: {err!r}"
    assert "999" in err, f"message does not mention the schema version 999: {err!r}"
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA user_version").fetchone()[0] == 999, "brisk changed a newer schema"
    con.close()


@pytest.mark.sqlite_only
def test_memory_database_works_and_keeps_nothing(brisk_factory, tmp_path):
    a = brisk_factory(db=":memory:", workdir=tmp_path)
    with make_client(a.url) as c:
        t = create_task(c, title="ephemeral")
        assert c.get(f"/tasks/{t['id']}").status_code == 200
        assert c.get("/tasks").json()["count"] == 1
    assert a.stop() == 0
    b = brisk_factory(db=":memory:", workdir=tmp_path)
    with make_client(b.url) as c:
        assert c.get("/tasks").json() == {"tasks": [], "count": 0, "next_cursor": None}
        assert c.get(f"/tasks/{t['id']}").status_code == 404
    assert not (tmp_path / ":memory:").exists(), "a file named :memory: was created"
    left = [p.name for p in tmp_path.iterdir() if not p.name.startswith("brisk-stderr")]
    assert left == [], f":memory: left files behind: {left}"


@pytest.mark.sqlite_only
def test_two_memory_servers_are_independent(brisk_factory):
    a = brisk_factory(db=":memory:")
    b = brisk_factory(db=":memory:")
    with make_client(a.url) as ca, make_client(b.url) as cb:
        create_task(ca, title="only in a")
        assert cb.get("/tasks").json()["count"] == 0


def test_auth_off_on_open_address_is_refused(tmp_path):
    rc, out, err = run_brisk(serve_args(tmp_path / "b.db", listen="0.0.0.0:0", auth="off"),
                             cwd=tmp_path)
    assert_refuses(rc, out, err, "--auth off on 0.0.0.0 without --allow-open")


def test_auth_off_on_open_address_with_allow_open(brisk_factory):
    b = brisk_factory(listen="0.0.0.0:0", extra=["--allow-open"])
    assert httpx.get(f"http://127.0.0.1:{b.port}/healthz", timeout=5).status_code == 200


def test_auth_off_on_localhost_is_allowed(brisk_factory):
    b = brisk_factory(listen="localhost:0")
    assert httpx.get(f"http://127.0.0.1:{b.port}/healthz", timeout=5).status_code == 200


# ---------------------------------------------------------------------------
# Usage errors: one line, one prefix, exit code 2 (regressions: CLI11's own
# messages and exit codes 105, 106, 109 leaked through).

def assert_usage_error(rc, err, *needles):
    assert rc == 2, f"exit code {rc}, expected 2; stderr: {err!r}"
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got: {err!r}"
    assert lines[0].startswith("brisk: error: "), lines[0]
    for n in needles:
        assert n in lines[0], f"{n!r} not in {lines[0]!r}"


def test_unknown_command_is_named(tmp_path):
    rc, out, err = run_brisk(["frobnicate"], cwd=tmp_path)
    assert_usage_error(rc, err, "unknown command 'frobnicate'", "brisk help")
    rc, out, err = run_brisk([], cwd=tmp_path)
    assert_usage_error(rc, err, "a command is required")


def test_help_and_version_work(tmp_path):
    rc, out, err = run_brisk(["help"], cwd=tmp_path)
    assert rc == 0, err
    for command in ("serve", "openapi", "version", "rotate-key"):
        assert command in out
    rc, out, err = run_brisk(["help", "serve"], cwd=tmp_path)
    assert rc == 0 and "--listen" in out and "brisk serve" in out, out
    rc, out, err = run_brisk(["serve", "--help"], cwd=tmp_path)
    assert rc == 0 and "--threads" in out, out
    rc, out, err = run_brisk(["--version"], cwd=tmp_path)
    assert rc == 0 and re.search(r"^brisk \d+\.\d+\.\d+$", out.strip()), out


@pytest.mark.parametrize("args, needles", [
    (["serve", "--threads", "abc"], ["--threads", "'abc' is not a whole number from 1 to 256"]),
    (["serve", "--threads", "0"], ["'0' is not a whole number"]),
    (["serve", "--no-such-option"], ["unexpected argument: --no-such-option"]),
    (["serve", "one", "two", "three"], ["unexpected arguments: one two three"]),
    (["serve", "--auth", "maybe"], ["--auth"]),
    (["openapi", "extra"], ["unexpected argument: extra"]),
], ids=["threads-text", "threads-0", "unknown-option", "arguments-in-order", "auth-maybe",
        "openapi-extra"])
def test_usage_errors_are_one_line_and_exit_2(tmp_path, args, needles):
    rc, out, err = run_brisk(args, cwd=tmp_path)
    assert_usage_error(rc, err, *needles)


def test_rotate_key_refuses_a_missing_database(tmp_path):
    # Regression: it created the file and said it had replaced the key.
    rc, out, err = run_brisk(["rotate-key", "--db", str(tmp_path / "missing.db")], cwd=tmp_path)
    assert_usage_error(rc, err, "does not exist")
    assert not (tmp_path / "missing.db").exists()
    assert "replaced" not in out


def test_port_in_use_says_why_once_and_creates_no_database(brisk_factory, tmp_path):
    # Regressions: "Address already in use: Address already in use", and the
    # database files were created before the listen failed.
    a = brisk_factory()
    db = tmp_path / "never.db"
    rc, out, err = run_brisk(serve_args(db, listen=f"127.0.0.1:{a.port}"), cwd=tmp_path)
    assert_usage_error(rc, err, f"127.0.0.1:{a.port}")
    assert err.count("in use") == 1, err
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("never.db")]


def test_sigterm_right_after_the_listening_line_drains(brisk_factory, tmp_path):
    # Regression: the signal arrived before the handlers were installed and
    # killed brisk (3 of 3 tries); :memory: then left its files in /dev/shm.
    import glob
    import os
    for _ in range(5):
        b = brisk_factory(db=":memory:")
        pid = b.proc.pid
        b.signal(signal.SIGTERM)
        assert b.wait(10) == 0, "brisk did not exit 0 on a SIGTERM right after listening"
        assert not glob.glob(f"/dev/shm/brisk-memory-{pid}-*") + glob.glob(f"/tmp/brisk-memory-{pid}-*")
