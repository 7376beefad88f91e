"""Idempotency-Key on POST /tasks."""
from __future__ import annotations

import threading
import uuid

import pytest

from e2e_helpers import (
    RawConn, assert_errors, assert_problem, assert_raw_problem, json_bytes, list_all, make_client,
    run_workers, send_json,
)

H = ["header", "idempotency-key"]


def post_key(client, key, body: bytes, header_name="Idempotency-Key"):
    return client.post("/tasks", content=body,
                       headers={"content-type": "application/json", header_name: key})


def unique_title(prefix="idem"):
    return f"{prefix} {uuid.uuid4()}"


def count_titled(client, title):
    return sum(1 for t in list_all(client) if t["title"] == title)


def test_retry_with_same_key_and_body_replays_first_response(client):
    key = str(uuid.uuid4())
    title = unique_title()
    body = json_bytes({"title": title, "priority": 3})
    r1 = post_key(client, key, body)
    assert r1.status_code == 201, r1.text
    assert (r1.headers.get("idempotent-replayed") or "").lower() != "true"
    r2 = post_key(client, key, body)
    assert r2.status_code == 201, r2.text
    assert r2.headers.get("idempotent-replayed") == "true"
    assert r2.json() == r1.json()
    assert r2.json()["id"] == r1.json()["id"]
    assert r2.headers.get("location") == r1.headers.get("location")
    assert r2.headers.get("etag") == r1.headers.get("etag")
    r3 = post_key(client, key, body)
    assert r3.status_code == 201 and r3.json() == r1.json()
    assert r3.headers.get("idempotent-replayed") == "true"
    assert count_titled(client, title) == 1, "a replay created another task"


def test_replay_returns_the_first_response_even_after_the_task_changed(client):
    key = str(uuid.uuid4())
    body = json_bytes({"title": unique_title()})
    r1 = post_key(client, key, body)
    assert r1.status_code == 201
    tid = r1.json()["id"]
    assert send_json(client, "PATCH", f"/tasks/{tid}", {"priority": 5}).status_code == 200
    r2 = post_key(client, key, body)
    assert r2.status_code == 201
    assert r2.json() == r1.json(), "the replay must be the first response, byte for byte in meaning"
    assert r2.headers.get("idempotent-replayed") == "true"


def test_same_key_different_body_is_422(client):
    key = str(uuid.uuid4())
    title = unique_title()
    assert post_key(client, key, json_bytes({"title": title})).status_code == 201
    r = post_key(client, key, json_bytes({"title": title + " other"}))
    assert_problem(r, 422)
    assert count_titled(client, title + " other") == 0


def test_same_key_same_json_different_bytes_is_422(client):
    key = str(uuid.uuid4())
    title = unique_title()
    assert post_key(client, key, ('{"title":"%s"}' % title).encode()).status_code == 201
    r = post_key(client, key, ('{"title": "%s"}' % title).encode())
    assert r.status_code == 422, "bodies are compared byte for byte"


def test_different_keys_create_different_tasks(client):
    title = unique_title()
    body = json_bytes({"title": title})
    r1 = post_key(client, str(uuid.uuid4()), body)
    r2 = post_key(client, str(uuid.uuid4()), body)
    assert r1.status_code == r2.status_code == 201
    assert r1.json()["id"] != r2.json()["id"]
    assert count_titled(client, title) == 2


def test_no_key_creates_every_time(client):
    title = unique_title()
    body = json_bytes({"title": title})
    ids = {client.post("/tasks", content=body, headers={"content-type": "application/json"})
           .json()["id"] for _ in range(3)}
    assert len(ids) == 3


def test_key_is_reusable_after_validation_failure(client):
    key = str(uuid.uuid4())
    bad = post_key(client, key, json_bytes({"title": ""}))
    assert bad.status_code == 422
    title = unique_title()
    body = json_bytes({"title": title})
    r1 = post_key(client, key, body)
    assert r1.status_code == 201, "a key whose first use failed with 4xx must be usable again"
    assert (r1.headers.get("idempotent-replayed") or "").lower() != "true"
    r2 = post_key(client, key, body)
    assert r2.status_code == 201 and r2.headers.get("idempotent-replayed") == "true"
    assert r2.json()["id"] == r1.json()["id"]
    assert count_titled(client, title) == 1


