"""Schema-driven: the request schemas in the served OpenAPI document agree
with brisk's validation.

For every operation with a request body, bodies are generated from its JSON
Schema alone: valid ones (every property at its bounds, every enum value,
each property alone) must be accepted and echoed; for every constraint
keyword of every property, a body that breaks that keyword must get a 422
whose errors are all at that property's loc. An independent validator
(python3-jsonschema, Draft 2020-12) confirms that each generated body is
valid or invalid as intended, so the generator cannot fool itself. A keyword
the generator does not know how to break fails the test, so new constraints
in the models cannot go untested.
"""
from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest
import re
import urllib.parse

from jsonschema import Draft202012Validator, FormatChecker

from e2e_helpers import create_task, json_bytes, validation_errors

FORM = "application/x-www-form-urlencoded"
# Keywords that only annotate.
ANNOTATIONS = {"description", "examples", "default", "readOnly", "writeOnly", "title",
               "deprecated", "$comment"}
# A mix of 1-, 2-, 3- and 4-byte UTF-8 characters: lengths are in code points.
ALPHABET = "aé€😀bZ字🎉x"
# Unicode White_Space without the C0 controls (titles and tags refuse those).
WHITE_SPACE = " \x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000"
CONTROLS = "\t\n\x0b\x0c\r\x00\x01\x1f\x7f"
DATE_TIMES = ["2026-11-22T09:30:00Z", "2026-11-22T09:30:00.123Z", "1999-12-31t23:59:59.5z",
              "2026-11-22T09:30:00.123456+05:30", "2000-02-29T00:00:00-08:00",
              "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z"]


def text(n: int, salt: int = 0) -> str:
    """n code points, never only white space."""
    return "".join(ALPHABET[(i + salt) % len(ALPHABET)] for i in range(n))


def types_of(schema: dict) -> list:
    t = schema.get("type")
    return t if isinstance(t, list) else [t]


# ---------------------------------------------------------------------------
# Valid values
# ---------------------------------------------------------------------------

# Characters to build strings for a `pattern` from: those that the pattern
# accepts one by one (JSON Schema patterns are unanchored searches; brisk's
# are either "not only white space" or an anchored character class).
PATTERN_CANDIDATES = ALPHABET + "abcxyz0129_.-ABCZ !#$@~" + WHITE_SPACE


def is_not_blank_pattern(pattern: str) -> bool:
    return re.search(pattern, "  x  ") is not None and re.search(pattern, WHITE_SPACE) is None


def pattern_text(pattern: str, n: int, salt: int = 0) -> str:
    """n code points matching `pattern` (an anchored class or not-blank)."""
    if is_not_blank_pattern(pattern):
        return text(n, salt)
    chars = [c for c in PATTERN_CANDIDATES if re.search(pattern, c)]
    out = "".join(chars[(i + salt) % len(chars)] for i in range(n))
    assert re.search(pattern, out), f"cannot build a string for pattern {pattern!r}"
    return out


