"""Request body rules: 422 validation errors (loc + type), 400 for bad JSON,
415 for the wrong media type, and the accepted boundaries."""
from __future__ import annotations

import json

import pytest

from e2e_helpers import (
    assert_errors, assert_problem, create_task, json_bytes, list_all, send_json,
    validation_errors,
)

B = "body"


def post(client, obj, ascii_only=False):
    return send_json(client, "POST", "/tasks", obj, ascii_only=ascii_only)


def post_raw(client, body: bytes, ctype="application/json"):
    headers = {"content-type": ctype} if ctype is not None else {}
    return client.post("/tasks", content=body, headers=headers)


# ---------------------------------------------------------------------------
# 422 on POST: one rule at a time
# ---------------------------------------------------------------------------

CASES = [
    # (id, body, [(loc, type)])
    ("missing-title", {}, [([B, "title"], "missing")]),
    ("missing-title-other-fields", {"priority": 2}, [([B, "title"], "missing")]),
    ("extra-field", {"title": "x", "foo": 1}, [([B, "foo"], "extra_forbidden")]),
    ("extra-field-null", {"title": "x", "foo": None}, [([B, "foo"], "extra_forbidden")]),
    ("extra-field-case", {"title": "x", "Title": "y"}, [([B, "Title"], "extra_forbidden")]),
    ("read-only-id", {"title": "x", "id": "01936f4e-8a3c-7b2e-9c1d-5f0a2b3c4d5e"},
     [([B, "id"], "read_only")]),
    ("read-only-created_at", {"title": "x", "created_at": "2026-11-22T09:30:00.123Z"},
     [([B, "created_at"], "read_only")]),
    ("read-only-updated_at", {"title": "x", "updated_at": "2026-11-22T09:30:00.123Z"},
     [([B, "updated_at"], "read_only")]),
    ("read-only-version", {"title": "x", "version": 1}, [([B, "version"], "read_only")]),
    ("title-number", {"title": 5}, [([B, "title"], "string_type")]),
    ("title-null", {"title": None}, [([B, "title"], "string_type")]),
    ("title-array", {"title": ["x"]}, [([B, "title"], "string_type")]),
    ("title-bool", {"title": True}, [([B, "title"], "string_type")]),
    ("title-empty", {"title": ""}, [([B, "title"], "string_too_short")]),
    ("title-201-ascii", {"title": "a" * 201}, [([B, "title"], "string_too_long")]),
    ("title-201-e-acute", {"title": "é" * 201}, [([B, "title"], "string_too_long")]),
    ("title-201-emoji", {"title": "😀" * 201}, [([B, "title"], "string_too_long")]),
    ("title-spaces", {"title": "   "}, [([B, "title"], "string_blank")]),
    ("title-unicode-spaces", {"title": "\u3000\u00a0"}, [([B, "title"], "string_blank")]),
    # Tabs and line breaks are control characters: refused before blankness.
    ("title-tab-newline", {"title": "\t\n\r "}, [([B, "title"], "string_pattern_mismatch")]),
    ("title-other-unicode-spaces", {"title": "\u2003\u2028\u202f\u205f\u1680\u0085"},
     [([B, "title"], "string_blank")]),
    ("description-null", {"title": "x", "description": None}, [([B, "description"], "string_type")]),
    ("description-number", {"title": "x", "description": 5}, [([B, "description"], "string_type")]),
    ("description-2001", {"title": "x", "description": "a" * 2001},
     [([B, "description"], "string_too_long")]),
    ("description-2001-multibyte", {"title": "x", "description": "é" * 2001},
     [([B, "description"], "string_too_long")]),
    ("status-null", {"title": "x", "status": None}, [([B, "status"], "string_type")]),
    ("status-number", {"title": "x", "status": 1}, [([B, "status"], "string_type")]),
    ("status-unknown", {"title": "x", "status": "finished"}, [([B, "status"], "enum")]),
    ("status-wrong-case", {"title": "x", "status": "Done"}, [([B, "status"], "enum")]),
    ("status-empty", {"title": "x", "status": ""}, [([B, "status"], "enum")]),
    ("priority-string", {"title": "x", "priority": "3"}, [([B, "priority"], "int_type")]),
    ("priority-float", {"title": "x", "priority": 2.5}, [([B, "priority"], "int_type")]),
    ("priority-bool", {"title": "x", "priority": True}, [([B, "priority"], "int_type")]),
    ("priority-null", {"title": "x", "priority": None}, [([B, "priority"], "int_type")]),
    ("priority-0", {"title": "x", "priority": 0}, [([B, "priority"], "greater_than_equal")]),
    ("priority-negative", {"title": "x", "priority": -1},
     [([B, "priority"], "greater_than_equal")]),
    ("priority-6", {"title": "x", "priority": 6}, [([B, "priority"], "less_than_equal")]),
    ("priority-huge", {"title": "x", "priority": 10 ** 30}, [([B, "priority"], None)]),
    ("due_at-number", {"title": "x", "due_at": 5}, [([B, "due_at"], "datetime_type")]),
    ("due_at-bool", {"title": "x", "due_at": False}, [([B, "due_at"], "datetime_type")]),
    ("due_at-object", {"title": "x", "due_at": {}}, [([B, "due_at"], "datetime_type")]),
    ("due_at-text", {"title": "x", "due_at": "tomorrow"}, [([B, "due_at"], "datetime_parsing")]),
    ("due_at-empty", {"title": "x", "due_at": ""}, [([B, "due_at"], "datetime_parsing")]),
    ("due_at-no-offset", {"title": "x", "due_at": "2026-11-22T10:30:00"},
     [([B, "due_at"], "datetime_parsing")]),
    ("due_at-date-only", {"title": "x", "due_at": "2026-11-22"},
     [([B, "due_at"], "datetime_parsing")]),
    ("due_at-feb-30", {"title": "x", "due_at": "2026-02-30T00:00:00Z"},
     [([B, "due_at"], "datetime_parsing")]),
    ("due_at-hour-25", {"title": "x", "due_at": "2026-11-22T25:00:00Z"},
     [([B, "due_at"], "datetime_parsing")]),
    ("due_at-trailing", {"title": "x", "due_at": "2026-11-22T10:30:00Zjunk"},
     [([B, "due_at"], "datetime_parsing")]),
    ("tags-string", {"title": "x", "tags": "work"}, [([B, "tags"], "list_type")]),
    ("tags-object", {"title": "x", "tags": {"a": 1}}, [([B, "tags"], "list_type")]),
    ("tags-null", {"title": "x", "tags": None}, [([B, "tags"], "list_type")]),
    ("tags-21", {"title": "x", "tags": [f"t{i}" for i in range(21)]}, [([B, "tags"], "too_long")]),
    ("tags-duplicate", {"title": "x", "tags": ["a", "a"]}, [([B, "tags", 1], "list_unique")]),
    ("tags-duplicate-later", {"title": "x", "tags": ["x", "a", "b", "a"]},
     [([B, "tags", 3], "list_unique")]),
    ("tags-triplicate", {"title": "x", "tags": ["a", "a", "a"]},
     [([B, "tags", 1], "list_unique"), ([B, "tags", 2], "list_unique")]),
    ("tags-two-duplicates", {"title": "x", "tags": ["a", "b", "a", "b"]},
     [([B, "tags", 2], "list_unique"), ([B, "tags", 3], "list_unique")]),
    ("tags-several-bad-items", {"title": "x", "tags": [1, "ok", "", "b" * 51]},
     [([B, "tags", 0], "string_type"), ([B, "tags", 2], "string_too_short"),
      ([B, "tags", 3], "string_too_long")]),
    ("tags-item-number", {"title": "x", "tags": [1]}, [([B, "tags", 0], "string_type")]),
    ("tags-item-null", {"title": "x", "tags": ["ok", None]}, [([B, "tags", 1], "string_type")]),
    ("tags-item-empty", {"title": "x", "tags": ["ok", ""]}, [([B, "tags", 1], "string_too_short")]),
    ("tags-item-51", {"title": "x", "tags": ["a" * 51]}, [([B, "tags", 0], "string_too_long")]),
    ("tags-item-51-multibyte", {"title": "x", "tags": ["ok", "é" * 51]},
     [([B, "tags", 1], "string_too_long")]),
]


