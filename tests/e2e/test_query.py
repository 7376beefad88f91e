"""GET /tasks query language: every parameter, every sort key both ways
against a reference order computed here, full-text search (prefix, every
word, diacritics, CJK, relevance), hostile search text, cursors (walks while
tasks are created and deleted between pages and concurrently, tampered and
foreign cursors), and the 422s of every bad parameter."""
from __future__ import annotations

import base64
import random
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest

from e2e_helpers import (
    assert_errors, create_concurrently, create_task, make_client, start_serve, validation_errors,
)

Q = "query"
STATUSES = ["pending", "in_progress", "done"]
TAGS = ["work", "Work", "home", "urgent", "x y", "été", "q3", "仕事"]
WORDS = ["alpha", "Alpha", "ALPHA", "beta", "report", "reporting", "draft", "review",
         "meeting", "budget", "_under", "[bracket", "Zebra", "zebra", "éclair", "東京", "a", "A",
         "Ω", "naïve", "e-mail", "Budget", "z"]
DUES = [None, None, None, "2026-11-01T10:00:00.000Z", "2026-11-01T10:00:00.000Z",
        "2026-11-02T00:00:00.000Z", "2026-12-24T18:30:00.500Z", "2027-01-01T00:00:00.000Z",
        "2026-10-31T23:59:59.999Z"]

# Tasks with known text, for the search tests (ids looked up by title).
SEARCH_TASKS = [
    {"title": "Quarterly report", "description": "numbers for the board"},
    {"title": "Café au lait", "description": "order two", "tags": ["drinks"]},
    {"title": "月次報告書を書く", "description": "東京タワーで"},
    {"title": "Zoë's birthday", "tags": ["family", "gardening"]},
    {"title": "xylophone", "description": "short"},
    {"title": "Misc chores", "description": "xylophone lesson notes for the long afternoon ahead"},
    {"title": "Send the e-mail", "description": ""},
    {"title": "Emailing list", "description": "mail merge"},
]


def random_task(rng: random.Random) -> dict:
    t = {
        "title": " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3))),
        "status": rng.choice(STATUSES),
        "priority": rng.randint(1, 5),
        "due_at": rng.choice(DUES),
        "tags": rng.sample(TAGS, rng.randint(0, 3)),
    }
    if rng.random() < 0.5:
        t["description"] = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6)))
    return t


def create_many(url: str, specs: list) -> list:
    """Creates tasks concurrently (each POST costs a delayed-ACK round trip)."""
    local = threading.local()

    def one(spec):
        if not hasattr(local, "client"):
            local.client = make_client(url)
        return create_task(local.client, **spec)

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, specs))


@pytest.fixture(scope="module")
def qserver(tmp_path_factory):
    """A server of its own with random tasks (created by 4 concurrent clients,
    so created_at ties are likely), some updated afterwards, plus SEARCH_TASKS."""
    b = start_serve(tmp_path_factory.mktemp("query"), threads=2)
    rng = random.Random(4)
    specs = [random_task(rng) for _ in range(150)]
    try:
        tasks = create_concurrently(b.url, specs)
        with make_client(b.url) as c:
            for spec in SEARCH_TASKS:
                t = create_task(c, **spec)
                tasks[t["id"]] = t
            # Updates move updated_at (and one changes the tags and text indexed).
            for i, tid in enumerate(sorted(tasks)[:40]):
                patch = {"priority": 1 + i % 5} if i % 3 else {"tags": ["work", "patched"],
                                                                "title": f"patched {i}"}
                r = c.patch(f"/tasks/{tid}", json=patch)
                assert r.status_code == 200, r.text
                tasks[tid] = r.json()
        b.tasks = tasks
        yield b
    finally:
        b.stop(signal.SIGTERM)


@pytest.fixture
def qc(qserver):
    with make_client(qserver.url) as c:
        yield c


# ---------------------------------------------------------------------------
# The reference
# ---------------------------------------------------------------------------

def title_key(t: dict) -> str:
    """ASCII letters case-insensitively, other characters by code point."""
    return "".join(chr(ord(ch) + 32) if "A" <= ch <= "Z" else ch for ch in t["title"])