def valid_strings(s: dict) -> list:
    if "enum" in s:
        return list(s["enum"])
    if s.get("format") == "date-time":
        return list(DATE_TIMES)
    lo, hi = s.get("minLength", 0), s.get("maxLength", 64)
    lengths = sorted({lo, hi, (lo + hi) // 2, max(lo, 1)} - ({0} if "pattern" in s else set()))
    if "pattern" in s:
        values = [pattern_text(s["pattern"], n, salt=n) for n in lengths]
        if is_not_blank_pattern(s["pattern"]):
            # Surrounding white space is kept and allowed; only all-white-space is not.
            values.append(WHITE_SPACE[: max(0, min(hi, len(WHITE_SPACE) + 1) - 1)] + "x")
        return values
    values = [text(n, salt=n) for n in lengths]
    if lo == 0:
        values.append(WHITE_SPACE[:hi])
    return values


def valid_values(s: dict) -> list:
    out = []
    for t in types_of(s):
        if t == "null":
            out.append(None)
        elif t == "string":
            out += valid_strings(s)
        elif t == "integer":
            lo, hi = s.get("minimum", -5), s.get("maximum", 5)
            out += sorted({lo, hi, (lo + hi) // 2})
        elif t == "array":
            item = s["items"]
            lo, hi = s.get("minItems", 0), s.get("maxItems", 5)
            ilo, ihi = max(item.get("minLength", 1), 1), item.get("maxLength", 8)
            # Distinct items (by their first character) at both length bounds.
            distinct = [chr(0x4E00 + i) + text((ihi if i % 2 else ilo) - 1, salt=i)
                        for i in range(hi)]
            out += [distinct[:lo], distinct[:hi], valid_strings(item)[:1]]
        else:
            raise AssertionError(f"no generator for type {t!r}")
    return out


# ---------------------------------------------------------------------------
# Invalid values: one per constraint keyword
# ---------------------------------------------------------------------------

def break_keyword(s: dict, keyword: str):
    """(value, index) where value breaks `keyword` of property schema s and
    index is the list item the error is about (None for the property)."""
    if keyword == "type":
        return (12345 if "integer" not in types_of(s) else "12"), None
    if keyword == "minLength":
        if "pattern" in s:
            return pattern_text(s["pattern"], s["minLength"] - 1), None
        return text(s["minLength"] - 1), None
    if keyword == "maxLength":
        if "pattern" in s:
            return pattern_text(s["pattern"], s["maxLength"] + 1), None
        return text(s["maxLength"] + 1), None
    if keyword == "pattern":
        n = max(s.get("minLength", 1), min(s.get("maxLength", 10), len(WHITE_SPACE)))
        for bad in (WHITE_SPACE[:n], "A" * n, "!" * n, "é" * n, "a\r\nb"[:n].ljust(n, "\t")):
            if not re.search(s["pattern"], bad):
                return bad, None
        raise AssertionError(f"cannot break pattern {s['pattern']!r}")
    if keyword == "enum":
        return "not-" + s["enum"][0], None
    if keyword == "minimum":
        return s["minimum"] - 1, None
    if keyword == "maximum":
        return s["maximum"] + 1, None
    if keyword == "format" and s["format"] == "date-time":
        return "2026-11-22T09:30:00", None  # no offset: not RFC 3339
    if keyword == "maxItems":
        return [text(3, salt=i) + str(i) for i in range(s["maxItems"] + 1)], None
    if keyword == "minItems":
        return [text(3, salt=i) + str(i) for i in range(s["minItems"] - 1)], None
    if keyword == "uniqueItems":
        return ["same", "same"], 1
    if keyword == "items":
        return None  # broken through the item schema's own keywords
    raise AssertionError(f"the test does not know how to break {keyword!r} in {s}")


def item_breakers(s: dict):
    """(value, index) pairs breaking each keyword of an array's item schema."""
    item = s["items"]
    for kw in item:
        if kw in ANNOTATIONS:
            continue
        bad, _ = break_keyword(item, kw)
        yield kw, ["ok", bad], 1


# ---------------------------------------------------------------------------
# The operations with request bodies, from the document
# ---------------------------------------------------------------------------

def resolve(doc: dict, schema: dict) -> dict:
    ref = schema.get("$ref")
    if not ref:
        return schema
    node = doc
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def body_operations(doc: dict) -> list:
    ops = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            rb = op.get("requestBody") if isinstance(op, dict) else None
            if not rb:
                continue
            for media, content in rb["content"].items():
                ops.append((method.upper(), path, media, resolve(doc, content["schema"]),
                            op["responses"]))
    return ops


@pytest.fixture(scope="module")
def document(client_module):
    r = client_module.get("/openapi.json")
    assert r.status_code == 200
    return r.json()


@pytest.fixture(scope="module")
def client_module(tmp_path_factory):
    """A server with accounts (so /auth/* bodies are checked too) and a
    client that sends a token for the task routes."""
    from e2e_helpers import make_client, start_serve
    b = start_serve(tmp_path_factory.mktemp("schema"), auth="required", threads=2)
    try:
        with make_client(b.url) as c:
            r = c.post("/auth/register", json={"username": "schema.driven", "password": "p" * 12})
            assert r.status_code == 201, r.text
            r = c.post("/auth/token", json={"username": "schema.driven", "password": "p" * 12})
            assert r.status_code == 200, r.text
            c.headers["authorization"] = "Bearer " + r.json()["access_token"]
            yield c
    finally:
        b.stop()


# RFC 3339 section 5.6 date-time, checked here rather than by brisk's parser.
RFC3339 = re.compile(r"^(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(\.\d+)?"
                     r"([Zz]|[+-](\d\d):(\d\d))$")
FORMATS = FormatChecker()


@FORMATS.checks("date-time")
def is_date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    m = RFC3339.match(value)
    if not m:
        return False
    y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
    try:
        dt.date(y, mo, d)
    except ValueError:
        return False
    oh, om = (int(g) for g in m.groups()[8:10]) if m.group(9) else (0, 0)
    # Second 60 (leap seconds) is valid RFC 3339 that brisk documents it refuses.
    return h < 24 and mi < 60 and s < 60 and oh < 24 and om < 60


def validator(doc: dict, schema: dict) -> Draft202012Validator:
    return Draft202012Validator({**schema, "components": doc["components"]},
                                format_checker=FORMATS)


_usernames = itertools.count()


def unique_username(name):
    """Registration needs a new username each time: keep the generated
    length and character class, replace a prefix with a counter."""
    if not isinstance(name, str) or len(name) < 3 or not re.fullmatch(r"[a-z0-9_.-]+", name):
        return name  # an invalid username stays exactly as generated
    tag = format(next(_usernames), "x")
    return (tag + "z" + name)[: len(name)] if len(tag) + 1 <= len(name) else name


def send(client, method: str, path: str, media: str, body) -> "httpx.Response":
    if "{id}" in path:
        path = path.replace("{id}", create_task(client, title="schema-driven target")["id"])
    if path == "/auth/register" and isinstance(body, dict) and "username" in body:
        body = {**body, "username": unique_username(body["username"])}
    if media == FORM:
        content = urllib.parse.urlencode(body).encode()
    else:
        content = json_bytes(body)
    return client.request(method, path, content=content, headers={"content-type": media})


# What a valid body gets, by operation: created or changed, except a login
# with made-up credentials, which passes validation and is then refused (401),
# or throttled (429) after ten such refusals.
def accepted_statuses(path: str) -> tuple:
    return (200, 401, 429) if path == "/auth/token" else (200, 201)


def same_instant(sent: str, got: str) -> bool:
    def parse(s):
        s = s.upper().replace("Z", "+00:00")
        head, _, rest = s.partition(".")
        if rest:
            digits = "".join(itertools.takewhile(str.isdigit, rest))
            s = f"{head}.{digits[:3].ljust(3, '0')}{rest[len(digits):]}"
        return dt.datetime.fromisoformat(s)
    return parse(sent) == parse(got)


def check_echo(body: dict, task: dict, schema: dict) -> None:
    for name, value in body.items():
        prop = schema["properties"][name]
        if name == "password":
            assert "password" not in task, "a password was echoed"
            continue
        if name == "username" and isinstance(value, str):
            # Registration made the generated username unique (same length).
            assert len(task[name]) == len(value), f"{name}: sent {value!r}, got {task[name]!r}"
            continue
        if prop.get("format") == "date-time" and value is not None:
            assert same_instant(value, task[name]), f"{name}: sent {value}, got {task[name]}"
        else:
            assert task[name] == value, f"{name}: sent {value!r}, got {task[name]!r}"


def valid_bodies(schema: dict) -> list:
    props = schema["properties"]
    required = schema.get("required", [])
    values = {name: valid_values(p) for name, p in props.items()}
    bodies = []
    # Every property alone (with the required ones), every value.
    base = {r: values[r][0] for r in required}
    for name, vals in values.items():
        for v in vals:
            bodies.append({**base, name: v})
    # All properties together, cycling through the values.
    for i in range(max(len(v) for v in values.values())):
        bodies.append({name: vals[i % len(vals)] for name, vals in values.items()})
    return bodies


def invalid_bodies(schema: dict):
    """(description, body, expected loc) where body breaks one keyword."""
    props = schema["properties"]
    required = schema.get("required", [])
    base = {r: valid_values(props[r])[0] for r in required}
    if not base:
        base = {}
    for name, prop in props.items():
        for kw in prop:
            if kw in ANNOTATIONS:
                continue
            if kw == "items":
                for item_kw, bad, index in item_breakers(prop):
                    yield f"{name}.items.{item_kw}", {**base, name: bad}, ["body", name, index]
                continue
            bad, index = break_keyword(prop, kw)
            loc = ["body", name] + ([index] if index is not None else [])
            yield f"{name}.{kw}", {**base, name: bad}, loc
    for kw in schema:
        if kw in ANNOTATIONS or kw in ("type", "properties"):
            continue
        if kw == "required":
            for r in schema["required"]:
                yield f"required.{r}", {k: v for k, v in base.items() if k != r}, ["body", r]
        elif kw == "additionalProperties":
            assert schema[kw] is False
            yield "additionalProperties", {**base, "no_such_field": 1}, ["body", "no_such_field"]
            yield "additionalProperties(read-only id)", {**base, "id": "x"}, ["body", "id"]
        elif kw == "minProperties":
            assert schema[kw] == 1
            yield "minProperties", {}, ["body"]
        else:
            raise AssertionError(f"the test does not know how to break {kw!r} of a request body")


def test_document_has_request_bodies(document):
    ops = body_operations(document)
    assert {(m, p) for m, p, *_ in ops} >= {("POST", "/tasks"), ("PUT", "/tasks/{id}"),
                                            ("PATCH", "/tasks/{id}")}


def test_valid_bodies_are_accepted(document, client_module):
    checked = 0
    for method, path, media, schema, responses in body_operations(document):
        v = validator(document, schema)
        for body in valid_bodies(schema):
            errors = list(v.iter_errors(body))
            assert not errors, f"generator bug: {body} is invalid: {errors[0].message}"
            r = send(client_module, method, path, media, body)
            assert str(r.status_code) in responses, f"{method} {path}: undocumented {r.status_code}"
            assert r.status_code in accepted_statuses(path), (
                f"{method} {path} ({media}) refused a body valid by its schema: {body!r}\n{r.text}")
            if r.status_code in (200, 201) and path != "/auth/token":
                check_echo(body, r.json(), schema)
            checked += 1
    assert checked > 50


def test_bodies_breaking_one_keyword_get_422_at_that_field(document, client_module):
    checked = 0
    for method, path, media, schema, responses in body_operations(document):
        v = validator(document, schema)
        for what, body, loc in invalid_bodies(schema):
            if media == FORM and (what.endswith(".type") or what == "additionalProperties(read-only id)"
                                  or what.startswith("additionalProperties")):
                # A form carries only strings and ignores fields it does not
                # know (OAuth2 clients send grant_type, scope, client_id...).
                continue
            errors = list(v.iter_errors(body))
            assert errors, f"generator bug: {what}: {body!r} is valid by the schema"
            r = send(client_module, method, path, media, body)
            assert r.status_code == 422, (
                f"{method} {path} ({media}) accepted a body breaking {what}: {body!r}: "
                f"{r.status_code} {r.text}")
            assert "422" in responses
            locs = [l for l, _ in validation_errors(r)]
            assert loc in locs, f"{what}: expected an error at {loc}, got {locs}"
            assert all(l[: len(loc)] == loc for l in locs), f"{what}: errors elsewhere: {locs}"
            checked += 1
    assert checked > 20
