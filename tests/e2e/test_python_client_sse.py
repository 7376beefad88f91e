"""clients/python/brisk_client.py without a server: the Server-Sent Events
parser on canned byte streams, the event stream's reconnection over
httpx.MockTransport, and the error mapping of answers brisk itself never
sends (a proxy's HTML 502, an HTTP-date Retry-After).

The tests against the real binary are in test_python_client.py.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "clients" / "python"))
import brisk_client as bc  # noqa: E402

TASK = {
    "id": "01936f4e-8a3c-7b2e-9c1d-5f0a2b3c4d5e", "title": "Write the report",
    "description": "", "status": "pending", "priority": 1, "due_at": None, "tags": ["work"],
    "created_at": "2026-11-22T09:30:00.123Z", "updated_at": "2026-11-22T09:30:00.123Z",
    "version": 1,
}
TASK2 = dict(TASK, status="done", version=2, updated_at="2026-11-22T09:31:00.000Z")


def sse_bytes(*events: tuple, eol: str = "\n") -> bytes:
    """events: (event, id, data-dict-or-None) as the contract sends them."""
    out = ""
    for event, eid, data in events:
        if event:
            out += f"event: {event}{eol}"
        if eid is not None:
            out += f"id: {eid}{eol}"
        if data is not None:
            out += f"data: {json.dumps(data)}{eol}"
        out += eol
    return out.encode()


CANNED = (b": connected\n\n"
          + sse_bytes(("task.created", 1, TASK), ("task.updated", 2, TASK2))
          + b": keep-alive\n\n"
          + sse_bytes(("task.deleted", 3, {"id": TASK["id"]})))


def decode(chunks) -> tuple:
    d = bc.SSEDecoder()
    out = []
    for c in chunks:
        out.extend(d.feed(c))
    out.extend(d.close())
    return out, d


def as_tuples(events):
    return [(e.event, e.id, e.data) for e in events]


# ---------------------------------------------------------------------------
# SSEDecoder
# ---------------------------------------------------------------------------

def test_canned_stream_parses_into_three_events_and_two_comments():
    events, d = decode([CANNED])
    assert as_tuples(events) == [
        ("task.created", "1", json.dumps(TASK)),
        ("task.updated", "2", json.dumps(TASK2)),
        ("task.deleted", "3", json.dumps({"id": TASK["id"]})),
    ]
    assert d.comments == 2
    assert d.last_event_id == "3"


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_every_split_of_the_stream_gives_the_same_events(eol):
    data = (": c" + eol).encode() + sse_bytes(
        ("task.created", 1, dict(TASK, title="é€😀 ünïcode")), ("task.deleted", 2, {"id": "x"}),
        eol=eol)
    whole = as_tuples(decode([data])[0])
    assert len(whole) == 2 and json.loads(whole[0][2])["title"] == "é€😀 ünïcode"
    assert as_tuples(decode([bytes([b]) for b in data])[0]) == whole
    for cut in range(1, len(data)):
        assert as_tuples(decode([data[:cut], data[cut:]])[0]) == whole, f"split at {cut}"


def test_crlf_split_between_chunks_is_one_line_end():
    # Were the CR taken alone, the LF would be a blank line dispatching "a" early.
    d = bc.SSEDecoder()
    assert d.feed(b"data: a\r") == []
    events = d.feed(b"\ndata: b\r\n\r\n")
    assert as_tuples(events) == [("message", None, "a\nb")]


def test_lone_cr_at_end_of_stream_still_ends_the_line():
    d = bc.SSEDecoder()
    assert d.feed(b"data: x\r\r") == []  # the last CR might start a CRLF
    assert as_tuples(d.close()) == [("message", None, "x")]


def test_mixed_line_endings():
    events, _ = decode([b"data: a\rdata: b\ndata: c\r\n\n"])
    assert as_tuples(events) == [("message", None, "a\nb\nc")]


def test_leading_bom_is_dropped_even_split_across_chunks():
    bom = "\ufeff".encode()
    events, _ = decode([bom[:1], bom[1:] + b"data: x\n\n"])
    assert as_tuples(events) == [("message", None, "x")]
    # Only at the very start: later it is part of a field name, which is ignored.
    events, _ = decode([b"data: a\n\n" + bom + b"data: b\n\n"])
    assert as_tuples(events) == [("message", None, "a")]


def test_field_value_rules():
    events, _ = decode([b"data:x\n\n", b"data:  two spaces\n\n", b"data\n\n",
                        b"data: a:b: c\n\n", b"event:e\ndata\ndata\n\n"])
    assert as_tuples(events) == [
        ("message", None, "x"),
        ("message", None, " two spaces"),  # only one leading space is removed
        ("message", None, ""),             # a field without colon has an empty value
        ("message", None, "a:b: c"),
        ("e", None, "\n"),
    ]


def test_comments_and_unknown_fields_are_ignored():
    events, d = decode([b":\n: hi\nfoo: bar\ndata: x\n:tail\n\n"])
    assert as_tuples(events) == [("message", None, "x")]
    assert d.comments == 3


def test_id_persists_across_events_and_an_empty_id_clears_it():
    events, d = decode([b"id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n"])
    assert as_tuples(events) == [("message", "7", "a"), ("message", "7", "b"),
                                 ("message", None, "c")]
    assert d.last_event_id == ""


def test_id_with_nul_is_ignored():
    events, _ = decode([b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n"])
    assert [e.id for e in events] == ["1", "1"]


def test_id_is_committed_only_when_the_event_is_dispatched():
    d = bc.SSEDecoder("4")
    assert d.feed(b"id: 5\nevent: task.created\ndata: {") == []
    assert d.last_event_id == "4", "a reconnect must ask again for the interrupted event"
    assert d.feed(b"}\n\n")[0].id == "5"
    assert d.last_event_id == "5"


def test_id_without_data_moves_last_event_id_but_dispatches_nothing():
    d = bc.SSEDecoder()
    assert d.feed(b"id: 9\n\n") == []
    assert d.last_event_id == "9"


def test_retry_sets_the_reconnection_time_only_with_digits():
    _, d = decode([b"retry: 2500\n\n"])
    assert d.retry == 2500
    _, d = decode([b"retry: 25x\n\nretry: -1\n\nretry:\n\n"])
    assert d.retry is None


def test_bare_event_line_is_dispatched_so_reset_is_not_lost():
    events, _ = decode([b"event: reset\n\n"])
    assert as_tuples(events) == [("reset", None, "")]


def test_incomplete_event_at_end_of_stream_is_discarded():
    events, d = decode([b"data: a\n\nid: 2\ndata: b\n"])
    assert as_tuples(events) == [("message", None, "a")]
    assert d.last_event_id == ""


def test_overlong_line_is_an_error_not_unbounded_memory():
    d = bc.SSEDecoder(max_line=1000)
    with pytest.raises(bc.EventStreamError):
        d.feed(b"data: " + b"x" * 2000)
    d = bc.SSEDecoder(max_line=1000)
    with pytest.raises(bc.EventStreamError):
        d.feed(b"data: xxxxxxxxxx\n" * 200)


def test_invalid_utf8_is_replaced_not_fatal():
    events, _ = decode([b"data: \xff\xfe ok\n\n"])
    assert events[0].data == "\ufffd\ufffd ok"


# ---------------------------------------------------------------------------
# Typed events
# ---------------------------------------------------------------------------

def test_typed_events_from_the_canned_stream():
    events = [bc.event_from_sse(s) for s in decode([CANNED])[0]]
    created, updated, deleted = events
    assert created.type == bc.EVENT_CREATED and created.id == "1"
    assert isinstance(created.task, bc.Task) and created.task.id == TASK["id"]
    assert created.task.created_at == dt.datetime(2026, 11, 22, 9, 30, 0, 123000,
                                                  tzinfo=dt.timezone.utc)
    assert created.task_id == TASK["id"] and created.data == TASK
    assert updated.type == bc.EVENT_UPDATED and updated.task.status == "done"
    assert updated.task.version == 2
    assert deleted.type == bc.EVENT_DELETED and deleted.task is None
    assert deleted.task_id == TASK["id"] and deleted.id == "3"
    assert not any(e.is_reset for e in events)


def test_reset_and_unknown_events_are_surfaced():
    reset = bc.event_from_sse(bc.ServerSentEvent("reset", "", "42"))
    assert reset.is_reset and reset.task is None and reset.data is None and reset.id == "42"
    other = bc.event_from_sse(bc.ServerSentEvent("task.archived", '{"id": "x"}', "43"))
    assert other.type == "task.archived" and other.data == {"id": "x"} and other.task is None
    text = bc.event_from_sse(bc.ServerSentEvent("message", "not json", None))
    assert text.data == "not json"


@pytest.mark.parametrize("event,data", [
    ("task.created", '{"id": "x"}'),
    ("task.updated", "not json"),
    ("task.created", ""),
    ("task.deleted", "{}"),
    ("task.deleted", '{"id": 5}'),
])
def test_task_events_breaking_the_contract_raise(event, data):
    with pytest.raises(bc.EventStreamError):
        bc.event_from_sse(bc.ServerSentEvent(event, data, "1"))


# ---------------------------------------------------------------------------
# The event stream over httpx.MockTransport
# ---------------------------------------------------------------------------

class Dropping(httpx.SyncByteStream, httpx.AsyncByteStream):
    """Sends chunks, then (if drop) fails like a dropped connection."""

    def __init__(self, chunks, drop=True):
        self.chunks = chunks
        self.drop = drop

    def __iter__(self):
        yield from self.chunks
        if self.drop:
            raise httpx.ReadError("connection dropped")

    async def __aiter__(self):
        for c in self.chunks:
            yield c
        if self.drop:
            raise httpx.ReadError("connection dropped")


SSE_HEADERS = {"content-type": "text/event-stream"}


class Script:
    """A MockTransport handler answering requests from a list of answers,
    recording every request's headers."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.requests = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        assert request.url.path == "/tasks/events"
        if not self.answers:
            raise AssertionError("more requests than scripted answers")
        a = self.answers.pop(0)
        if isinstance(a, Exception):
            raise a
        return a

    def last_event_ids(self):
        return [r.headers.get("last-event-id") for r in self.requests]