@pytest.mark.parametrize("body,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_post_validation_error(client, body, expected):
    assert_errors(post(client, body), expected)


NON_ASCII_CASES = [c for c in CASES if not json_bytes(c[1]).isascii()]


@pytest.mark.parametrize("body,expected", [c[1:] for c in NON_ASCII_CASES],
                         ids=[c[0] for c in NON_ASCII_CASES])
def test_post_validation_error_with_ascii_escapes(client, body, expected):
    # Same rules when non-ASCII text arrives as \\u escapes instead of raw UTF-8.
    assert_errors(post(client, body, ascii_only=True), expected)


def test_every_problem_is_listed(client):
    body = {
        "title": "",
        "description": 5,
        "status": "nope",
        "priority": 0,
        "due_at": "soon",
        "tags": ["a", "a", ""],
        "bogus": 1,
        "id": "x",
    }
    assert_errors(post(client, body), [
        ([B, "title"], "string_too_short"),
        ([B, "description"], "string_type"),
        ([B, "status"], "enum"),
        ([B, "priority"], "greater_than_equal"),
        ([B, "due_at"], "datetime_parsing"),
        ([B, "tags", 1], "list_unique"),
        ([B, "tags", 2], "string_too_short"),
        ([B, "bogus"], "extra_forbidden"),
        ([B, "id"], "read_only"),
    ])


def test_missing_title_and_unknown_field_both_listed(client):
    assert_errors(post(client, {"Title": "x"}), [
        ([B, "title"], "missing"),
        ([B, "Title"], "extra_forbidden"),
    ])


def test_duplicate_key_is_422(client):
    r = post_raw(client, b'{"title": "a", "title": "b"}')
    got = validation_errors(r)
    dups = [loc for loc, typ in got if typ == "duplicate_key"]
    assert dups, f"no duplicate_key error: {got}"
    assert all(loc[0] == "body" for loc in dups)


def test_validation_error_creates_nothing(client):
    marker = "never-created-7f3a"
    r = post(client, {"title": marker, "priority": 9})
    validation_errors(r)
    assert not [t for t in list_all(client) if t["title"] == marker]


# ---------------------------------------------------------------------------
# Accepted boundaries
# ---------------------------------------------------------------------------

ACCEPTED = [
    ("title-1", {"title": "a"}),
    ("title-200-ascii", {"title": "a" * 200}),
    ("title-200-e-acute", {"title": "é" * 200}),
    ("title-200-emoji", {"title": "😀" * 200}),
    ("title-200-cjk", {"title": "日" * 200}),
    ("title-padded", {"title": " x "}),
    ("title-space-inside", {"title": "\u3000x\u00a0"}),
    ("description-empty", {"title": "x", "description": ""}),
    ("description-2000", {"title": "x", "description": "a" * 2000}),
    ("description-2000-multibyte", {"title": "x", "description": "é" * 2000}),
    ("description-2000-emoji", {"title": "x", "description": "😀" * 2000}),
    ("status-pending", {"title": "x", "status": "pending"}),
    ("status-in_progress", {"title": "x", "status": "in_progress"}),
    ("status-done", {"title": "x", "status": "done"}),
    ("priority-1", {"title": "x", "priority": 1}),
    ("priority-5", {"title": "x", "priority": 5}),
    ("tags-empty", {"title": "x", "tags": []}),
    ("tags-20", {"title": "x", "tags": [f"t{i}" for i in range(20)]}),
    ("tag-50", {"title": "x", "tags": ["a" * 50]}),
    ("tag-50-multibyte", {"title": "x", "tags": ["é" * 50, "😀" * 50]}),
    ("tags-case-distinct", {"title": "x", "tags": ["a", "A"]}),
    ("tags-order-kept", {"title": "x", "tags": ["z", "b", "m"]}),
    ("due_at-null", {"title": "x", "due_at": None}),
]


@pytest.mark.parametrize("ascii_only", [False, True], ids=["raw-utf8", "escaped"])
@pytest.mark.parametrize("body", [c[1] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_boundary_value_is_accepted(client, body, ascii_only):
    r = post(client, body, ascii_only=ascii_only)
    assert r.status_code == 201, r.text
    t = r.json()
    for k, v in body.items():
        assert t[k] == v, f"{k}: sent {v!r}, got {t[k]!r}"


def test_whitespace_then_text_title_is_not_blank(client):
    t = create_task(client, title="   x")
    assert t["title"] == "   x"


# ---------------------------------------------------------------------------
# 422 on PUT and PATCH; nothing changes
# ---------------------------------------------------------------------------

UPDATE_CASES = [
    ("empty-object", {}, [([B], "no_fields")]),
    ("title-empty", {"title": ""}, [([B, "title"], "string_too_short")]),
    ("title-blank", {"title": " \u3000"}, [([B, "title"], "string_blank")]),
    ("title-201", {"title": "😀" * 201}, [([B, "title"], "string_too_long")]),
    ("priority-0", {"priority": 0}, [([B, "priority"], "greater_than_equal")]),
    ("priority-string", {"priority": "2"}, [([B, "priority"], "int_type")]),
    ("status-unknown", {"status": "closed"}, [([B, "status"], "enum")]),
    ("due_at-bad", {"due_at": "2026-13-01T00:00:00Z"}, [([B, "due_at"], "datetime_parsing")]),
    ("tags-dup", {"tags": ["q", "w", "q"]}, [([B, "tags", 2], "list_unique")]),
    ("tags-21", {"tags": [str(i) for i in range(21)]}, [([B, "tags"], "too_long")]),
    ("read-only-id", {"id": "01936f4e-8a3c-7b2e-9c1d-5f0a2b3c4d5e"}, [([B, "id"], "read_only")]),
    ("read-only-version", {"version": 7}, [([B, "version"], "read_only")]),
    ("read-only-created_at", {"title": "ok", "created_at": "2026-11-22T09:30:00.123Z"},
     [([B, "created_at"], "read_only")]),
    ("extra", {"title": "ok", "foo": 1}, [([B, "foo"], "extra_forbidden")]),
    ("several", {"title": "", "priority": 6, "bar": True},
     [([B, "title"], "string_too_short"), ([B, "priority"], "less_than_equal"),
      ([B, "bar"], "extra_forbidden")]),
]


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
@pytest.mark.parametrize("body,expected", [c[1:] for c in UPDATE_CASES],
                         ids=[c[0] for c in UPDATE_CASES])
def test_update_validation_error_changes_nothing(client, method, body, expected):
    t = create_task(client, title="unchanged", tags=["k"], priority=3)
    assert_errors(send_json(client, method, f"/tasks/{t['id']}", body), expected)
    g = client.get(f"/tasks/{t['id']}")
    assert g.json() == t, "a rejected update changed the task"


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_update_title_null_is_422(client, method):
    t = create_task(client, title="keep")
    r = send_json(client, method, f"/tasks/{t['id']}", {"title": None})
    got = validation_errors(r)
    assert any(loc == [B, "title"] for loc, _ in got), got
    if method == "PUT":
        assert ([B, "title"], "string_type") in got
    assert client.get(f"/tasks/{t['id']}").json() == t


def test_update_of_unknown_id_with_invalid_body_is_not_500(client):
    r = send_json(client, "PATCH", "/tasks/01936f4e-8a3c-7b2e-9c1d-5f0a2b3c4d5e", {"priority": 0})
    assert r.status_code in (404, 422)


# ---------------------------------------------------------------------------
# 400: not JSON, not UTF-8, wrong top-level type, too deep
# ---------------------------------------------------------------------------

BAD_JSON = [
    ("truncated", b'{"title": "x"'),
    ("unquoted-key", b'{title: "x"}'),
    ("single-quotes", b"{'title': 'x'}"),
    ("trailing-comma", b'{"title": "x",}'),
    ("trailing-garbage", b'{"title": "x"} x'),
    ("two-values", b'{"title": "x"}{"title": "y"}'),
    ("empty-body", b""),
    ("whitespace-only", b"  \n "),
    ("bad-escape", b'{"title": "\\q"}'),
    ("control-char-in-string", b'{"title": "a\x01b"}'),
    ("nan", b'{"title": "x", "priority": NaN}'),
    ("leading-zero", b'{"title": "x", "priority": 01}'),
    ("lone-high-surrogate", b'{"title": "\\ud800"}'),
    ("lone-low-surrogate", b'{"title": "x\\udc00y"}'),
    ("reversed-surrogates", b'{"title": "\\ude00\\ud83d"}'),
    ("invalid-utf8-ff", b'{"title": "\xff"}'),
    ("invalid-utf8-truncated", b'{"title": "\xc3"}'),
    ("invalid-utf8-overlong", b'{"title": "\xc0\xaf"}'),
    ("invalid-utf8-surrogate", b'{"title": "\xed\xa0\x80"}'),
    ("invalid-utf8-beyond-10ffff", b'{"title": "\xf4\x90\x80\x80"}'),
    ("invalid-utf8-in-key", b'{"ti\xfftle": "x"}'),
    ("top-level-array", b'[{"title": "x"}]'),
    ("top-level-string", b'"x"'),
    ("top-level-number", b"1"),
    ("top-level-null", b"null"),
    ("top-level-true", b"true"),
]


@pytest.mark.parametrize("body", [c[1] for c in BAD_JSON], ids=[c[0] for c in BAD_JSON])
def test_post_bad_json_is_400(client, body):
    assert_problem(post_raw(client, body), 400)


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
@pytest.mark.parametrize("body", [b'{"title": ', b"[]", b'{"title": "\\ud800"}', b'{"t": "\xff"}',
                                  b""], ids=["truncated", "array", "surrogate", "utf8", "empty"])
def test_update_bad_json_is_400(client, method, body):
    t = create_task(client, title="bad json target")
    r = client.request(method, f"/tasks/{t['id']}", content=body,
                       headers={"content-type": "application/json"})
    assert_problem(r, 400)
    assert client.get(f"/tasks/{t['id']}").json() == t


def nested_tags(depth: int) -> bytes:
    """{"tags": [[...[]...]]} whose depth (outer object = 1) is `depth`."""
    arrays = depth - 1
    return b'{"title":"deep","tags":' + b"[" * arrays + b"]" * arrays + b"}"


def nested_tags_scalar(depth: int) -> bytes:
    """{"tags": [[...["s"]...]]}: the deepest array (level `depth`) holds a string."""
    arrays = depth - 1
    return b'{"title":"deep","tags":' + b"[" * arrays + b'"s"' + b"]" * arrays + b"}"


def nested_objects(depth: int) -> bytes:
    """{"title":"x","description":{"a":{"a":...1}}} with the given depth."""
    inner = depth - 1
    return b'{"title":"deep","description":' + b'{"a":' * inner + b"1" + b"}" * inner + b"}"


@pytest.mark.parametrize("make", [nested_tags, nested_tags_scalar, nested_objects],
                         ids=["arrays", "arrays-with-scalar", "objects"])
def test_depth_64_is_parsed_then_rejected_as_invalid(client, make):
    r = post_raw(client, make(64))
    assert r.status_code == 422, f"depth 64 must be parsed (422 for the bad field), got {r.status_code}"
    validation_errors(r)


@pytest.mark.parametrize("make", [nested_tags, nested_tags_scalar, nested_objects],
                         ids=["arrays", "arrays-with-scalar", "objects"])
@pytest.mark.parametrize("depth", [65, 66, 1000, 100000])
def test_depth_over_64_is_400(client, make, depth):
    assert_problem(post_raw(client, make(depth)), 400)


def test_depth_64_array_value_error_loc(client):
    r = post_raw(client, nested_tags(64))
    assert_errors(r, [([B, "tags", 0], "string_type")])


# ---------------------------------------------------------------------------
# 415
# ---------------------------------------------------------------------------

GOOD = json_bytes({"title": "media"})


@pytest.mark.parametrize("ctype", [
    None,
    "text/plain",
    "application/x-www-form-urlencoded",
    "application/jsonx",
    "application/json-seq",
    "text/json",
    "application/merge-patch+json",
    "",
])
def test_post_wrong_content_type_is_415(client, ctype):
    assert_problem(post_raw(client, GOOD, ctype), 415)


@pytest.mark.parametrize("ctype", [
    "application/json",
    "Application/JSON; charset=utf-8",
    "application/json;charset=UTF-8",
    "APPLICATION/JSON",
])
def test_post_json_content_type_variants_accepted(client, ctype):
    r = post_raw(client, GOOD, ctype)
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
@pytest.mark.parametrize("ctype", [None, "text/plain", "application/xml"])
def test_update_wrong_content_type_is_415(client, method, ctype):
    t = create_task(client, title="ct")
    headers = {"content-type": ctype} if ctype else {}
    r = client.request(method, f"/tasks/{t['id']}", content=b'{"title":"y"}', headers=headers)
    assert_problem(r, 415)
    assert client.get(f"/tasks/{t['id']}").json() == t


def test_put_merge_patch_is_415(client):
    t = create_task(client, title="ct")
    r = client.put(f"/tasks/{t['id']}", content=b'{"title":"y"}',
                   headers={"content-type": "application/merge-patch+json"})
    assert_problem(r, 415)
    assert client.get(f"/tasks/{t['id']}").json() == t


@pytest.mark.parametrize("ctype", ["application/merge-patch+json",
                                   "Application/Merge-Patch+JSON; charset=utf-8",
                                   "application/json; charset=utf-8"])
def test_patch_accepts_json_and_merge_patch(client, ctype):
    t = create_task(client, title="ct")
    r = client.patch(f"/tasks/{t['id']}", content=b'{"title":"y"}', headers={"content-type": ctype})
    assert r.status_code == 200, r.text
    assert r.json()["title"] == "y"


def test_error_bodies_do_not_echo_internals(client):
    # A few odd inputs; the response hook already checks every error body for
    # file paths and SQL, this makes sure the inputs are tried at all.
    for body in [b'{"title": "\'; DROP TABLE tasks; --"}', b'{"title": "x", "tags": ["\\u0000"]}',
                 b'{"title": "x", "priority": 1e400}', b'{"title": "x", "priority": -0}']:
        r = post_raw(client, body)
        assert r.status_code in (201, 400, 422), (body, r.status_code, r.text)


# Regression: titles and tags accepted raw control characters
# ({"title": "a\r\nX-Injected: 1"} -> 201). Descriptions keep newlines and tabs.
@pytest.mark.parametrize("body, loc", [
    ({"title": "a\r\nX-Injected: 1"}, [B, "title"]),
    ({"title": "tab\tin title"}, [B, "title"]),
    ({"title": "nul\u0000"}, [B, "title"]),
    ({"title": "del\u007f"}, [B, "title"]),
    ({"title": "ok", "tags": ["fine", "bad\nline"]}, [B, "tags", 1]),
])
def test_control_characters_in_title_and_tags_are_422(client, body, loc):
    assert_errors(client.post("/tasks", json=body), [(loc, "string_pattern_mismatch")])


def test_description_keeps_newlines_and_tabs(client):
    r = client.post("/tasks", json={"title": "t", "description": "line 1\n\tline 2\r\n"})
    assert r.status_code == 201, r.text
    assert r.json()["description"] == "line 1\n\tline 2\r\n"