def ref_sort(tasks, sort: str = "-created_at") -> list:
    desc = sort.startswith("-")
    key = sort.lstrip("-")
    if key == "due_at":
        with_due = sorted((t for t in tasks if t["due_at"]), key=lambda t: (t["due_at"], t["id"]),
                          reverse=desc)
        without = sorted((t for t in tasks if not t["due_at"]), key=lambda t: t["id"],
                         reverse=desc)
        return with_due + without
    keyf = {
        "created_at": lambda t: (t["created_at"], t["id"]),
        "updated_at": lambda t: (t["updated_at"], t["id"]),
        "priority": lambda t: (t["priority"], t["id"]),
        "title": lambda t: (title_key(t), t["id"]),
    }[key]
    return sorted(tasks, key=keyf, reverse=desc)


def ref_filter(tasks, status=None, priority=None, gte=None, lte=None, tags=(), before=None,
               after=None) -> list:
    out = []
    for t in tasks:
        if status and t["status"] not in status.split(","):
            continue
        if priority is not None and t["priority"] != priority:
            continue
        if gte is not None and t["priority"] < gte:
            continue
        if lte is not None and t["priority"] > lte:
            continue
        if any(tag not in t["tags"] for tag in tags):
            continue
        if before is not None and not (t["due_at"] and t["due_at"] < before):
            continue
        if after is not None and not (t["due_at"] and t["due_at"] > after):
            continue
        out.append(t)
    return out


def get_ok(client, params) -> dict:
    r = client.get("/tasks", params=params)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert set(doc) == {"tasks", "count", "next_cursor"}
    assert doc["count"] == len(doc["tasks"])
    return doc


def walk(client, params, limit: int) -> list:
    """Every task of a listing, page by page, checking the page contract."""
    params = dict(params)
    params["limit"] = str(limit)
    out = []
    for _ in range(5000):
        doc = get_ok(client, params)
        assert doc["count"] <= limit
        out.extend(doc["tasks"])
        if doc["next_cursor"] is None:
            return out
        assert doc["count"] == limit, "a page followed by more must be full"
        params["cursor"] = doc["next_cursor"]
    raise AssertionError("pagination does not end")


def ids(tasks) -> list:
    return [t["id"] for t in tasks]


SORTS = ["created_at", "-created_at", "updated_at", "-updated_at", "priority", "-priority",
         "due_at", "-due_at", "title", "-title"]


# ---------------------------------------------------------------------------
# Sorting
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("sort", SORTS)
def test_every_sort_matches_the_reference_order(qc, qserver, sort):
    want = ids(ref_sort(qserver.tasks.values(), sort))
    doc = get_ok(qc, {"sort": sort, "limit": "1000"})
    assert doc["next_cursor"] is None
    assert ids(doc["tasks"]) == want
    for limit in (1, 7, 50):
        assert ids(walk(qc, {"sort": sort}, limit)) == want, f"walk with limit {limit} differs"


def test_default_order_is_newest_first(qc, qserver):
    assert ids(get_ok(qc, {"limit": "1000"})["tasks"]) == ids(ref_sort(qserver.tasks.values()))


def test_sort_keys_have_ties_to_break(qserver):
    # The data set is only a fair test of tie-breaking if it has ties.
    tasks = list(qserver.tasks.values())
    for field in ("priority", "due_at"):
        values = [t[field] for t in tasks if t[field] is not None]
        assert len(values) > len(set(values)), f"no ties on {field}"
    keys = [title_key(t) for t in tasks]
    assert len(keys) > len(set(keys))


def test_tasks_without_due_date_come_last_both_ways(qc):
    for sort in ("due_at", "-due_at"):
        got = [t["due_at"] for t in get_ok(qc, {"sort": sort, "limit": "1000"})["tasks"]]
        first_null = got.index(None)
        assert all(d is None for d in got[first_null:]), sort
        assert all(d is not None for d in got[:first_null]), sort