def stream(chunks, drop=True, status=200, headers=SSE_HEADERS):
    return httpx.Response(status, headers=headers, stream=Dropping(chunks, drop))


def problem(status, headers=None):
    h = {"content-type": "application/problem+json", **(headers or {})}
    return httpx.Response(status, headers=h, json={"type": "about:blank", "title": "T",
                                                   "status": status, "detail": "d"})


def take(client_kind, script, n, **kw):
    """The first n events of events(**kw) from a sync or async client over the script."""
    transport = httpx.MockTransport(script)
    kw.setdefault("retry_delay", 0)
    if client_kind == "sync":
        with bc.BriskClient("http://brisk.test", transport=transport) as c:
            it = c.events(**kw)
            try:
                return [next(it) for _ in range(n)]
            finally:
                it.close()

    async def run():
        async with bc.AsyncBriskClient("http://brisk.test", transport=transport) as c:
            it = c.events(**kw)
            try:
                return [await it.__anext__() for _ in range(n)]
            finally:
                await it.aclose()
    return asyncio.run(run())


KINDS = ["sync", "async"]


@pytest.mark.parametrize("kind", KINDS)
def test_dropped_connection_reconnects_with_last_event_id(kind):
    first = sse_bytes(("task.created", 1, TASK))
    # The second event is cut off in its data line: it must be asked for again.
    partial = b"event: task.updated\nid: 2\ndata: {\"id\""
    again = sse_bytes(("task.updated", 2, TASK2), ("task.deleted", 3, {"id": TASK["id"]}))
    script = Script([stream([first, partial]), stream([again])])
    opened = []
    events = take(kind, script, 3, on_open=lambda: opened.append(1))
    assert [(e.type, e.id) for e in events] == [
        ("task.created", "1"), ("task.updated", "2"), ("task.deleted", "3")]
    assert script.last_event_ids() == [None, "1"]
    assert all(r.headers["accept"] == "text/event-stream" for r in script.requests)
    assert len(opened) == 2


