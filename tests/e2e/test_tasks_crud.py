"""Create, read, update, delete of tasks; routing (404/405); health routes."""
from __future__ import annotations

import time

import pytest

from e2e_helpers import (
    HTTP_DATE_RE, MISSING_ID, TASK_KEYS, TS_RE, UUID7_RE, assert_problem, create_task,
    parse_ts, send_json, utc_now, uuid7_unix_ms,
)
import email.utils


FULL = {
    "title": "Write the report",
    "description": "Quarterly numbers, with charts",
    "status": "in_progress",
    "priority": 4,
    "due_at": "2026-11-22T09:30:00.123Z",
    "tags": ["work", "q4", "Work"],
}


def test_create_minimal_returns_201_with_defaults(client):
    r = send_json(client, "POST", "/tasks", {"title": "Write the report"})
    assert r.status_code == 201, r.text
    assert r.headers["content-type"].split(";")[0].strip().lower() == "application/json"
    t = r.json()
    assert set(t) == TASK_KEYS, f"task keys: {sorted(t)}"
    assert UUID7_RE.match(t["id"]), t["id"]
    assert t["title"] == "Write the report"
    assert t["description"] == ""
    assert t["status"] == "pending"
    assert t["priority"] == 1 and type(t["priority"]) is int
    assert t["due_at"] is None
    assert t["tags"] == []
    assert t["version"] == 1 and type(t["version"]) is int
    assert TS_RE.match(t["created_at"]), t["created_at"]
    assert TS_RE.match(t["updated_at"]), t["updated_at"]
    assert r.headers.get("location") == f"/tasks/{t['id']}"
    assert r.headers.get("etag") == '"1"'


def test_create_timestamps_and_uuid_time_are_now(client):
    t = create_task(client, title="clock")
    now = utc_now()
    created = parse_ts(t["created_at"])
    assert abs((now - created).total_seconds()) < 60, (t["created_at"], now)
    assert parse_ts(t["updated_at"]) >= created
    id_ms = uuid7_unix_ms(t["id"])
    assert abs(id_ms / 1000 - now.timestamp()) < 60, "UUIDv7 timestamp is not the creation time"


def test_create_with_every_field_roundtrips(client):
    r = send_json(client, "POST", "/tasks", FULL)
    assert r.status_code == 201, r.text
    t = r.json()
    for k, v in FULL.items():
        assert t[k] == v, f"{k}: sent {v!r}, got {t[k]!r}"
    assert t["version"] == 1


def test_get_returns_same_task_and_etag(client):
    created = send_json(client, "POST", "/tasks", FULL).json()
    r = client.get(f"/tasks/{created['id']}")
    assert r.status_code == 200, r.text
    assert r.json() == created
    assert r.headers.get("etag") == '"1"'
    assert r.headers["content-type"].split(";")[0].strip().lower() == "application/json"


def test_location_header_resolves_to_task(client):
    r = send_json(client, "POST", "/tasks", {"title": "follow me"})
    assert r.status_code == 201
    g = client.get(r.headers["location"])
    assert g.status_code == 200
    assert g.json() == r.json()


def test_ids_are_unique_and_time_ordered(client):
    ids = []
    for i in range(6):
        ids.append(create_task(client, title=f"ordered {i}")["id"])
        time.sleep(0.003)
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids), f"UUIDv7 ids of successive creations are not increasing: {ids}"


def test_title_is_stored_untrimmed(client):
    t = create_task(client, title=" x ")
    assert t["title"] == " x "
    assert client.get(f"/tasks/{t['id']}").json()["title"] == " x "


@pytest.mark.parametrize("ascii_only", [False, True], ids=["raw-utf8", "escaped"])
def test_unicode_text_roundtrips(client, ascii_only):
    fields = {"title": "Zürich 😀 日本 \u00a0!", "description": "naïve ☃\nline 2\t\"quoted\" \\",
              "tags": ["ümlaut", "😀", "a/b"]}
    r = send_json(client, "POST", "/tasks", fields, ascii_only=ascii_only)
    assert r.status_code == 201, r.text
    t = r.json()
    for k, v in fields.items():
        assert t[k] == v
    assert client.get(f"/tasks/{t['id']}").json() == t


def test_nul_character_roundtrips(client):
    # In a description (titles and tags refuse control characters).
    fields = {"title": "ab", "description": "x\u0000y", "tags": ["t"]}
    t = create_task(client, **fields)
    for k, v in fields.items():
        assert t[k] == v
    assert client.get(f"/tasks/{t['id']}").json() == t