def test_title_order_folds_only_ascii_letters(qc):
    titles = [t["title"] for t in get_ok(qc, {"sort": "title", "limit": "1000"})["tasks"]]
    keys = [title_key({"title": t}) for t in titles]
    assert keys == sorted(keys)
    # '[' (0x5B) < '_' (0x5F) < 'a' (0x61): folded to lower case, "[..." and
    # "_..." sort before letters; "É..." / "é..." and CJK after every ASCII letter.
    firsts = [k[0] for k in keys]
    assert firsts.index("[") < firsts.index("_") < firsts.index("a")
    assert firsts.index("z") < firsts.index("é") < firsts.index("東")


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------

FILTERS = [
    ({"status": "done"}, {"status": "done"}),
    ({"status": "pending,in_progress"}, {"status": "pending,in_progress"}),
    ({"status": "done,pending,in_progress"}, {}),
    ({"priority": "3"}, {"priority": 3}),
    ({"priority_gte": "4"}, {"gte": 4}),
    ({"priority_lte": "2"}, {"lte": 2}),
    ({"priority_gte": "2", "priority_lte": "4"}, {"gte": 2, "lte": 4}),
    ({"priority_gte": "4", "priority_lte": "2"}, {"gte": 4, "lte": 2}),
    ({"priority": "2", "priority_gte": "2"}, {"priority": 2}),
    ({"tag": "work"}, {"tags": ["work"]}),
    ({"tag": "Work"}, {"tags": ["Work"]}),
    ({"tag": ["work", "home"]}, {"tags": ["work", "home"]}),
    ({"tag": ["work", "home", "work"]}, {"tags": ["work", "home"]}),
    ({"tag": "x y"}, {"tags": ["x y"]}),
    ({"tag": "été"}, {"tags": ["été"]}),
    ({"tag": "仕事"}, {"tags": ["仕事"]}),
    ({"tag": "absent"}, {"tags": ["absent"]}),
    ({"due_before": "2026-11-02T00:00:00.000Z"}, {"before": "2026-11-02T00:00:00.000Z"}),
    ({"due_after": "2026-11-01T10:00:00.000Z"}, {"after": "2026-11-01T10:00:00.000Z"}),
    ({"due_after": "2026-11-01T10:00:00Z", "due_before": "2027-01-01T00:00:00Z"},
     {"after": "2026-11-01T10:00:00.000Z", "before": "2027-01-01T00:00:00.000Z"}),
    ({"status": "pending", "tag": "work", "priority_gte": "2"},
     {"status": "pending", "tags": ["work"], "gte": 2}),
    ({"status": "done,in_progress", "due_after": "2026-10-01T00:00:00Z", "tag": "home"},
     {"status": "done,in_progress", "after": "2026-10-01T00:00:00.000Z", "tags": ["home"]}),
]


@pytest.mark.parametrize("params,ref", FILTERS, ids=[urlencode(p, doseq=True) for p, _ in FILTERS])
@pytest.mark.parametrize("sort", ["-created_at", "title", "-due_at", "priority"])
def test_filters_match_the_reference(qc, qserver, params, ref, sort):
    want = ids(ref_sort(ref_filter(qserver.tasks.values(), **ref), sort))
    p = dict(params, sort=sort)
    assert ids(get_ok(qc, dict(p, limit="1000"))["tasks"]) == want
    assert ids(walk(qc, p, 4)) == want


def test_due_bounds_are_exclusive_and_accept_offsets(qc, qserver):
    at = "2026-11-01T10:00:00.000Z"
    on_bound = {t["id"] for t in qserver.tasks.values() if t["due_at"] == at}
    assert on_bound, "the data set has tasks due exactly on the bound"
    for p in ({"due_before": at}, {"due_after": at}):
        got = {t["id"] for t in get_ok(qc, dict(p, limit="1000"))["tasks"]}
        assert not got & on_bound, f"{p} is inclusive"
    # The same instant with an offset (the '+' percent-encoded, and sent raw).
    a = get_ok(qc, {"due_before": at, "limit": "1000"})["tasks"]
    b = get_ok(qc, {"due_before": "2026-11-01T11:00:00+01:00", "limit": "1000"})["tasks"]
    c = qc.get("/tasks?limit=1000&due_before=2026-11-01T11:00:00+01:00").json()["tasks"]
    assert ids(a) == ids(b) == ids(c)