@pytest.mark.parametrize("kind", KINDS)
def test_given_last_event_id_is_sent_and_reset_is_surfaced(kind):
    script = Script([stream([b"event: reset\ndata: {}\n\n", sse_bytes(("task.created", 901, TASK))],
                            drop=False)])
    events = take(kind, script, 2, last_event_id=17)
    assert script.last_event_ids() == ["17"]
    assert events[0].is_reset and events[1].id == "901"


@pytest.mark.parametrize("kind", KINDS)
def test_server_closing_the_stream_reconnects_and_retries_errors_it_may_recover_from(kind):
    script = Script([
        stream([b"retry: 0\n\n", sse_bytes(("task.created", 5, TASK))], drop=False),
        httpx.ConnectError("refused"),
        problem(503, {"retry-after": "0"}),
        stream([sse_bytes(("task.deleted", 6, {"id": TASK["id"]}))]),
    ])
    events = take(kind, script, 2)
    assert [e.id for e in events] == ["5", "6"]
    assert script.last_event_ids() == [None, "5", "5", "5"]


@pytest.mark.parametrize("kind", KINDS)
def test_without_reconnect_a_closed_stream_ends_the_iteration(kind):
    script = Script([stream([sse_bytes(("task.created", 1, TASK))], drop=False)])
    transport = httpx.MockTransport(script)
    if kind == "sync":
        with bc.BriskClient("http://brisk.test", transport=transport) as c:
            events = list(c.events(reconnect=False))
    else:
        async def run():
            async with bc.AsyncBriskClient("http://brisk.test", transport=transport) as c:
                return [e async for e in c.events(reconnect=False)]
        events = asyncio.run(run())
    assert [e.id for e in events] == ["1"] and len(script.requests) == 1


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("status,exc", [(404, bc.NotFound), (401, bc.Unauthorized),
                                        (422, bc.ValidationError)])
