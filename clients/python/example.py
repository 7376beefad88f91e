#!/usr/bin/python3
"""A tour of brisk_client: creates, lists, updates and deletes tasks,
follows cursors, and listens to the event stream meanwhile.

    python3 example.py --url http://127.0.0.1:8000                  # --auth off
    python3 example.py --url http://127.0.0.1:8000 --username alice --password 'correct horse battery'

With --username, the account is registered if it does not exist yet. Every
task the example creates carries a fresh tag and is deleted at the end, so it
leaves the server as it found it. Exit code 0 when every step did what the
contract says; 1 otherwise.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import threading
import uuid
from pathlib import Path
from typing import List, Optional, Set

sys.path.insert(0, str(Path(__file__).resolve().parent))
from brisk_client import (  # noqa: E402
    ApiError,
    EVENT_DELETED, NOT_MODIFIED, BriskClient, BriskError, Conflict, Event, NotFound,
    PreconditionFailed, ValidationError,
)


def check(ok: bool, what: str) -> None:
    if not ok:
        raise SystemExit(f"example: {what}")  # exit code 1


class Listener(threading.Thread):
    """Reads GET /tasks/events on its own connection until it has seen the
    deletion of every task in `expect_deleted` (set by the main thread before
    it deletes them). A daemon: if the events never come, exit is not held up."""

    def __init__(self, url: str, token: Optional[str]) -> None:
        super().__init__(daemon=True)
        self.client = BriskClient(url, token=token)
        self.opened = threading.Event()
        self.finished = threading.Event()
        self.events: List[Event] = []
        self.error: Optional[BriskError] = None
        self.expect_deleted: Optional[Set[str]] = None

    def run(self) -> None:
        try:
            deleted: Set[str] = set()
            for ev in self.client.events(on_open=self.opened.set):
                self.events.append(ev)
                if ev.type == EVENT_DELETED and ev.task_id:
                    deleted.add(ev.task_id)
                if self.expect_deleted is not None and self.expect_deleted <= deleted:
                    break
        except BriskError as e:
            self.error = e
        finally:
            self.opened.set()  # also "gave up": wakes a main thread waiting to start
            self.finished.set()
            self.client.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="http://127.0.0.1:8000")
    ap.add_argument("--username")
    ap.add_argument("--password")
    ap.add_argument("--events-timeout", type=float, default=10.0)
    args = ap.parse_args()

    with BriskClient(args.url) as brisk:
        # -- sign in (skipped for a server run with --auth off) ---------------
        if args.username:
            try:
                brisk.register(args.username, args.password)
                print(f"registered {args.username}")
            except Conflict:
                print(f"{args.username} already exists")
            token = brisk.login(args.username, args.password)
            print(f"logged in as {brisk.me().username} (token valid {token.expires_in} s)")

        # -- listen to events in the background -------------------------------
        listener = Listener(args.url, brisk.token)
        listener.start()
        listener.opened.wait(args.events_timeout)
        events_ok = listener.error is None and listener.opened.is_set() \
            and not listener.finished.is_set()
        if isinstance(listener.error, ApiError) and listener.error.status in (404, 501):
            # 404: an older brisk; 501: an older brisk on PostgreSQL.
            print("events: this server does not serve GET /tasks/events "
                  f"({listener.error.status}); going on")
        elif not events_ok:
            print(f"events: could not listen: {listener.error}")
            return 1
        else:
            print("events: listening")

        # -- create ----------------------------------------------------------
        tag = "example-" + uuid.uuid4().hex[:8]
        now = dt.datetime.now(dt.timezone.utc)
        created = [
            brisk.create_task(f"Task {i}", priority=1 + i % 5, tags=[tag],
                              due_at=now + dt.timedelta(days=i) if i % 2 else None)
            for i in range(6)
        ]
        key = str(uuid.uuid4())
        first = brisk.create_task("Exactly once", tags=[tag], idempotency_key=key)
        again = brisk.create_task("Exactly once", tags=[tag], idempotency_key=key)
        check(again.id == first.id and again.replayed and not first.replayed,
              "the retried create was not replayed")
        created.append(first)
        print(f"created {len(created)} tasks tagged {tag} (a retried create was replayed, "
              f"not duplicated)")
        try:
            brisk.create_task("", priority=9)
        except ValidationError as e:
            print(f"an invalid task is refused: {[('.'.join(map(str, l))) for l in e.locs()]}")

        # -- list, following cursors ------------------------------------------
        page = brisk.list_tasks(tag=tag, sort="-priority", limit=3)
        print("highest priority: " + ", ".join(f"{t.title} (p{t.priority})" for t in page.tasks))
        pages = list(brisk.iter_pages(tag=tag, limit=3))
        listed = [t.id for p in pages for t in p.tasks]
        print(f"pages: {len(pages)} (of at most 3 tasks), {len(listed)} tasks in all")
        check(sorted(listed) == sorted(t.id for t in created), "the pages missed tasks")
        soon = list(brisk.iter_tasks(tag=tag, due_before=now + dt.timedelta(days=4),
                                     sort="due_at"))
        print("due within 4 days: " + ", ".join(t.title for t in soon))

        # -- update ----------------------------------------------------------
        t = created[1]
        done = brisk.patch_task(t.id, status="done", due_at=None, if_match=t)
        print(f"patched {done.title}: status {done.status}, due_at {done.due_at}, "
              f"version {done.version}")
        try:
            brisk.update_task(t.id, title="stale edit", if_match=t)
        except PreconditionFailed:
            print("an edit based on the old version is refused (412)")
        renamed = brisk.update_task(t.id, title="Task 1 (renamed)", if_match=done)
        check(brisk.get_task(t.id, if_none_match=renamed) is NOT_MODIFIED,
              "a conditional GET with the current ETag was not a 304")
        print(f"renamed to {renamed.title!r}; a conditional GET says not modified")

        # -- delete ----------------------------------------------------------
        listener.expect_deleted = {t.id for t in created}
        for t in created:
            brisk.delete_task(t.id)
        left = brisk.list_tasks(tag=tag)
        print(f"deleted {len(created)} tasks; {left.count} left with the tag")

        # -- what the listener saw ---------------------------------------------
        if events_ok:
            listener.finished.wait(args.events_timeout)
            kinds: dict = {}
            for ev in listener.events:
                kinds[ev.type] = kinds.get(ev.type, 0) + 1
            print("events: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
            if not listener.finished.is_set() or listener.error is not None:
                print(f"events: did not see every deletion ({listener.error})")
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