def test_tasks_without_due_date_never_match_due_bounds(qc):
    for p in ({"due_before": "9999-12-31T23:59:59Z"}, {"due_after": "0001-01-01T00:00:00Z"}):
        assert all(t["due_at"] for t in get_ok(qc, dict(p, limit="1000"))["tasks"])


def test_filters_follow_updates(qc, qserver):
    patched = {t["id"] for t in qserver.tasks.values() if "patched" in t["tags"]}
    assert patched
    got = {t["id"] for t in get_ok(qc, {"tag": "patched", "limit": "1000"})["tasks"]}
    assert got == patched
    got = {t["id"] for t in get_ok(qc, {"q": "patched", "limit": "1000"})["tasks"]}
    assert got == patched


# ---------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------

def search(client, q, **params) -> list:
    return get_ok(client, dict(params, q=q, limit="1000"))["tasks"]


def titles(tasks) -> set:
    return {t["title"] for t in tasks}


def test_search_matches_words_by_prefix(qc):
    assert "Quarterly report" in titles(search(qc, "rep"))
    assert "Quarterly report" in titles(search(qc, "REPORT"))
    assert "Quarterly report" not in titles(search(qc, "reports"))
    assert "Quarterly report" in titles(search(qc, "quart rep"))
    assert "Quarterly report" in titles(search(qc, "numb"))  # description


def test_search_needs_every_word(qc):
    assert "Quarterly report" not in titles(search(qc, "report xylophone"))
    assert titles(search(qc, "quarterly numbers board")) == {"Quarterly report"}


def test_search_folds_diacritics_and_case(qc):
    for q in ("cafe", "CAFÉ", "café", "Cafe au"):
        assert "Café au lait" in titles(search(qc, q)), q
    for q in ("zoe", "ZOË"):
        assert "Zoë's birthday" in titles(search(qc, q)), q


def test_search_finds_cjk_substrings(qc):
    for q in ("報告", "報", "報告書", "月次報告書を書く", "東京", "タワー"):
        assert "月次報告書を書く" in titles(search(qc, q)), q
    assert "月次報告書を書く" not in titles(search(qc, "告報"))


def test_search_covers_tags(qc):
    assert titles(search(qc, "garden")) == {"Zoë's birthday"}
    assert "Café au lait" in titles(search(qc, "drinks"))


def test_punctuation_inside_a_word_joins_its_parts(qc):
    got = titles(search(qc, "e-mail"))
    assert "Send the e-mail" in got
    assert "Emailing list" not in got, "'e-mail' is the phrase 'e mail', not 'email'"
    assert "Emailing list" in titles(search(qc, "email"))


def test_relevance_puts_title_matches_first(qc):
    got = [t["title"] for t in search(qc, "xylophone")]
    assert got == ["xylophone", "Misc chores"]


def test_search_with_a_sort_uses_the_sort(qc):
    for sort in ("title", "-priority", "due_at"):
        got = search(qc, "rep", sort=sort)
        assert ids(got) == ids(ref_sort(got, sort))
        assert len(got) > 3


def test_search_with_filters(qc, qserver):
    everything = {t["id"] for t in search(qc, "alpha")}
    done = {t["id"] for t in search(qc, "alpha", status="done")}
    assert done and done < everything
    assert all(qserver.tasks[i]["status"] == "done" for i in done)


def test_relevance_pages_serve_every_match_once(qc):
    full = search(qc, "a")
    assert len(full) > 20
    for limit in (1, 3, 10):
        walked = walk(qc, {"q": "a"}, limit)
        assert len(ids(walked)) == len(set(ids(walked))), f"duplicates with limit {limit}"
        assert set(ids(walked)) == set(ids(full))


