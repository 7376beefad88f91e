#!/usr/bin/python3
"""Turns the requests the end-to-end tests send into the fuzz targets' seeds.

Usage: fuzz/make_seeds.py RECORDED_DIR OUT_DIR
RECORDED_DIR holds requests-*.jsonl written by tests/e2e (with
BRISK_RECORD_REQUESTS set; `make fuzz-seeds` does this); OUT_DIR gets one
<target>.jsonl per fuzz target: one JSON string per line, the seed's bytes
as latin-1 text, deduplicated, at most MAX_SEEDS per target (a fixed-seed
sample), sorted so that a regenerated file diffs cleanly.
"""
import base64
import hashlib
import json
import random
import struct
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

MAX_SEEDS = 400


def requests_in(raw: bytes):
    """(method, target, {lower name: value}, body) of each complete request in raw."""
    while raw:
        end = raw.find(b"\r\n\r\n")
        if end < 0:
            return
        head, rest = raw[:end].decode("latin-1"), raw[end + 4:]
        lines = head.split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            return
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        body = b""
        if headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                nl = rest.find(b"\r\n")
                if nl < 0:
                    return
                try:
                    n = int(rest[:nl].split(b";")[0], 16)
                except ValueError:
                    return
                body += rest[nl + 2:nl + 2 + n]
                rest = rest[nl + 4 + n:]
                if n == 0:
                    rest = rest[rest.find(b"\r\n") + 2:] if not rest.startswith(b"\r\n") else rest[2:]
                    break
        else:
            try:
                n = int(headers.get("content-length", "0"))
            except ValueError:
                return
            body, rest = rest[:n], rest[n:]
        yield parts[0], parts[1], headers, body
        raw = rest


def fdp_string(s: bytes) -> bytes:
    """s as FuzzedDataProvider::ConsumeRandomLengthString reads it back."""
    return s.replace(b"\\", b"\\\\") + b"\\x"


def b64url(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def seeds_of(raw: bytes, out: dict):
    h = hashlib.sha1(raw).digest()[:4]
    out["http_framing"].add(h + raw)
    out["http_framing"].add(b"\0\0\0\0" + raw)
    for method, target, headers, body in requests_in(raw):
        path, _, query = target.partition("?")
        if path == "/tasks" and method == "POST":
            out["task_body"].add(b"\0" + body)
        elif path.startswith("/tasks/") and method in ("PUT", "PATCH"):
            out["task_body"].add(b"\1" + body)
        elif path == "/auth/register":
            out["auth_body"].add(b"\0" + body)
        elif path == "/auth/token":
            form = "form" in headers.get("content-type", "")
            out["auth_body"].add((b"\2" if form else b"\1") + body)
        if path == "/tasks" and method in ("GET", "HEAD"):
            out["list_query"].add(query.encode("latin-1"))
            for name, value in parse_qsl(query, keep_blank_values=True):
                if name == "cursor":
                    out["cursor"].add(b"\0" + value.encode("latin-1"))
        for name in ("if-match", "if-none-match", "idempotency-key"):
            if name in headers:
                out["conditional_headers"].add(headers[name].encode("latin-1") +
                                               struct.pack("<q", 1))
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            token = auth[7:]
            out["jwt"].add(b"\0" + token.encode("latin-1"))
            parts = token.split(".")
            if len(parts) == 3:
                try:
                    header, payload = b64url(parts[0]), b64url(parts[1])
                except ValueError:
                    continue
                out["jwt"].add(b"\1" + fdp_string(header) + fdp_string(payload) + bytes(10))


def main() -> int:
    recorded, dest = Path(sys.argv[1]), Path(sys.argv[2])
    targets = ["http_framing", "task_body", "auth_body", "list_query", "cursor",
               "conditional_headers", "jwt"]
    out = {t: set() for t in targets}
    for f in sorted(recorded.glob("requests-*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            seeds_of(json.loads(line)["raw"].encode("latin-1"), out)
    dest.mkdir(parents=True, exist_ok=True)
    rng = random.Random(15)
    for t in targets:
        seeds = sorted(out[t])
        if len(seeds) > MAX_SEEDS:
            seeds = sorted(rng.sample(seeds, MAX_SEEDS))
        with open(dest / f"{t}.jsonl", "w", encoding="utf-8") as f:
            for s in seeds:
                f.write(json.dumps(s.decode("latin-1")) + "\n")
        print(f"{t}: {len(seeds)} seeds (of {len(out[t])})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
