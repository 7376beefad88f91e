"""Relevance order at scale, on both backends (docs/DECISIONS.md, "Search at
scale"): tasks whose title matches every word come before the others, and
within each of those two tiers the matches are ranked in windows of the
1,000 newest. Paging with next_cursor serves every match exactly once, also
across a window's end and from one tier to the next."""
from __future__ import annotations

import pytest

from e2e_helpers import create_concurrently

WINDOW = 1000  # kRelevanceWindow (store/sqlite/list_plan.hpp), kWindow (postgres/list_sql.cpp)


def walk(client, params: dict, limit: int) -> list:
    params = dict(params, limit=str(limit))
    out = []
    for _ in range(10_000):
        r = client.get("/tasks", params=params)
        assert r.status_code == 200, r.text
        doc = r.json()
        out.extend(doc["tasks"])
        if doc["next_cursor"] is None:
            return out
        assert doc["count"] == limit, "a page followed by more must be full"
        params["cursor"] = doc["next_cursor"]
    raise AssertionError("the walk did not end")


def in_title(t: dict, prefix: str) -> bool:
    return any(w.lower().startswith(prefix) for w in t["title"].split())


@pytest.fixture
def small(brisk_factory):
    b = brisk_factory()
    specs = []
    for i in range(12):
        specs.append({"title": f"zqfoo title {i}" + " padding" * (i % 4)})
        specs.append({"title": f"other {i}", "description": f"about zqfoo and more {i}"})
        specs.append({"title": f"tagged {i}", "tags": ["zqfoo"]})
        specs.append({"title": f"unrelated {i}", "description": "nothing to see"})
    tasks = create_concurrently(b.url, specs)
    return b, tasks


@pytest.fixture
def client_for():
    import httpx
    clients = []

    def make(b):
        c = httpx.Client(base_url=b.url, timeout=30)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()


def test_title_matches_come_before_description_and_tag_matches(small, client_for):
    b, tasks = small
    c = client_for(b)
    for q in ("z", "zq", "zqf", "zqfoo"):
        got = walk(c, {"q": q}, 100)
        want = {i for i, t in tasks.items() if "zqfoo" in (t["title"] + " " + t["description"]
                                                           + " " + " ".join(t["tags"]))}
        assert {t["id"] for t in got} == want, q
        tiers = [0 if in_title(t, q) else 1 for t in got]
        assert tiers == sorted(tiers), f"q={q}: a title match after another match: {tiers}"
        assert tiers.count(0) == 12


def test_paging_serves_every_match_once_in_the_same_order(small, client_for):
    b, _ = small
    c = client_for(b)
    whole = [t["id"] for t in walk(c, {"q": "zq"}, 1000)]
    assert len(whole) == 36
    for limit in (1, 5, 12, 13):
        paged = [t["id"] for t in walk(c, {"q": "zq"}, limit)]
        assert len(paged) == len(set(paged)), f"duplicates with limit {limit}"
        assert paged == whole, f"limit {limit} gave another order"


def test_windows_of_the_newest_matches_page_without_loss(brisk_factory, client_for):
    b = brisk_factory()
    # More title matches than one window holds, and a few description matches.
    n_title = WINDOW + 40
    specs = [{"title": f"wq item {i}" + " long" * (i % 3)} for i in range(n_title)]
    specs += [{"title": f"note {i}", "description": "wq in the text"} for i in range(15)]
    tasks = create_concurrently(b.url, specs, clients=8)
    c = client_for(b)
    for limit in (100, 333):
        got = walk(c, {"q": "wq"}, limit)
        ids = [t["id"] for t in got]
        assert len(ids) == len(set(ids)), f"duplicates with limit {limit}"
        assert set(ids) == set(tasks), f"limit {limit}: {len(set(tasks) - set(ids))} missing"
        tiers = [0 if in_title(t, "wq") else 1 for t in got]
        assert tiers == sorted(tiers)
    first = c.get("/tasks", params={"q": "wq", "limit": "20"}).json()["tasks"]
    assert all(t["title"].startswith("wq item") for t in first)