HOSTILE = [
    '"', '""', '"""', "'", "''", "*", "**", "-", "--", ":", "::", "(", ")", "()", "((", "))",
    "{", "}", "^", "+", "\\", "\\\\", "%", "_", ".", ",", ";", "!", "?", "~", "`", "|", "&",
    "NEAR", "near", "NEAR()", "NEAR(a b)", "NEAR(a b, 2)", "a NEAR b", "AND", "OR", "NOT",
    "a AND", "OR a", "NOT a", "a OR b", "a NOT b", "AND OR NOT", '"report', 'report"',
    '"report" OR "draft"', "rep*", "*rep", "-report", "report -draft", "title:report",
    "title : report", "{title}: report", "{title description}:x", "tasks_fts:report",
    "rank:x", "rowid:1", "report*draft", 're"po"rt', "^report", "+report", "report +",
    "' OR 1=1 --", "'; DROP TABLE tasks; --", "MATCH", "bm25(tasks_fts)", "*:*",
    "report\n", "\t", "\u3000", "\u00a0", "\u200b", "\u202e report", "🙂", "🙂 report",
    "a\x00b", "\x00", "e-mail", "e--mail", "@@@", "#", "report (draft", "report) draft(",
    "a" * 300, " ".join(["report"] * 32), " ".join(["report"] * 33), "x" * 500, "x" * 501,
]


@pytest.mark.parametrize("q", HOSTILE, ids=lambda q: repr(q)[:40])
def test_hostile_search_text_is_never_an_error_of_ours(qc, q):
    r = qc.get("/tasks", params={"q": q, "limit": "5"})
    assert r.status_code in (200, 422), f"{r.status_code}: {r.text[:300]}"
    if r.status_code == 422:
        errs = validation_errors(r)
        assert all(loc == [Q, "q"] for loc, _ in errs), errs
        assert {t for _, t in errs} <= {"search_no_words", "string_too_long", "too_long"}, errs
    # Whatever was accepted also pages without error.
    if r.status_code == 200 and r.json()["next_cursor"]:
        r2 = qc.get("/tasks", params={"q": q, "limit": "5", "cursor": r.json()["next_cursor"]})
        assert r2.status_code == 200, r2.text


@pytest.mark.parametrize("q,plain", [
    ('"report', "report"), ('report"', "report"), ("'report'", "report"), ("report:", "report"),
    ('"rep" OR "draft"', "rep or draft"), ("-report", "report"), ("rep*", "rep"),
    ("*report*", "report"), ("(report", "report"), ("^report", "report"), ("+report", "report"),
    ("{title}: report", "title report"), ("NEAR report", "near report"),
    ("✓ report", "report"), ("report\n", "report"), ("report --", "report"),
])
def test_syntax_characters_are_text_or_punctuation(qc, q, plain):
    assert ids(search(qc, q)) == ids(search(qc, plain))


def test_the_equivalence_cases_have_results(qc):
    assert len(search(qc, "report")) > 3
    assert len(search(qc, "rep")) > 3


@pytest.mark.parametrize("q", ["", " ", "+", '"', '""', "*", "-", "()", "!?", "\u3000", "✓",
                               "\x00", "...", "+ - *"])
def test_search_without_words_is_422(qc, q):
    assert_errors(qc.get("/tasks", params={"q": q}), [([Q, "q"], "search_no_words")])


def test_search_limits(qc):
    assert qc.get("/tasks", params={"q": "x" * 500}).status_code == 200
    assert_errors(qc.get("/tasks", params={"q": "x" * 501}), [([Q, "q"], "string_too_long")])
    assert qc.get("/tasks", params={"q": " ".join(["w"] * 32)}).status_code == 200
    assert_errors(qc.get("/tasks", params={"q": " ".join(["w"] * 33)}), [([Q, "q"], "too_long")])