def test_error_answers_that_cannot_recover_are_raised_at_once(kind, status, exc):
    script = Script([problem(status)])
    with pytest.raises(exc) as info:
        take(kind, script, 1)
    assert info.value.status == status and len(script.requests) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_gives_up_after_max_retries_consecutive_failures(kind):
    script = Script([httpx.ConnectError("refused")] * 4)
    with pytest.raises(bc.BriskConnectionError) as info:
        take(kind, script, 1, max_retries=3)
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert len(script.requests) == 4


@pytest.mark.parametrize("kind", KINDS)
def test_a_200_that_is_not_an_event_stream_is_an_error(kind):
    script = Script([httpx.Response(200, json={"tasks": []})])
    with pytest.raises(bc.EventStreamError):
        take(kind, script, 1)


def test_reconnection_delay_policy():
    p = bc._Reconnector(None, True, None, retry_delay=1.0, max_delay=30.0)
    assert p.delay() == 1.0  # after a clean end of stream
    delays = []
    for _ in range(7):
        p.failed(bc.BriskConnectionError("x"))
        delays.append(p.delay())
    assert delays == [1, 2, 4, 8, 16, 30, 30]
    p.server_retry_ms = 250
    p.failures = 1
    assert p.delay() == 0.25
    p.failed(bc.RateLimited(429, "Too Many Requests", headers={"Retry-After": "7"}))
    assert p.delay() == 7.0
    with pytest.raises(bc.NotFound):
        p.failed(bc.NotFound(404, "Not Found"))
    once = bc._Reconnector(None, False, None, 1.0, 30.0)
    with pytest.raises(bc.BriskConnectionError):
        once.failed(bc.BriskConnectionError("x"))


