"""The Debian package, built by CPack from the build tree (BRISK_BUILD_DIR)
as `make deb` builds it, then taken apart and installed into scratch roots:
its files, control data and maintainer scripts, the stripped binary and its
-dbgsym, the systemd unit (systemd-analyze verify and security), the
settings file against the binary's options, a real install / remove / purge
with dpkg --root (under fakeroot, so no root is needed), and lintian.

Nothing here touches the host system: every dpkg and systemd command runs
on a scratch directory.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import re
import selectors
import shutil
import signal
import stat
import subprocess
import urllib.request
from pathlib import Path

import pytest

BUILD_DIR = Path(os.environ.get("BRISK_BUILD_DIR", "build/release")).resolve()
VERSION = os.environ.get("BRISK_VERSION", "")
DOCS_UI = os.environ.get("BRISK_DOCS_UI", "ON") not in ("OFF", "0", "FALSE", "NO")
UNIT = "lib/systemd/system/brisk.service"
SETTINGS = "etc/default/brisk"


def run(argv, **kw) -> subprocess.CompletedProcess:
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("timeout", 300)
    return subprocess.run([str(a) for a in argv], **kw)


def check(argv, **kw) -> str:
    p = run(argv, **kw)
    assert p.returncode == 0, f"{argv} exited {p.returncode}\n{p.stdout}\n{p.stderr}"
    return p.stdout


def arch() -> str:
    return check(["dpkg", "--print-architecture"]).strip()


# ---------------------------------------------------------------------------
# Fixtures: the packages, unpacked
# ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def packages(tmp_path_factory):
    """cpack in the build tree, into a directory of its own (so `make deb`'s
    output and staging are left alone)."""
    assert VERSION, "BRISK_VERSION is not set (ctest sets it from the project version)"
    out = tmp_path_factory.mktemp("cpack")
    check(["cpack", "-G", "DEB", "-B", out, "--config", BUILD_DIR / "CPackConfig.cmake"],
          cwd=BUILD_DIR)
    deb = out / f"brisk_{VERSION}_{arch()}.deb"
    ddeb = out / f"brisk-dbgsym_{VERSION}_{arch()}.ddeb"
    made = sorted(p.name for p in out.iterdir() if p.is_file())
    assert deb.is_file() and ddeb.is_file(), f"cpack made {made}"
    return {"deb": deb, "ddeb": ddeb, "dir": out}


@pytest.fixture(scope="session")
def root(packages, tmp_path_factory) -> Path:
    """The package's files, unpacked with dpkg -x."""
    r = tmp_path_factory.mktemp("root")
    check(["dpkg", "-x", packages["deb"], r])
    return r