# ---------------------------------------------------------------------------
# Bad parameters
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("params,loc,typ", [
    ({"priority": "0"}, "priority", "greater_than_equal"),
    ({"priority": "6"}, "priority", "less_than_equal"),
    ({"priority": "high"}, "priority", "int_parsing"),
    ({"priority": "2.5"}, "priority", "int_parsing"),
    ({"priority": ""}, "priority", "int_parsing"),
    ({"priority_gte": "-1"}, "priority_gte", "greater_than_equal"),
    ({"priority_gte": "x"}, "priority_gte", "int_parsing"),
    ({"priority_lte": "9"}, "priority_lte", "less_than_equal"),
    ({"priority_lte": "99999999999999999999999"}, "priority_lte", "less_than_equal"),
    ({"tag": ""}, "tag", "string_too_short"),
    ({"tag": "x" * 51}, "tag", "string_too_long"),
    ({"tag": [f"t{i}" for i in range(21)]}, "tag", "too_long"),
    ({"due_before": "tomorrow"}, "due_before", "datetime_parsing"),
    ({"due_before": "2026-02-30T00:00:00Z"}, "due_before", "datetime_parsing"),
    ({"due_after": "2026-11-01"}, "due_after", "datetime_parsing"),
    ({"due_after": ""}, "due_after", "datetime_parsing"),
    ({"sort": "name"}, "sort", "enum"),
    ({"sort": "--title"}, "sort", "enum"),
    ({"sort": "Title"}, "sort", "enum"),
    ({"sort": "title,priority"}, "sort", "enum"),
    ({"sort": ""}, "sort", "enum"),
    ({"sort": "relevance"}, "sort", "enum"),
    ({"status": "open"}, "status", "enum"),
    ({"order": "title"}, "order", "extra_forbidden"),
    ({"tags": "work"}, "tags", "extra_forbidden"),
    ({"search": "x"}, "search", "extra_forbidden"),
    ({"Q": "x"}, "Q", "extra_forbidden"),
])
def test_bad_parameter_is_422(qc, params, loc, typ):
    assert_errors(qc.get("/tasks", params=params), [([Q, loc], typ)])


@pytest.mark.parametrize("name,value", [
    ("priority", "2"), ("priority_gte", "2"), ("priority_lte", "2"), ("q", "x"), ("sort", "title"),
    ("due_before", "2026-01-01T00:00:00Z"), ("due_after", "2026-01-01T00:00:00Z"),
])
def test_repeated_single_value_parameter_is_422(qc, name, value):
    assert_errors(qc.get(f"/tasks?{name}={value}&{name}={value}"),
                  [([Q, name], "duplicate_parameter")])


def test_tag_is_repeatable(qc):
    assert qc.get("/tasks?tag=work&tag=home&tag=work").status_code == 200


def test_every_bad_parameter_is_listed(qc):
    r = qc.get("/tasks", params={"priority": "9", "priority_gte": "x", "tag": "", "q": "!",
                                 "due_before": "x", "due_after": "y", "sort": "z", "limit": "0",
                                 "status": "nope", "bogus": "1"})
    assert_errors(r, [([Q, n], None) for n in ("priority", "priority_gte", "tag", "q",
                                               "due_before", "due_after", "sort", "limit",
                                               "status", "bogus")])


# ---------------------------------------------------------------------------
# Cursors
# ---------------------------------------------------------------------------

def first_cursor(client, params) -> str:
    doc = get_ok(client, dict(params, limit="2"))
    assert isinstance(doc["next_cursor"], str), params
    return doc["next_cursor"]


CURSOR_QUERIES = [
    {"sort": "title"}, {"sort": "-due_at"}, {"sort": "priority"}, {"q": "a"},
    {"sort": "updated_at", "tag": "work"},
]


def flip(ch: str) -> str:
    return "B" if ch == "A" else "A"


@pytest.mark.parametrize("params", CURSOR_QUERIES, ids=str)
def test_tampered_cursor_is_422_at_every_position(qc, params):
    cur = first_cursor(qc, params)
    bad = []
    for i in range(len(cur)):
        r = qc.get("/tasks", params=dict(params, limit="2", cursor=cur[:i] + flip(cur[i]) + cur[i + 1:]))
        if r.status_code != 422:
            bad.append((i, r.status_code))
        else:
            assert_errors(r, [([Q, "cursor"], "cursor_invalid")])
    assert not bad, f"tampered cursor accepted at (position, status): {bad}"


