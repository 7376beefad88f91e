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


def _mixed_load(url, state, lock, stop, errors, k):
    """POST, PATCH and DELETE; state[id] is ("live", title), ("deleted",) or,
    while a write is unacknowledged, ("maybe", {acceptable outcomes})."""
    mine = []
    try:
        with httpx.Client(base_url=url, timeout=5) as c:
            i = 0
            while not stop.is_set():
                i += 1
                try:
                    if i % 3 == 0 and mine:
                        tid, old = mine[-1]
                        new = old + " v2"
                        with lock:
                            state[tid] = ("maybe", {("live", old), ("live", new)})
                        r = c.patch(f"/tasks/{tid}", json={"title": new})
                        if r.status_code != 200:
                            errors.append(f"PATCH {r.status_code} {r.text[:200]}")
                            return
                        with lock:
                            state[tid] = ("live", new)
                        mine[-1] = (tid, new)
                    elif i % 5 == 0 and len(mine) > 1:
                        tid, old = mine.pop(0)
                        with lock:
                            state[tid] = ("maybe", {("live", old), ("deleted",)})
                        r = c.delete(f"/tasks/{tid}")
                        if r.status_code != 204:
                            errors.append(f"DELETE {r.status_code} {r.text[:200]}")
                            return
                        with lock:
                            state[tid] = ("deleted",)
                    else:
                        title = f"mixed c{k} #{i} {uuid.uuid4().hex[:8]}"
                        r = c.post("/tasks", json={"title": title})
                        if r.status_code != 201:
                            errors.append(f"POST {r.status_code} {r.text[:200]}")
                            return
                        tid = r.json()["id"]
                        with lock:
                            state[tid] = ("live", title)
                        mine.append((tid, title))
                except httpx.HTTPError:
                    if stop.is_set():
                        return
                    time.sleep(0.01)
    except Exception as e:  # noqa: BLE001
        errors.append(repr(e))


def test_acknowledged_updates_and_deletes_survive_kill_9(tmp_path):
    db = tmp_path / "mixed.db"
    state: dict = {}
    servers = []
    try:
        for round_no in range(3):
            b = start_serve(tmp_path, db=db, threads=2)
            servers.append(b)
            lock = threading.Lock()
            stop = threading.Event()
            errors: list = []
            threads = [threading.Thread(target=_mixed_load, daemon=True,
                                        args=(b.url, state, lock, stop, errors, k))
                       for k in range(8)]
            for t in threads:
                t.start()
            time.sleep(random.uniform(0.8, 1.2))
            b.proc.send_signal(signal.SIGKILL)
            b.proc.wait(10)
            stop.set()
            for t in threads:
                t.join(15)
            assert not errors, f"round {round_no}: {errors[:5]}"

            b = start_serve(tmp_path, db=db, threads=2)
            servers.append(b)
            wrong = []
            with httpx.Client(base_url=b.url, timeout=10) as c:
                for tid, st in list(state.items()):
                    r = c.get(f"/tasks/{tid}")
                    if r.status_code == 200:
                        got = ("live", r.json()["title"])
                    elif r.status_code == 404:
                        got = ("deleted",)
                    else:
                        got = ("error", r.status_code)
                    ok = got in st[1] if st[0] == "maybe" else got == st
                    if not ok:
                        wrong.append((tid, st, got))
                    elif st[0] == "maybe":
                        state[tid] = got  # settle the uncertain outcome
            assert not wrong, (f"round {round_no}: {len(wrong)} acknowledged writes not found "
                               f"after kill -9, e.g. {wrong[:5]}")
            assert b.stop() == 0
    finally:
        for s in servers:
            if s.alive():
                s.kill()