@pytest.fixture(scope="session")
def control(packages, tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("control") / "DEBIAN"
    check(["dpkg-deb", "--control", packages["deb"], d])
    return d


@pytest.fixture(scope="session")
def dbg_root(packages, tmp_path_factory) -> Path:
    r = tmp_path_factory.mktemp("dbgsym")
    check(["dpkg", "-x", packages["ddeb"], r])
    return r


def contents(deb: Path) -> dict:
    """path -> (mode string, owner/group) from dpkg-deb --contents."""
    entries = {}
    for line in check(["dpkg-deb", "--contents", deb]).splitlines():
        fields = line.split(None, 5)
        path = fields[5].split(" -> ")[0]
        entries[path] = (fields[0], fields[1])
    return entries


def section_names(elf: Path) -> set:
    out = check(["readelf", "--wide", "--section-headers", elf], env={"LC_ALL": "C"})
    return set(re.findall(r"^\s*\[\s*\d+\]\s+(\S+)", out, re.M))


def build_id(elf: Path) -> str:
    out = check(["readelf", "--notes", elf], env={"LC_ALL": "C"})
    m = re.search(r"Build ID: ([0-9a-f]+)", out)
    assert m, f"{elf} has no build id"
    return m.group(1)


def unit_settings(path: Path) -> list:
    """[(section, key, value)], in order (keys may repeat, so no configparser)."""
    section, out = None, []
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, value = line.split("=", 1)
        out.append((section, key.strip(), value.strip()))
    return out


def settings_lines(path: Path) -> dict:
    """The commented assignments of /etc/default/brisk: {name: value}."""
    found = {}
    for line in path.read_text().splitlines():
        m = re.fullmatch(r"#(BRISK_[A-Z_]+)=(.*)", line)
        if m:
            found[m.group(1)] = m.group(2)
    return found


# ---------------------------------------------------------------------------
# The package as a file
# ---------------------------------------------------------------------------

def test_contents_are_exactly_the_expected_files(packages):
    files = {
        "./usr/bin/brisk": "-rwxr-xr-x",
        f"./{UNIT}": "-rw-r--r--",
        f"./{SETTINGS}": "-rw-r--r--",
        "./usr/lib/sysusers.d/brisk.conf": "-rw-r--r--",
        "./usr/lib/tmpfiles.d/brisk.conf": "-rw-r--r--",
        "./usr/share/man/man1/brisk.1.gz": "-rw-r--r--",
        "./usr/share/doc/brisk/copyright": "-rw-r--r--",
        "./usr/share/doc/brisk/changelog.gz": "-rw-r--r--",
    }
    if DOCS_UI:
        files["./usr/share/doc/brisk/swagger-ui-bundle.js.LICENSE.txt"] = "-rw-r--r--"
    entries = contents(packages["deb"])
    listed = {p: m for p, (m, _) in entries.items() if not m.startswith("d")}
    assert listed == files
    for path, (mode, owner) in entries.items():
        assert owner == "root/root", f"{path} owned by {owner}"
        if mode.startswith("d"):
            assert mode == "drwxr-xr-x", f"{path}: {mode}"


def test_control_fields(packages):
    fields = {k: check(["dpkg-deb", "--field", packages["deb"], k]).strip()
              for k in ("Package", "Version", "Architecture", "Maintainer", "Section",
                        "Depends", "Description")}
    assert fields["Package"] == "brisk"
    assert fields["Version"] == VERSION
    assert fields["Architecture"] == arch()
    assert re.fullmatch(r".+ <[^@\s]+@[^@\s]+>", fields["Maintainer"]), fields["Maintainer"]
    depends = [d.strip() for d in fields["Depends"].split(",")]
    # dpkg-shlibdeps found the shared libraries; the scripts' tools are by hand.
    for lib in ("libc6", "libsqlite3-0", "libsodium23", "libstdc++6"):
        assert any(d.startswith(lib + " ") or d == lib for d in depends), (lib, depends)
    assert "systemd | systemd-sysusers" in depends
    # dlopen'ed for postgres:// (libpq_shim.hpp), so listed by hand.
    assert "libpq5 (>= 14)" in depends, depends
    assert "systemd | systemd-tmpfiles" in depends
    assert fields["Description"].startswith("fast task-management REST API server\n")


def test_md5sums_match_the_files(packages, root, control, dbg_root, tmp_path):
    def verify(md5sums: Path, tree: Path):
        lines = md5sums.read_text().splitlines()
        assert lines, f"{md5sums} is empty"
        for line in lines:
            digest, path = line.split("  ", 1)
            assert not path.startswith("/"), f"absolute path in md5sums: {path}"
            assert hashlib.md5((tree / path).read_bytes()).hexdigest() == digest, path

    verify(control / "md5sums", root)
    dbg_control = tmp_path / "DEBIAN"
    check(["dpkg-deb", "--control", packages["ddeb"], dbg_control])
    verify(dbg_control / "md5sums", dbg_root)


def test_conffiles_and_maintainer_scripts(control):
    assert (control / "conffiles").read_text() == f"/{SETTINGS}\n"
    for name in ("postinst", "prerm", "postrm"):
        script = control / name
        assert stat.S_IMODE(script.stat().st_mode) == 0o755, name
        text = script.read_text()
        assert text.startswith("#!/bin/sh\n"), name
        assert "\nset -e\n" in text, name
        check(["sh", "-n", script])
    postinst = (control / "postinst").read_text()
    assert 'systemd-sysusers ${DPKG_ROOT:+--root="$DPKG_ROOT"} brisk.conf' in postinst
    assert "systemd-tmpfiles ${DPKG_ROOT:+--root=\"$DPKG_ROOT\"} --create brisk.conf" in postinst


# ---------------------------------------------------------------------------
# The binary and its debug information
# ---------------------------------------------------------------------------

def test_packaged_binary_is_stripped_and_runs(root):
    binary = root / "usr/bin/brisk"
    built = BUILD_DIR / "brisk"
    desc = check(["file", "-b", binary], env={"LC_ALL": "C"})
    assert ", stripped" in desc, desc
    sections = section_names(binary)
    assert ".symtab" not in sections
    assert not {s for s in sections if s.startswith(".debug_")}, sections
    assert ".gnu_debuglink" in sections
    # The build tree keeps its debug information (for perf and gdb there).
    assert ".debug_info" in section_names(built)
    assert binary.stat().st_size * 5 < built.stat().st_size, (
        binary.stat().st_size, built.stat().st_size)
    assert check([binary, "version"]) == f"brisk {VERSION}\n"
    assert build_id(binary) == build_id(built)


def test_dbgsym_holds_the_debug_information_by_build_id(root, dbg_root):
    bid = build_id(root / "usr/bin/brisk")
    debug = dbg_root / f"usr/lib/debug/.build-id/{bid[:2]}/{bid[2:]}.debug"
    assert debug.is_file(), sorted(str(p) for p in dbg_root.rglob("*"))
    assert ".debug_info" in section_names(debug)
    assert build_id(debug) == bid
    assert stat.S_IMODE(debug.stat().st_mode) == 0o644
    doc = dbg_root / "usr/share/doc/brisk-dbgsym"
    assert doc.is_symlink() and os.readlink(doc) == "brisk"


# ---------------------------------------------------------------------------
# Documentation files
# ---------------------------------------------------------------------------

def gzip_header_is_reproducible(path: Path):
    head = path.read_bytes()[:10]
    assert head[:2] == b"\x1f\x8b", f"{path} is not gzip"
    assert not head[3] & 0x08, f"{path} records a file name (gzip without -n)"
    assert head[4:8] == b"\0\0\0\0", f"{path} records a time stamp (gzip without -n)"
    assert head[8] == 2, f"{path} not compressed with -9"


def test_man_page_renders_without_warnings(root):
    page = root / "usr/share/man/man1/brisk.1.gz"
    gzip_header_is_reproducible(page)
    p = run(["man", "--warnings", "-l", page],
            env={"LC_ALL": "C.UTF-8", "MANWIDTH": "80", "PATH": os.environ["PATH"]})
    assert p.returncode == 0 and p.stderr == "", p.stderr
    text = re.sub(r".\x08", "", p.stdout)
    assert f"brisk {VERSION}" in text
    for option in ("--listen", "--db", "--auth", "--allow-open", "--threads", "--rate-limit",
                   "--log-level"):
        assert option in text, option


def test_changelog_names_this_version(root):
    changelog = root / "usr/share/doc/brisk/changelog.gz"
    gzip_header_is_reproducible(changelog)
    first = gzip.decompress(changelog.read_bytes()).decode().splitlines()[0]
    assert first.startswith(f"brisk ({VERSION}) "), first


def test_copyright_is_machine_readable(root):
    text = (root / "usr/share/doc/brisk/copyright").read_text()
    assert text.startswith(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n")
    assert "\nLicense: Apache-2.0\n" in text  # the Swagger UI compiled into the binary


# ---------------------------------------------------------------------------
# /etc/default/brisk against the binary
# ---------------------------------------------------------------------------

def serve_help(binary: Path) -> str:
    return check([binary, "serve", "--help"])


def test_settings_file_names_every_serve_option(root):
    env_names = set(re.findall(r"\(Env:(BRISK_[A-Z_]+)\)", serve_help(root / "usr/bin/brisk")))
    assert len(env_names) >= 7, env_names
    assert set(settings_lines(root / SETTINGS)) == env_names


def test_settings_file_defaults_are_the_real_defaults(root):
    text = serve_help(root / "usr/bin/brisk")
    defaults = dict(re.findall(r"=(\S+) \(Env:(BRISK_[A-Z_]+)\)", text))
    defaults = {env: value for value, env in defaults.items()}
    shown = settings_lines(root / SETTINGS)
    for name in ("BRISK_LISTEN", "BRISK_AUTH", "BRISK_LOG_LEVEL"):
        assert shown[name] == defaults[name], name
    # The service's database is the unit's, not the command line's brisk.db.
    unit_env = [v for s, k, v in unit_settings(root / UNIT) if k == "Environment"]
    assert f"BRISK_DB={shown['BRISK_DB']}" in unit_env


def test_settings_file_values_start_brisk(root, tmp_path):
    """Every value shown, uncommented, is accepted: brisk serves with them
    (the database and address moved to a scratch file and a free port)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRISK_", "NOTIFY_"))}
    env.update(settings_lines(root / SETTINGS))
    env.update({"BRISK_DB": str(tmp_path / "brisk.db"), "BRISK_LISTEN": "127.0.0.1:0"})
    proc = subprocess.Popen([root / "usr/bin/brisk", "serve"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        assert sel.select(15), "no listening line within 15 s"
        line = proc.stdout.readline().decode()
        m = re.fullmatch(r"brisk listening on (http://127\.0\.0\.1:\d+)\n", line)
        assert m, (line, proc.stderr.read1().decode() if proc.poll() is not None else "")
        with urllib.request.urlopen(m.group(1) + "/healthz", timeout=5) as r:
            assert r.status == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------------------
# The systemd unit
# ---------------------------------------------------------------------------

def test_unit_settings(root):
    settings = unit_settings(root / UNIT)
    service = {}
    for section, key, value in settings:
        if section == "Service":
            service.setdefault(key, []).append(value)
    expected = {
        "Type": "notify",
        "User": "brisk",
        "Group": "brisk",
        "EnvironmentFile": "-/etc/default/brisk",
        "Environment": "BRISK_DB=/var/lib/brisk/brisk.db",
        "ExecStart": "/usr/bin/brisk serve",
        "StateDirectory": "brisk",
        "ProtectSystem": "strict",
        "ReadWritePaths": "/var/lib/brisk",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "NoNewPrivileges": "yes",
        "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
        "CapabilityBoundingSet": "",
    }
    for key, value in expected.items():
        assert service.get(key) == [value], (key, service.get(key))
    assert "@system-service" in service["SystemCallFilter"]
    # Nothing in brisk reloads its settings: no ExecReload= that would lie.
    assert "ExecReload" not in service
    assert ("Install", "WantedBy", "multi-user.target") in settings


def verify(unit: Path, root: Path) -> subprocess.CompletedProcess:
    # man finds brisk(1) (Documentation=man:brisk(1)) in the scratch root.
    env = dict(os.environ, MANPATH=str(root / "usr/share/man"), LC_ALL="C.UTF-8")
    return run(["systemd-analyze", "verify", unit], env=env)


def scratch_unit(root: Path, tmp_path: Path, edit=lambda text: text) -> Path:
    """The unit with ExecStart pointing at the scratch root's binary (verify
    checks that the program exists; /usr/bin/brisk need not on this host)."""
    text = (root / UNIT).read_text()
    assert "\nExecStart=/usr/bin/brisk " in text
    unit = tmp_path / "brisk.service"
    unit.write_text(edit(text.replace("\nExecStart=/usr/bin/brisk ",
                                      f"\nExecStart={root}/usr/bin/brisk ")))
    return unit


def test_systemd_analyze_verify_passes(root, tmp_path):
    p = verify(scratch_unit(root, tmp_path), root)
    assert p.returncode == 0 and p.stderr == "", p.stderr


def test_systemd_analyze_verify_would_catch_a_mistake(root, tmp_path):
    # The control for the test above: a misspelt key is reported on stderr.
    unit = scratch_unit(root, tmp_path, lambda t: t.replace("\nProtectHome=", "\nProtectHom="))
    p = verify(unit, root)
    assert "Unknown key 'ProtectHom'" in p.stderr, p.stderr


def test_systemd_security_exposure_is_low(root, tmp_path):
    p = run(["systemd-analyze", "security", "--offline=true", "--no-pager",
             scratch_unit(root, tmp_path)], env=dict(os.environ, LC_ALL="C.UTF-8"))
    m = re.search(r"Overall exposure level for brisk\.service: (\d+\.\d+)", p.stdout)
    assert m, p.stdout + p.stderr
    print(f"systemd-analyze security: exposure {m.group(1)}")
    # 0 is fully locked down, 10 unprotected; systemd calls below 2 "OK".
    assert float(m.group(1)) <= 2.0, p.stdout


# ---------------------------------------------------------------------------
# A real install, remove and purge in a scratch root
# ---------------------------------------------------------------------------

class ScratchDpkg:
    """dpkg --root on an empty root, maintainer scripts run outside a chroot
    with DPKG_ROOT set, under fakeroot (one state file across the calls, so
    ownership set by the scripts is seen by later calls)."""

    def __init__(self, base: Path):
        self.root = base / "root"
        self.state = base / "fakeroot.state"
        (self.root / "var/lib/dpkg/info").mkdir(parents=True)
        (self.root / "var/lib/dpkg/updates").mkdir()
        (self.root / "var/lib/dpkg/status").touch()
        self.state.touch()

    def fakeroot(self, argv) -> subprocess.CompletedProcess:
        return run(["fakeroot", "-i", self.state, "-s", self.state, "--", *argv])

    def dpkg(self, *args) -> str:
        p = self.fakeroot(["dpkg", f"--root={self.root}", "--force-script-chrootless",
                           "--force-not-root", "--force-depends", "--log=/dev/null", *args])
        assert p.returncode == 0, f"dpkg {args}: {p.returncode}\n{p.stdout}\n{p.stderr}"
        return p.stdout + p.stderr

    def owner_and_mode(self, path: str):
        out = self.fakeroot(["stat", "-c", "%u %g %a", self.root / path])
        assert out.returncode == 0, out.stderr
        uid, gid, mode = out.stdout.split()
        return int(uid), int(gid), mode


def passwd_entry(root: Path, name: str):
    for line in (root / "etc/passwd").read_text().splitlines():
        fields = line.split(":")
        if fields[0] == name:
            return fields
    return None


def test_install_remove_purge_in_a_scratch_root(packages, tmp_path):
    d = ScratchDpkg(tmp_path)
    out = d.dpkg("--install", packages["deb"])
    assert "Setting up brisk" in out, out

    # postinst: the system user (systemd-sysusers) ...
    user = passwd_entry(d.root, "brisk")
    assert user, (d.root / "etc/passwd").read_text()
    _, _, uid, gid, _, home, shell = user
    assert 0 < int(uid) < 1000, f"not a system uid: {uid}"
    assert (home, shell) == ("/var/lib/brisk", "/usr/sbin/nologin")
    assert any(line.startswith(f"brisk:x:{gid}:")
               for line in (d.root / "etc/group").read_text().splitlines())
    # ... and the database directory (systemd-tmpfiles), owned by it.
    assert d.owner_and_mode("var/lib/brisk") == (int(uid), int(gid), "750")
    assert d.owner_and_mode("usr/bin/brisk") == (0, 0, "755")
    status = check(["dpkg-query", f"--root={d.root}", "-W", "-f", "${Status} ${Conffiles}",
                    "brisk"])
    assert status.startswith("install ok installed"), status
    assert f"/{SETTINGS} " in status
    assert check([d.root / "usr/bin/brisk", "version"]) == f"brisk {VERSION}\n"

    # remove: the binary goes; the conffile stays; the unit is masked so a
    # leftover enablement link cannot start a brisk that is not there.
    d.dpkg("--remove", "brisk")
    assert not (d.root / "usr/bin/brisk").exists()
    assert not (d.root / UNIT).exists()
    assert (d.root / SETTINGS).is_file()
    mask = d.root / "etc/systemd/system/brisk.service"
    assert mask.is_symlink() and os.readlink(mask) == "/dev/null"

    # purge: the conffile and the mask go; the database directory and the
    # user stay (users' tasks are not deleted by a package manager).
    d.dpkg("--purge", "brisk")
    assert not (d.root / SETTINGS).exists()
    assert not mask.is_symlink()
    assert (d.root / "var/lib/brisk").is_dir()
    assert passwd_entry(d.root, "brisk")


def test_reinstall_keeps_the_user_and_an_edited_conffile(packages, tmp_path):
    d = ScratchDpkg(tmp_path)
    d.dpkg("--install", packages["deb"])
    uid = passwd_entry(d.root, "brisk")[2]
    settings = d.root / SETTINGS
    settings.write_text(settings.read_text() + "BRISK_THREADS=3\n")
    d.dpkg("--force-confold", "--install", packages["deb"])
    assert passwd_entry(d.root, "brisk")[2] == uid
    assert sum(1 for line in (d.root / "etc/passwd").read_text().splitlines()
               if line.startswith("brisk:")) == 1
    assert settings.read_text().endswith("BRISK_THREADS=3\n")


# ---------------------------------------------------------------------------
# lintian
# ---------------------------------------------------------------------------

def test_lintian_reports_no_errors(packages):
    if shutil.which("lintian") is None:
        pytest.fail("lintian is not installed (scripts/install-deps.sh installs it)")
    p = run(["lintian", "--fail-on", "error", "--display-info", "--pedantic",
             packages["deb"], packages["ddeb"]], timeout=600)
    print(p.stdout)
    errors = [line for line in p.stdout.splitlines() if line.startswith("E: ")]
    assert p.returncode == 0 and not errors, p.stdout + p.stderr


# ---------------------------------------------------------------------------
# make install (cmake --install --strip)
# ---------------------------------------------------------------------------

def test_make_install_is_stripped_and_leaves_out_the_system_files(tmp_path):
    check(["cmake", "--install", BUILD_DIR, "--strip", "--prefix", tmp_path / "usr"])
    installed = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    expected = ["usr/bin/brisk", "usr/share/doc/brisk/changelog.gz",
                "usr/share/doc/brisk/copyright", "usr/share/man/man1/brisk.1.gz"]
    if DOCS_UI:
        expected.append("usr/share/doc/brisk/swagger-ui-bundle.js.LICENSE.txt")
    assert installed == sorted(expected)
    binary = tmp_path / "usr/bin/brisk"
    assert ", stripped" in check(["file", "-b", binary], env={"LC_ALL": "C"})
    assert check([binary, "version"]) == f"brisk {VERSION}\n"