def test_escaped_surrogate_pair_is_decoded(client):
    body = b'{"title":"smile \\ud83d\\ude00"}'
    r = client.post("/tasks", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 201, r.text
    assert r.json()["title"] == "smile \U0001F600"


@pytest.mark.parametrize("sent,stored", [
    ("2026-11-22T10:30:00.5+01:00", "2026-11-22T09:30:00.500Z"),
    ("2026-11-22T09:30:00Z", "2026-11-22T09:30:00.000Z"),
    ("2026-11-22T09:30:00.123Z", "2026-11-22T09:30:00.123Z"),
    ("2026-11-22T04:00:00-05:30", "2026-11-22T09:30:00.000Z"),
    ("2026-12-31T23:30:00-01:00", "2027-01-01T00:30:00.000Z"),
    ("2024-02-29T12:00:00+00:00", "2024-02-29T12:00:00.000Z"),
    ("2026-11-22t09:30:00z", "2026-11-22T09:30:00.000Z"),
])
def test_due_at_is_normalized_to_utc_milliseconds(client, sent, stored):
    t = create_task(client, title="due", due_at=sent)
    assert t["due_at"] == stored
    assert client.get(f"/tasks/{t['id']}").json()["due_at"] == stored


def test_due_at_null_is_accepted(client):
    t = create_task(client, title="no due", due_at=None)
    assert t["due_at"] is None


def test_get_unknown_id_is_404_problem(client):
    r = client.get(f"/tasks/{MISSING_ID}")
    assert_problem(r, 404)


@pytest.mark.parametrize("bad_id", [
    "abc",
    "12345",
    "01936f4e-8a3c-7b2e-9c1d-5f0a2b3c4d5",      # one digit short
    "01936f4e-8a3c-7b2e-9c1d-5f0a2b3c4d5e0",    # one digit long
    "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz",
    "01936f4e8a3c7b2e9c1d5f0a2b3c4d5e",
])
@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_malformed_id_is_404(client, method, bad_id):
    if method in ("PUT", "PATCH"):
        r = send_json(client, method, f"/tasks/{bad_id}", {"title": "x"})
    else:
        r = client.request(method, f"/tasks/{bad_id}")
    assert_problem(r, 404)


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_write_to_unknown_id_is_404(client, method):
    if method == "DELETE":
        r = client.delete(f"/tasks/{MISSING_ID}")
    else:
        r = send_json(client, method, f"/tasks/{MISSING_ID}", {"title": "x"})
    assert_problem(r, 404)


def test_put_updates_only_given_fields(client):
    t = send_json(client, "POST", "/tasks", FULL).json()
    r = send_json(client, "PUT", f"/tasks/{t['id']}", {"status": "done"})
    assert r.status_code == 200, r.text
    u = r.json()
    assert u["status"] == "done"
    for k in ("id", "title", "description", "priority", "due_at", "tags", "created_at"):
        assert u[k] == t[k], f"PUT {{status}} changed {k}: {t[k]!r} -> {u[k]!r}"
    assert u["version"] == 2
    assert r.headers.get("etag") == '"2"'
    assert client.get(f"/tasks/{t['id']}").json() == u


def test_put_status_only_keeps_due_at(client):
    t = create_task(client, title="keep due", due_at="2026-11-22T09:30:00.000Z")
    u = send_json(client, "PUT", f"/tasks/{t['id']}", {"status": "done"}).json()
    assert u["due_at"] == "2026-11-22T09:30:00.000Z"
    assert u["status"] == "done"


def test_put_can_change_every_writable_field(client):
    t = create_task(client, title="before")
    new = {"title": "after", "description": "d", "status": "in_progress", "priority": 5,
           "due_at": "2030-01-02T03:04:05.678Z", "tags": ["b", "a"]}
    r = send_json(client, "PUT", f"/tasks/{t['id']}", new)
    assert r.status_code == 200, r.text
    u = r.json()
    for k, v in new.items():
        assert u[k] == v
    assert u["version"] == 2


@pytest.mark.parametrize("ctype", ["application/json", "application/merge-patch+json"])
def test_patch_updates_only_given_fields(client, ctype):
    t = send_json(client, "POST", "/tasks", FULL).json()
    r = client.patch(f"/tasks/{t['id']}", content=b'{"priority": 2, "tags": []}',
                     headers={"content-type": ctype})
    assert r.status_code == 200, r.text
    u = r.json()
    assert u["priority"] == 2 and u["tags"] == []
    for k in ("title", "description", "status", "due_at", "created_at"):
        assert u[k] == t[k]
    assert u["version"] == 2
    assert r.headers.get("etag") == '"2"'


def test_patch_null_clears_due_at(client):
    t = create_task(client, title="clear me", due_at="2026-11-22T09:30:00.000Z")
    r = client.patch(f"/tasks/{t['id']}", content=b'{"due_at": null}',
                     headers={"content-type": "application/merge-patch+json"})
    assert r.status_code == 200, r.text
    assert r.json()["due_at"] is None
    assert client.get(f"/tasks/{t['id']}").json()["due_at"] is None


def test_patch_sets_due_at_with_offset(client):
    t = create_task(client, title="set due")
    r = send_json(client, "PATCH", f"/tasks/{t['id']}", {"due_at": "2026-11-22T10:30:00.5+01:00"})
    assert r.status_code == 200, r.text
    assert r.json()["due_at"] == "2026-11-22T09:30:00.500Z"


def test_version_increments_even_when_nothing_changes(client):
    t = create_task(client, title="same")
    r1 = send_json(client, "PUT", f"/tasks/{t['id']}", {"title": "same"})
    assert r1.status_code == 200 and r1.json()["version"] == 2
    r2 = send_json(client, "PATCH", f"/tasks/{t['id']}", {"title": "same"})
    assert r2.status_code == 200 and r2.json()["version"] == 3
    assert r2.headers.get("etag") == '"3"'
    g = client.get(f"/tasks/{t['id']}")
    assert g.json()["version"] == 3 and g.headers.get("etag") == '"3"'


def test_update_changes_updated_at_not_created_at(client):
    t = create_task(client, title="times")
    time.sleep(0.02)
    u = send_json(client, "PATCH", f"/tasks/{t['id']}", {"priority": 3}).json()
    assert u["created_at"] == t["created_at"]
    assert TS_RE.match(u["updated_at"])
    assert parse_ts(u["updated_at"]) > parse_ts(t["updated_at"])
    time.sleep(0.02)
    v = send_json(client, "PUT", f"/tasks/{t['id']}", {"priority": 3}).json()
    assert v["created_at"] == t["created_at"]
    assert parse_ts(v["updated_at"]) > parse_ts(u["updated_at"])


def test_delete_then_get_and_delete_again_are_404(client):
    t = create_task(client, title="doomed")
    r = client.delete(f"/tasks/{t['id']}")
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert_problem(client.get(f"/tasks/{t['id']}"), 404)
    assert_problem(client.delete(f"/tasks/{t['id']}"), 404)
    assert_problem(send_json(client, "PATCH", f"/tasks/{t['id']}", {"title": "x"}), 404)


def test_not_found_problem_shape(client):
    r = client.get(f"/tasks/{MISSING_ID}")
    doc = assert_problem(r, 404)
    assert doc["title"] == "Not Found"


def _allow(resp) -> set:
    allow = resp.headers.get("allow")
    assert allow is not None, "405 without Allow header"
    return {m.strip().upper() for m in allow.split(",") if m.strip()}


@pytest.mark.parametrize("method,path,expected", [
    ("DELETE", "/tasks", {"GET", "POST"}),
    ("PUT", "/tasks", {"GET", "POST"}),
    ("PATCH", "/tasks", {"GET", "POST"}),
    ("POST", "/tasks/{id}", {"GET", "PUT", "PATCH", "DELETE"}),
    ("POST", "/healthz", {"GET"}),
    ("DELETE", "/readyz", {"GET"}),
])
def test_wrong_method_is_405_with_allow(client, method, path, expected):
    if "{id}" in path:
        path = path.replace("{id}", create_task(client, title="405")["id"])
    r = send_json(client, method, path, {"title": "x"})
    assert_problem(r, 405)
    allow = _allow(r)
    assert expected <= allow, f"Allow {allow} lacks {expected - allow}"
    assert method not in allow


def test_post_to_unknown_task_id_path_is_405_not_404(client):
    # The route exists for any id; the method is what is wrong.
    r = send_json(client, "POST", f"/tasks/{MISSING_ID}", {"title": "x"})
    assert_problem(r, 405)
    assert "GET" in _allow(r)


@pytest.mark.parametrize("path", ["/nope", "/tasks/abc/def", "/task", "/tasksx", "/healthz/x"])
def test_unknown_path_is_404_problem(client, path):
    assert_problem(client.get(path), 404)


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_readyz(client):
    r = client.get("/readyz")
    assert r.status_code == 200


def test_date_and_server_headers_on_all_kinds_of_responses(client):
    t = create_task(client, title="headers")
    responses = [
        client.get("/healthz"),
        send_json(client, "POST", "/tasks", {"title": "h"}),
        client.get(f"/tasks/{t['id']}"),
        client.get(f"/tasks/{t['id']}", headers={"if-none-match": '"1"'}),
        send_json(client, "PUT", f"/tasks/{t['id']}", {"title": "h"}, headers={"if-match": '"9"'}),
        send_json(client, "POST", "/tasks", {"title": ""}),
        client.post("/tasks", content=b"{", headers={"content-type": "application/json"}),
        client.post("/tasks", content=b"{}", headers={"content-type": "text/plain"}),
        client.get("/nope"),
        client.delete("/tasks"),
        client.delete(f"/tasks/{t['id']}"),
    ]
    statuses = [r.status_code for r in responses]
    assert statuses == [200, 201, 200, 304, 412, 422, 400, 415, 404, 405, 204], statuses
    now = time.time()
    for r in responses:
        assert r.headers.get("server"), f"{r.status_code} without Server"
        date = r.headers.get("date")
        assert date and HTTP_DATE_RE.match(date), f"{r.status_code}: Date {date!r}"
        ts = email.utils.parsedate_to_datetime(date).timestamp()
        assert abs(ts - now) < 120, f"Date header {date!r} is not now"