def test_key_is_reusable_after_bad_json(client):
    key = str(uuid.uuid4())
    assert post_key(client, key, b'{"title":').status_code == 400
    r = post_key(client, key, json_bytes({"title": unique_title()}))
    assert r.status_code == 201
    assert (r.headers.get("idempotent-replayed") or "").lower() != "true"


def test_failed_request_is_not_replayed(client):
    key = str(uuid.uuid4())
    body = json_bytes({"title": "x", "priority": 0})
    assert post_key(client, key, body).status_code == 422
    r = post_key(client, key, body)
    assert r.status_code == 422
    assert (r.headers.get("idempotent-replayed") or "").lower() != "true"


def test_header_name_is_case_insensitive(client):
    key = str(uuid.uuid4())
    body = json_bytes({"title": unique_title()})
    r1 = post_key(client, key, body, header_name="idempotency-key")
    r2 = post_key(client, key, body, header_name="IDEMPOTENCY-KEY")
    assert r1.status_code == r2.status_code == 201
    assert r2.json()["id"] == r1.json()["id"]
    assert r2.headers.get("idempotent-replayed") == "true"


def test_valid_key_boundaries_fresh(brisk_factory):
    b = brisk_factory()
    with make_client(b.url) as c:
        for key in ["a", "k" * 255, "".join(chr(x) for x in range(0x21, 0x7F))]:
            r = post_key(c, key, json_bytes({"title": "k"}))
            assert r.status_code == 201, (key, r.text)


@pytest.mark.parametrize("key", ["", "k" * 256, "has space", "tab\there", "a b c " + "d" * 100],
                         ids=["empty", "256", "space", "tab", "spaces"])
def test_invalid_key_is_422(client, key):
    r = post_key(client, key, json_bytes({"title": unique_title()}))
    assert_errors(r, [(H, None)])


@pytest.mark.parametrize("raw", [b"cl\xc3\xa9", b"\xff\xfe", b"a\x7f", b"a\x01b"],
                         ids=["utf8", "high-bytes", "del", "control"])
def test_non_visible_ascii_key_is_422(server, raw):
    body = json_bytes({"title": unique_title()})
    req = (b"POST /tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           b"Idempotency-Key: " + raw + b"\r\nContent-Length: " + str(len(body)).encode()
           + b"\r\n\r\n" + body)
    with RawConn.to(server) as conn:
        conn.send(req)
        resp = conn.read_response()
    if resp.status == 400:
        # Rejecting the header at the HTTP layer is acceptable for control bytes.
        assert_raw_problem(resp, 400)
        assert raw in (b"a\x7f", b"a\x01b"), f"key {raw!r} must give 422, got 400"
        return
    assert_raw_problem(resp, 422)
    assert any(e["loc"] == H for e in resp.json()["errors"]), resp.body


def test_concurrent_retries_create_one_task(server, client):
    key = str(uuid.uuid4())
    title = unique_title("idem race")
    body = json_bytes({"title": title})
    n = 8
    barrier = threading.Barrier(n)
    results = [None] * n

    def worker(i):
        with make_client(server.url) as c:
            barrier.wait(10)
            r = post_key(c, key, body)
            results[i] = (r.status_code, r.json() if r.status_code == 201 else None)

    run_workers(worker, n, 30)
    statuses = [r[0] for r in results]
    assert set(statuses) <= {201, 409}, statuses
    ids = {r[1]["id"] for r in results if r[0] == 201}
    assert len(ids) == 1, f"concurrent retries returned different tasks: {ids}"
    assert count_titled(client, title) == 1
    # Afterwards the key replays.
    r = post_key(client, key, body)
    assert r.status_code == 201 and r.json()["id"] in ids
    assert r.headers.get("idempotent-replayed") == "true"


def test_replay_survives_a_restart(brisk_factory, tmp_path, db_target):
    """The classic retry: the server restarts between the first attempt and
    the retry; the retry must not create a second task."""
    db = db_target
    a = brisk_factory(db=db, workdir=tmp_path)
    key = str(uuid.uuid4())
    body = json_bytes({"title": "survives restart"})
    with make_client(a.url) as c:
        r1 = post_key(c, key, body)
        assert r1.status_code == 201
    assert a.stop() == 0
    b = brisk_factory(db=db, workdir=tmp_path)
    with make_client(b.url) as c:
        r2 = post_key(c, key, body)
        assert r2.status_code == 201
        assert r2.headers.get("idempotent-replayed") == "true"
        assert r2.json() == r1.json()
        assert c.get("/tasks").json()["count"] == 1