# ---------------------------------------------------------------------------
# Error mapping of answers brisk does not send itself
# ---------------------------------------------------------------------------

def client_answering(resp: httpx.Response) -> bc.BriskClient:
    return bc.BriskClient("http://brisk.test", transport=httpx.MockTransport(lambda r: resp))


def test_non_json_error_body_keeps_status_and_reason_phrase():
    c = client_answering(httpx.Response(502, headers={"content-type": "text/html"},
                                        content=b"<html>bad gateway</html>"))
    with pytest.raises(bc.ServerError) as info:
        c.list_tasks()
    e = info.value
    assert (e.status, e.title, e.detail, e.problem) == (502, "Bad Gateway", None, {})
    assert not isinstance(e, bc.ServiceUnavailable)


def test_retry_after_as_http_date():
    when = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=120)
    c = client_answering(problem(429, {"retry-after": when.strftime("%a, %d %b %Y %H:%M:%S GMT")}))
    with pytest.raises(bc.RateLimited) as info:
        c.get_task("x")
    assert 100 < info.value.retry_after <= 120


def test_2xx_that_breaks_the_contract_is_unexpected_response():
    for resp in (httpx.Response(200, content=b"not json"),
                 httpx.Response(200, json={"tasks": [], "count": 1, "next_cursor": None}),
                 httpx.Response(200, json={"tasks": [{"id": "x"}], "count": 1,
                                           "next_cursor": None}),
                 httpx.Response(204)):
        with pytest.raises(bc.UnexpectedResponse):
            client_answering(resp).list_tasks()


def test_cursor_that_repeats_is_an_error_not_an_endless_loop():
    page = {"tasks": [], "count": 0, "next_cursor": "same"}
    c = client_answering(httpx.Response(200, json=page))
    with pytest.raises(bc.UnexpectedResponse, match="twice"):
        list(c.iter_tasks())


def test_timestamps():
    paris = dt.timezone(dt.timedelta(hours=2))
    assert bc.format_timestamp(dt.datetime(2026, 5, 1, 12, 0, tzinfo=paris)) == \
        "2026-05-01T10:00:00.000Z"
    assert bc.format_timestamp(dt.datetime(2026, 5, 1, 12, 0, 0, 123456, tzinfo=dt.timezone.utc)) \
        == "2026-05-01T12:00:00.123456Z"
    assert bc.format_timestamp("2026-05-01T12:00:00+02:00") == "2026-05-01T12:00:00+02:00"
    with pytest.raises(ValueError, match="naive"):
        bc.format_timestamp(dt.datetime(2026, 5, 1))
    t = bc.parse_timestamp("2026-11-22T09:30:00.123Z")
    assert t == dt.datetime(2026, 11, 22, 9, 30, 0, 123000, tzinfo=dt.timezone.utc)
    assert t.tzinfo is dt.timezone.utc
    assert bc.parse_timestamp("2026-11-22T11:30:00.123+02:00") == t
    for bad in ("2026-11-22", "yesterday", "2026-11-22T09:30:00"):
        with pytest.raises(bc.UnexpectedResponse):
            bc.parse_timestamp(bad)


def test_arguments_are_checked_before_sending():
    c = client_answering(httpx.Response(500))
    with pytest.raises(TypeError, match="tags"):
        c.create_task("t", tags="work")
    with pytest.raises(ValueError):
        c.get_task("")
    with pytest.raises(TypeError):
        c.list_tasks(priority="3")
    with pytest.raises(TypeError):
        c.delete_task("x", if_match=True)


def test_async_on_open_may_be_a_coroutine_function():
    script = Script([stream([sse_bytes(("task.created", 1, TASK))])])
    opened = []

    async def on_open():
        await asyncio.sleep(0)
        opened.append(True)
    events = take("async", script, 1, on_open=on_open)
    assert opened == [True] and events[0].id == "1"
