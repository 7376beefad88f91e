"""The README's curl session, followed literally: what it shows must be what
brisk answers (regression: its search example matched nothing, because the
task it had created did not pass its own filter)."""
from __future__ import annotations

import json
import re
from pathlib import Path

from e2e_helpers import make_client

README = Path(__file__).resolve().parents[2] / "README.md"


def session_block() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## A session with curl")
    return text[start:text.index("```\n", text.index("```sh", start) + 5)]


def test_readme_create_then_search_finds_the_task(brisk_factory):
    # A server of its own: the README's session starts from an empty list.
    b = brisk_factory(auth="off")
    client = make_client(b.url)
    block = session_block()
    body = re.search(r"-X POST localhost:8000/tasks .*?-d '(\{.*?\})'", block, re.S).group(1)
    created = client.post("/tasks", json=json.loads(body))
    assert created.status_code == 201, created.text
    shown = re.search(r'"priority":(\d+)', block).group(1)
    assert created.json()["priority"] == int(shown), "the README shows another priority"
    query = re.search(r"curl -s 'localhost:8000(/tasks\?q=[^']+)'", block).group(1)
    found = client.get(query)
    assert found.status_code == 200, found.text
    ids = [t["id"] for t in found.json()["tasks"]]
    assert ids == [created.json()["id"]], f"{query} does not find the task the README created"
    assert found.json()["count"] == 1 and found.json()["next_cursor"] is None
