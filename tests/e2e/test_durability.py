"""A 2xx answer to a write means it is on stable storage: kill -9 the server
mid-load, restart on the same file, every acknowledged task is there."""
from __future__ import annotations

import random
import signal
import threading
import time
import uuid

import httpx

from e2e_helpers import list_all, make_client, start_serve

ROUNDS = 5
CLIENTS = 16


def _load(url: str, acked: dict, lock: threading.Lock, stop: threading.Event, errors: list,
          round_no: int, k: int):
    try:
        with httpx.Client(base_url=url, timeout=5) as c:
            i = 0
            while not stop.is_set():
                i += 1
                title = f"r{round_no} c{k} #{i} {uuid.uuid4().hex[:8]}"
                try:
                    r = c.post("/tasks", json={"title": title, "tags": [f"r{round_no}"]})
                except httpx.HTTPError:
                    # The server was killed (or the connection broke): nothing
                    # was acknowledged, so nothing is recorded.
                    if stop.is_set():
                        return
                    time.sleep(0.01)
                    continue
                if r.status_code == 201:
                    with lock:
                        acked[r.json()["id"]] = title
                else:
                    errors.append(f"unexpected {r.status_code}: {r.text[:200]}")
                    return
    except Exception as e:  # noqa: BLE001
        errors.append(repr(e))


def _verify(url: str, ids: list, acked: dict) -> list:
    missing = []
    lock = threading.Lock()

    def check(chunk):
        with httpx.Client(base_url=url, timeout=10) as c:
            for tid in chunk:
                r = c.get(f"/tasks/{tid}")
                if r.status_code != 200 or r.json()["title"] != acked[tid]:
                    with lock:
                        missing.append((tid, r.status_code, r.text[:100]))

    chunks = [ids[i::8] for i in range(8)]
    threads = [threading.Thread(target=check, args=(ch,)) for ch in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return missing


def test_acknowledged_writes_survive_kill_9(tmp_path):
    db = tmp_path / "durable.db"
    all_acked: dict = {}
    servers = []
    try:
        for round_no in range(ROUNDS):
            b = start_serve(tmp_path, db=db, threads=2)
            servers.append(b)
            # Everything acknowledged in earlier rounds survived the kill.
            if all_acked:
                missing = _verify(b.url, list(all_acked), all_acked)
                assert not missing, (
                    f"round {round_no}: {len(missing)} of {len(all_acked)} acknowledged tasks "
                    f"lost after kill -9, e.g. {missing[:5]}")
            acked: dict = {}
            lock = threading.Lock()
            stop = threading.Event()
            errors: list = []
            threads = [threading.Thread(target=_load, daemon=True,
                                        args=(b.url, acked, lock, stop, errors, round_no, k))
                       for k in range(CLIENTS)]
            for t in threads:
                t.start()
            time.sleep(random.uniform(1.0, 1.5))
            b.proc.send_signal(signal.SIGKILL)
            b.proc.wait(10)
            stop.set()
            for t in threads:
                t.join(15)
            assert not errors, f"round {round_no}: {errors[:5]}"
            assert acked, f"round {round_no}: no write was acknowledged in the load phase"
            with lock:
                all_acked.update(acked)

        b = start_serve(tmp_path, db=db, threads=2)
        servers.append(b)
        missing = _verify(b.url, list(all_acked), all_acked)
        assert not missing, (
            f"{len(missing)} of {len(all_acked)} acknowledged tasks lost after kill -9, "
            f"e.g. {missing[:5]}")
        with make_client(b.url) as c:
            listed = list_all(c)
        listed_ids = {t["id"] for t in listed}
        assert len(listed_ids) == len(listed), "listing returned a task twice"
        assert len(listed) >= len(all_acked)
        assert set(all_acked) <= listed_ids, "acknowledged tasks missing from the listing"
        by_id = {t["id"]: t for t in listed}
        assert all(by_id[i]["title"] == all_acked[i] for i in all_acked)
        assert b.stop() == 0
    finally:
        for s in servers:
            if s.alive():
                s.kill()