@pytest.mark.parametrize("params", CURSOR_QUERIES, ids=str)
def test_truncated_or_extended_cursor_is_422(qc, params):
    cur = first_cursor(qc, params)
    for bad in (cur[:-1], cur[:-3], cur[: len(cur) // 2], cur[1:], cur + "A", cur + cur):
        assert_errors(qc.get("/tasks", params=dict(params, cursor=bad)),
                      [([Q, "cursor"], "cursor_invalid")])


def test_cursor_of_a_page_in_the_group_without_due_date(qc, qserver):
    # Walk -due_at until the page boundary falls among tasks without due_at.
    n_due = sum(1 for t in qserver.tasks.values() if t["due_at"])
    doc = get_ok(qc, {"sort": "-due_at", "limit": str(n_due + 3)})
    cur = doc["next_cursor"]
    assert cur
    rest = walk(qc, {"sort": "-due_at", "cursor": cur}, 5)
    want = ids(ref_sort(qserver.tasks.values(), "-due_at"))
    assert ids(doc["tasks"]) + ids(rest) == want
    assert_errors(qc.get("/tasks", params={"sort": "due_at", "cursor": cur}),
                  [([Q, "cursor"], "cursor_invalid")])


@pytest.mark.parametrize("made,used", [
    ({"sort": "title"}, {"sort": "-title"}),
    ({"sort": "title"}, {}),
    ({"sort": "priority"}, {"sort": "-priority"}),
    ({"sort": "due_at"}, {"sort": "updated_at"}),
    ({"q": "a"}, {"q": "al"}),
    ({"q": "a"}, {"q": "a", "sort": "-created_at"}),
    ({"q": "a"}, {}),
    ({}, {"q": "a"}),
    ({"tag": "work"}, {"tag": "Work"}),
    ({"tag": "work"}, {"tag": ["work", "home"]}),
    ({"priority": "3"}, {"priority": "4"}),
    ({"priority_gte": "2"}, {"priority_gte": "2", "priority_lte": "4"}),
    ({"due_after": "2026-01-01T00:00:00Z"}, {"due_after": "2026-01-01T00:00:00.001Z"}),
    ({"status": "done", "sort": "title"}, {"status": "pending", "sort": "title"}),
])
def test_cursor_for_another_query_is_422(qc, made, used):
    cur = first_cursor(qc, made)
    assert_errors(qc.get("/tasks", params=dict(used, cursor=cur)),
                  [([Q, "cursor"], "cursor_invalid")])
    assert qc.get("/tasks", params=dict(made, cursor=cur)).status_code == 200


def test_cursor_survives_a_changed_limit_and_equivalent_parameters(qc):
    cur = first_cursor(qc, {"q": "ÉCLAIR"})
    r = qc.get("/tasks", params={"q": "eclair", "limit": "50", "cursor": cur})
    assert r.status_code == 200, r.text
    cur = first_cursor(qc, {"q": "Alpha", "tag": ["work"], "status": "done,pending"})
    r = qc.get("/tasks", params={"q": "alpha", "tag": ["work", "work"], "limit": "50",
                                 "status": "pending,done", "cursor": cur})
    assert r.status_code == 200, r.text


def test_cursor_of_another_server_is_422(qc, brisk_factory):
    other = brisk_factory()
    with make_client(other.url) as c:
        for i in range(3):
            create_task(c, title=f"other {i}")
        cur = first_cursor(c, {"sort": "title"})
    assert_errors(qc.get("/tasks", params={"sort": "title", "cursor": cur}),
                  [([Q, "cursor"], "cursor_invalid")])


@pytest.mark.parametrize("cursor", [
    "", "x", "!!!!", "A" * 3000,
    base64.urlsafe_b64encode(b"\x02\x09\x02\x03\xe8" + b"a" * 1000 + b"\x00" * 32).decode().rstrip("="),
    base64.urlsafe_b64encode(b"\x02" + b"\x00" * 34).decode().rstrip("="),
], ids=["empty", "x", "bangs", "long", "v2-text-forged", "v2-zeros"])
def test_garbage_cursor_is_422(qc, cursor):
    assert_errors(qc.get("/tasks", params={"sort": "title", "cursor": cursor}),
                  [([Q, "cursor"], "cursor_invalid")])


# ---------------------------------------------------------------------------
# Walks while the data changes
# ---------------------------------------------------------------------------

def sort_key(sort: str):
    key = sort.lstrip("-")
    if key == "due_at":
        return lambda t: (t["due_at"] is None, t["due_at"] or "", t["id"])
    return {
        "created_at": lambda t: (t["created_at"], t["id"]),
        "updated_at": lambda t: (t["updated_at"], t["id"]),
        "priority": lambda t: (t["priority"], t["id"]),
        "title": lambda t: (title_key(t), t["id"]),
    }[key]


def in_order(tasks, sort: str) -> bool:
    """True if `tasks` are in `sort` order (tasks without due_at last either way)."""
    desc = sort.startswith("-")
    key = sort_key(sort)
    for a, b in zip(tasks, tasks[1:]):
        ka, kb = key(a), key(b)
        if sort.lstrip("-") == "due_at" and ka[0] != kb[0]:
            if ka[0] > kb[0]:
                return False
            continue
        if (ka > kb) if not desc else (ka < kb):
            return False
    return True


@pytest.mark.parametrize("sort", SORTS)
def test_walk_with_creates_and_deletes_between_pages(brisk_factory, sort):
    b = brisk_factory()
    rng = random.Random(sort)
    with make_client(b.url) as c:
        initial = {t["id"]: t for t in create_many(b.url, [random_task(rng) for _ in range(60)])}
        known = dict(initial)
        deleted = set()
        seen = []
        params = {"sort": sort, "limit": "7"}
        filters = {"tag": "work"} if sort in ("updated_at", "-priority") else {}
        params.update(filters)
        while True:
            doc = get_ok(c, params)
            seen.extend(doc["tasks"])
            if doc["next_cursor"] is None:
                break
            params["cursor"] = doc["next_cursor"]
            # Between pages: three new tasks (keys anywhere in the order) and
            # two deletions, one of a task not served yet, one of a served one.
            specs = [random_task(rng) for _ in range(3)]
            for spec in specs:
                if rng.random() < 0.5 and "work" not in spec["tags"]:
                    spec["tags"].append("work")
            for t in create_many(b.url, specs):
                known[t["id"]] = t
            served = {t["id"] for t in seen}
            pending = sorted(set(initial) - served - deleted)
            for victim in (rng.choice(pending) if pending else None,
                           rng.choice(sorted(served - deleted)) if served - deleted else None):
                if victim is not None:
                    assert c.delete(f"/tasks/{victim}").status_code == 204
                    deleted.add(victim)
        got = ids(seen)
        assert len(got) == len(set(got)), "a task was served twice"
        wanted = {i for i, t in initial.items()
                  if i not in deleted and (not filters or "work" in t["tags"])}
        missing = wanted - set(got)
        assert not missing, f"{len(missing)} tasks that existed throughout were not served"
        assert set(got) <= set(known)
        assert in_order(seen, sort), "pages are not in order"


@pytest.mark.parametrize("sort", ["-created_at", "title", "due_at", "-priority"])
def test_walk_while_other_clients_create_and_delete(brisk_factory, sort):
    b = brisk_factory(threads=2)
    rng = random.Random(7)
    initial = {t["id"] for t in create_many(b.url, [random_task(rng) for _ in range(80)])}
    stop = threading.Event()
    churn_deleted = set()
    errors = []

    def churn(seed):
        r = random.Random(seed)
        mine = []
        try:
            with make_client(b.url) as c2:
                while not stop.is_set():
                    mine.append(create_task(c2, **random_task(r))["id"])
                    if len(mine) > 3:
                        victim = mine.pop(r.randrange(len(mine)))
                        assert c2.delete(f"/tasks/{victim}").status_code == 204
                        churn_deleted.add(victim)
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    workers = [threading.Thread(target=churn, args=(s,)) for s in range(3)]
    for w in workers:
        w.start()
    seen = []
    changes_during_walk = 0
    try:
        with make_client(b.url) as c:
            time.sleep(0.1)
            params = {"sort": sort, "limit": "3"}
            before = len(churn_deleted)
            for _ in range(2000):
                doc = get_ok(c, params)
                seen.extend(doc["tasks"])
                if doc["next_cursor"] is None:
                    break
                params["cursor"] = doc["next_cursor"]
                time.sleep(0.01)  # let the other clients change things between pages
            changes_during_walk = len(churn_deleted) - before
    finally:
        stop.set()
        for w in workers:
            w.join(30)
    assert not errors, errors
    assert changes_during_walk >= 5, "the walk did not overlap with other clients' changes"
    got = ids(seen)
    assert len(got) == len(set(got)), "a task was served twice"
    assert initial <= set(got), "a task that existed throughout was not served"
    assert in_order(seen, sort)
