"""brisk_client: a small typed Python client for the brisk task API.

Hand-written to follow docs/API.md (the HTTP contract) and the OpenAPI
document that `brisk openapi` prints. It needs only the standard library and
httpx (written against Debian 12's python3-httpx 0.23.3; Python 3.8 or later).

    from brisk_client import BriskClient

    with BriskClient("http://127.0.0.1:8000") as brisk:
        brisk.login("alice", "correct horse battery")   # not with --auth off
        task = brisk.create_task("Write the report", tags=["work"])
        for t in brisk.iter_tasks(status=["pending", "in_progress"], sort="-priority"):
            print(t.title)

`BriskClient` is synchronous, `AsyncBriskClient` has the same methods as
coroutines (and async iterators). Both build their requests and read their
answers through the same functions below, so the two cannot drift apart.

Invariants the rest of the module relies on:
- every error answer becomes an `ApiError` subclass chosen by status, built
  from the RFC 9457 problem body; a network failure becomes
  `BriskConnectionError`; an answer that breaks the contract (a 2xx whose body
  is not what API.md promises) becomes `UnexpectedResponse`. httpx exceptions
  never escape, so callers catch `BriskError` alone;
- timestamps are returned as timezone-aware UTC `datetime`s, and a naive
  `datetime` is refused on the way out (its meaning would be a guess);
- a task id is always percent-encoded into the path, so no id can address
  another route.
"""
from __future__ import annotations

import asyncio
import codecs
import email.utils
import inspect
import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import (
    Any, AsyncIterator, Awaitable, Callable, Dict, Generic, Iterator, List, Mapping, Optional,
    Sequence, Tuple, TypeVar, Union,
)
from urllib.parse import quote

import httpx

__version__ = "0.1.0"

__all__ = [
    "BriskClient", "AsyncBriskClient",
    "Task", "TaskPage", "User", "Token", "Event", "ServerSentEvent", "SSEDecoder",
    "NOT_MODIFIED", "UNSET", "STATUSES", "SORT_KEYS",
    "EVENT_CREATED", "EVENT_UPDATED", "EVENT_DELETED", "EVENT_RESET",
    "BriskError", "BriskConnectionError", "UnexpectedResponse", "EventStreamError",
    "ApiError", "BadRequest", "Unauthorized", "NotFound", "MethodNotAllowed", "Conflict",
    "PreconditionFailed", "PayloadTooLarge", "UnsupportedMediaType", "ValidationError",
    "FieldError", "RateLimited", "ServerError", "ServiceUnavailable",
    "parse_timestamp", "format_timestamp",
]

T = TypeVar("T")

STATUSES = ("pending", "in_progress", "done")
SORT_KEYS = ("created_at", "updated_at", "priority", "due_at", "title")

EVENT_CREATED = "task.created"
EVENT_UPDATED = "task.updated"
EVENT_DELETED = "task.deleted"
EVENT_RESET = "reset"

_USER_AGENT = f"brisk-python/{__version__} httpx/{httpx.__version__}"


# ---------------------------------------------------------------------------
# Sentinels
# ---------------------------------------------------------------------------

class _Unset:
    """Marks an update argument that was not given (distinct from None, which
    PATCH sends as JSON null: it clears due_at)."""
    _instance: Optional["_Unset"] = None

    def __new__(cls) -> "_Unset":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Any = _Unset()


class NotModifiedType:
    """What get_task returns for a 304 (the If-None-Match ETag is current)."""
    _instance: Optional["NotModifiedType"] = None

    def __new__(cls) -> "NotModifiedType":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NOT_MODIFIED"

    def __bool__(self) -> bool:
        return False


NOT_MODIFIED = NotModifiedType()


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------

class BriskError(Exception):
    """Base of every exception this client raises."""


class BriskConnectionError(BriskError):
    """The server could not be reached, or the connection failed or timed out
    (the httpx exception is the __cause__)."""


class UnexpectedResponse(BriskError):
    """An answer that does not follow the contract (for example a 2xx whose
    body is not the JSON API.md describes)."""


class EventStreamError(UnexpectedResponse):
    """The event stream broke the Server-Sent Events format or the contract."""


@dataclass(frozen=True)
class FieldError:
    """One entry of a 422's `errors` list. loc starts with "body", "query",
    "path" or "header", then names the field (array indexes are ints)."""
    loc: Tuple[Union[str, int], ...]
    msg: str
    type: str

    def __str__(self) -> str:
        return f"{'.'.join(str(p) for p in self.loc)}: {self.msg} ({self.type})"


class ApiError(BriskError):
    """An error answer (status >= 400, or an unexpected 3xx): RFC 9457
    problem details. `problem` is the whole parsed body ({} if it was not
    JSON); `retry_after` is the Retry-After header in seconds, if any."""

    def __init__(self, status: int, title: str, detail: Optional[str] = None, *,
                 type: str = "about:blank", problem: Optional[Dict[str, Any]] = None,
                 headers: Optional[Mapping[str, str]] = None, method: str = "",
                 url: str = "") -> None:
        self.status = status
        self.title = title
        self.detail = detail
        self.type = type
        self.problem: Dict[str, Any] = dict(problem or {})
        self.headers: Dict[str, str] = {k.lower(): v for k, v in (headers or {}).items()}
        self.method = method
        self.url = url
        self.retry_after = _parse_retry_after(self.headers.get("retry-after"))
        super().__init__(self._message())

    def _message(self) -> str:
        where = f"{self.method} {self.url}: " if self.method else ""
        text = f"{where}{self.status} {self.title}"
        return f"{text}: {self.detail}" if self.detail else text


class BadRequest(ApiError):
    """400: the body is not well-formed JSON / UTF-8, or the request is malformed."""


class Unauthorized(ApiError):
    """401: missing, invalid or expired token, or wrong username/password."""

    @property
    def www_authenticate(self) -> Optional[str]:
        return self.headers.get("www-authenticate")


class NotFound(ApiError):
    """404: no such task (or it belongs to another user), or no such route
    (for example /auth/* on a server run with --auth off)."""


class MethodNotAllowed(ApiError):
    """405; `allow` lists the methods the path accepts."""

    @property
    def allow(self) -> List[str]:
        return [m.strip() for m in self.headers.get("allow", "").split(",") if m.strip()]


class Conflict(ApiError):
    """409: username taken, or a request with the same Idempotency-Key is
    still being processed."""


class PreconditionFailed(ApiError):
    """412: the If-Match version is not the task's current version; nothing changed."""


class PayloadTooLarge(ApiError):
    """413: body over 1 MiB."""


class UnsupportedMediaType(ApiError):
    """415: wrong Content-Type."""


class ValidationError(ApiError):
    """422: well-formed but invalid; `errors` lists every problem found."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        problem = kwargs.get("problem") or {}
        self.errors: List[FieldError] = _field_errors(problem.get("errors"))
        super().__init__(*args, **kwargs)

    def _message(self) -> str:
        text = super()._message()
        if self.errors:
            text += " [" + "; ".join(str(e) for e in self.errors) + "]"
        return text

    def locs(self) -> List[Tuple[Union[str, int], ...]]:
        return [e.loc for e in self.errors]


class RateLimited(ApiError):
    """429: over the server's --rate-limit; wait `retry_after` seconds."""


class ServerError(ApiError):
    """5xx."""


class ServiceUnavailable(ServerError):
    """503: the server is shutting down or its database does not answer."""


_ERRORS_BY_STATUS: Dict[int, type] = {
    400: BadRequest, 401: Unauthorized, 404: NotFound, 405: MethodNotAllowed, 409: Conflict,
    412: PreconditionFailed, 413: PayloadTooLarge, 415: UnsupportedMediaType,
    422: ValidationError, 429: RateLimited, 503: ServiceUnavailable,
}


def _field_errors(raw: Any) -> List[FieldError]:
    out: List[FieldError] = []
    if not isinstance(raw, list):
        return out
    for e in raw:
        if not isinstance(e, dict):
            continue
        loc = e.get("loc")
        out.append(FieldError(
            loc=tuple(loc) if isinstance(loc, list) else (),
            msg=str(e.get("msg", "")),
            type=str(e.get("type", "")),
        ))
    return out


def _parse_retry_after(value: Optional[str]) -> Optional[float]:
    """Retry-After is delta-seconds or an HTTP-date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def error_from_response(resp: httpx.Response) -> ApiError:
    """The ApiError subclass for an error answer; the body must have been read."""
    status = resp.status_code
    problem: Dict[str, Any] = {}
    ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype in ("application/problem+json", "application/json") or ctype.endswith("+json"):
        try:
            doc = json.loads(resp.content)
        except ValueError:
            doc = None
        if isinstance(doc, dict):
            problem = doc
    title = problem.get("title")
    if not isinstance(title, str) or not title:
        title = resp.reason_phrase or f"HTTP {status}"
    detail = problem.get("detail")
    if not isinstance(detail, str):
        detail = None
    ptype = problem.get("type")
    cls = _ERRORS_BY_STATUS.get(status) or (ServerError if status >= 500 else ApiError)
    return cls(status, title, detail, type=ptype if isinstance(ptype, str) else "about:blank",
               problem=problem, headers=dict(resp.headers.items()),
               method=resp.request.method, url=resp.request.url.raw_path.decode("ascii"))


# ---------------------------------------------------------------------------
# Timestamps
# ---------------------------------------------------------------------------

def parse_timestamp(text: str) -> datetime:
    """An RFC 3339 timestamp as a timezone-aware UTC datetime."""
    if not isinstance(text, str):
        raise UnexpectedResponse(f"timestamp is not a string: {text!r}")
    s = text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        raise UnexpectedResponse(f"not an RFC 3339 timestamp: {text!r}") from None
    if dt.tzinfo is None:
        raise UnexpectedResponse(f"timestamp without an offset: {text!r}")
    return dt.astimezone(timezone.utc)


def format_timestamp(value: Union[datetime, str]) -> str:
    """RFC 3339 in UTC, with milliseconds (microseconds when they are not
    whole milliseconds, so an exclusive bound keeps its exact meaning). A
    string is sent as given: the server validates it."""
    if isinstance(value, str):
        return value
    if not isinstance(value, datetime):
        raise TypeError(f"expected a datetime or an RFC 3339 string, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime: give it a timezone (e.g. datetime.now(timezone.utc))")
    u = value.astimezone(timezone.utc)
    spec = "milliseconds" if u.microsecond % 1000 == 0 else "microseconds"
    return u.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


# ---------------------------------------------------------------------------
# Types
# ---------------------------------------------------------------------------

def _field(doc: Any, name: str, kinds: Union[type, Tuple[type, ...]], what: str) -> Any:
    if not isinstance(doc, dict):
        raise UnexpectedResponse(f"{what} is not a JSON object: {doc!r:.200}")
    if name not in doc:
        raise UnexpectedResponse(f"{what} without {name!r}: {doc!r:.200}")
    value = doc[name]
    # bool is an int in Python; JSON true is never a valid integer field here.
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in
                                        (kinds if isinstance(kinds, tuple) else (kinds,))):
        raise UnexpectedResponse(f"{what} field {name!r} has the wrong type: {value!r:.100}")
    return value


@dataclass
class Task:
    """A task as API.md describes it. `replayed` is not part of the task: it
    is True when create_task's answer was a replay of an earlier request with
    the same Idempotency-Key (header Idempotent-Replayed: true)."""
    id: str
    title: str
    description: str
    status: str
    priority: int
    due_at: Optional[datetime]
    tags: List[str]
    created_at: datetime
    updated_at: datetime
    version: int
    replayed: bool = field(default=False, compare=False, repr=False)

    @property
    def etag(self) -> str:
        """The task's ETag (its quoted version), for If-Match / If-None-Match."""
        return f'"{self.version}"'

    @classmethod
    def from_json(cls, doc: Any) -> "Task":
        w = "task"
        due = _field(doc, "due_at", (str, type(None)), w)
        tags = _field(doc, "tags", list, w)
        if not all(isinstance(t, str) for t in tags):
            raise UnexpectedResponse(f"task tags are not all strings: {tags!r:.200}")
        return cls(
            id=_field(doc, "id", str, w),
            title=_field(doc, "title", str, w),
            description=_field(doc, "description", str, w),
            status=_field(doc, "status", str, w),
            priority=_field(doc, "priority", int, w),
            due_at=None if due is None else parse_timestamp(due),
            tags=list(tags),
            created_at=parse_timestamp(_field(doc, "created_at", str, w)),
            updated_at=parse_timestamp(_field(doc, "updated_at", str, w)),
            version=_field(doc, "version", int, w),
        )

    def to_json(self) -> Dict[str, Any]:
        """The task in its wire form (as the server sends it)."""
        return {
            "id": self.id, "title": self.title, "description": self.description,
            "status": self.status, "priority": self.priority,
            "due_at": None if self.due_at is None else format_timestamp(self.due_at),
            "tags": list(self.tags), "created_at": format_timestamp(self.created_at),
            "updated_at": format_timestamp(self.updated_at), "version": self.version,
        }


@dataclass
class TaskPage:
    """One page of GET /tasks. next_cursor is None exactly on the last page."""
    tasks: List[Task]
    count: int
    next_cursor: Optional[str]

    @classmethod
    def from_json(cls, doc: Any) -> "TaskPage":
        w = "task page"
        raw = _field(doc, "tasks", list, w)
        count = _field(doc, "count", int, w)
        cursor = _field(doc, "next_cursor", (str, type(None)), w)
        if count != len(raw):
            raise UnexpectedResponse(f"task page count {count} but {len(raw)} tasks")
        return cls(tasks=[Task.from_json(t) for t in raw], count=count, next_cursor=cursor)


@dataclass
class User:
    id: str
    username: str
    created_at: datetime

    @classmethod
    def from_json(cls, doc: Any) -> "User":
        return cls(id=_field(doc, "id", str, "user"),
                   username=_field(doc, "username", str, "user"),
                   created_at=parse_timestamp(_field(doc, "created_at", str, "user")))


@dataclass
class Token:
    access_token: str
    token_type: str
    expires_in: int

    @classmethod
    def from_json(cls, doc: Any) -> "Token":
        return cls(access_token=_field(doc, "access_token", str, "token"),
                   token_type=_field(doc, "token_type", str, "token"),
                   expires_in=_field(doc, "expires_in", int, "token"))


@dataclass
class Event:
    """One change from GET /tasks/events.

    type: EVENT_CREATED, EVENT_UPDATED, EVENT_DELETED, EVENT_RESET (the
    server could not replay everything since Last-Event-ID: refetch what you
    show), or a type this client does not know yet (kept, not dropped).
    id: the event id (an increasing integer, as text), None if it had none.
    task_id: the task's id (all three task events); task: the task (created
    and updated). data: the parsed JSON data (the raw text if it was not JSON,
    None if empty).
    """
    type: str
    id: Optional[str]
    data: Any = None
    task_id: Optional[str] = None
    task: Optional[Task] = None

    @property
    def is_reset(self) -> bool:
        return self.type == EVENT_RESET


# ---------------------------------------------------------------------------
# Server-Sent Events parsing (WHATWG HTML, "Interpreting an event stream")
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ServerSentEvent:
    """A dispatched SSE event. event defaults to "message"; id is the last
    event ID at dispatch time (it persists across events), None if empty."""
    event: str
    data: str
    id: Optional[str]


_EOL = re.compile(r"\r\n|\r|\n")
_DIGITS = re.compile(r"[0-9]+")


class SSEDecoder:
    """Incremental parser of a text/event-stream byte stream.

    feed() takes chunks split anywhere (inside a UTF-8 sequence or between
    the CR and LF of a line end) and returns the events completed so far;
    close() at end of stream. Follows the WHATWG algorithm: lines end with
    CRLF, LF or CR; a leading BOM is dropped; lines starting with ':' are
    comments; "field: value" loses one leading space; an `id` containing NUL
    is ignored; `retry` with only ASCII digits sets `retry` (ms); a blank line
    dispatches. One deliberate difference from EventSource: an event that has
    an `event:` field but no `data:` is still dispatched (with data ""), so
    that a bare `event: reset` is never lost. An incomplete event at end of
    stream is discarded, as the standard requires.

    last_event_id is committed only when an event is dispatched (not when the
    `id:` line arrives): after a drop in the middle of an event, a reconnect
    asks for that event again instead of skipping it.
    """

    def __init__(self, last_event_id: str = "", max_line: int = 4 << 20) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buf = ""
        self._started = False
        self._data: List[str] = []
        self._data_size = 0
        self._event = ""
        self._id_buffer = last_event_id
        self.last_event_id = last_event_id
        self.retry: Optional[int] = None
        self.comments = 0
        self._max = max_line

    def feed(self, chunk: bytes) -> List[ServerSentEvent]:
        return self._feed_text(self._decoder.decode(chunk), final=False)

    def close(self) -> List[ServerSentEvent]:
        return self._feed_text(self._decoder.decode(b"", final=True), final=True)

    def _feed_text(self, text: str, final: bool) -> List[ServerSentEvent]:
        if not self._started and text:
            self._started = True
            if text.startswith("\ufeff"):
                text = text[1:]
        buf = self._buf + text
        events: List[ServerSentEvent] = []
        pos = 0
        while True:
            m = _EOL.search(buf, pos)
            if m is None:
                break
            if m.group() == "\r" and m.end() == len(buf) and not final:
                break  # the LF of a CRLF may be in the next chunk
            ev = self._line(buf[pos:m.start()])
            pos = m.end()
            if ev is not None:
                events.append(ev)
        self._buf = buf[pos:]
        if len(self._buf) > self._max:
            raise EventStreamError(f"event stream line longer than {self._max} characters")
        if final:
            # End of stream: a last line without its end, and any event not
            # yet dispatched by a blank line, are discarded.
            self._buf = ""
            self._data, self._data_size, self._event = [], 0, ""
        return events

    def _line(self, line: str) -> Optional[ServerSentEvent]:
        if line == "":
            return self._dispatch()
        if line.startswith(":"):
            self.comments += 1
            return None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
            self._data_size += len(value) + 1
            if self._data_size > self._max:
                raise EventStreamError(f"event data longer than {self._max} characters")
        elif name == "id":
            if "\0" not in value:
                self._id_buffer = value
        elif name == "retry":
            if _DIGITS.fullmatch(value):
                self.retry = int(value)
        return None  # other field names are ignored

    def _dispatch(self) -> Optional[ServerSentEvent]:
        self.last_event_id = self._id_buffer
        if not self._data and not self._event:
            return None
        ev = ServerSentEvent(event=self._event or "message", data="\n".join(self._data),
                             id=self.last_event_id or None)
        self._data, self._data_size, self._event = [], 0, ""
        return ev


def event_from_sse(sse: ServerSentEvent) -> Event:
    """The typed Event of a dispatched SSE event (contract: API.md
    "GET /tasks/events"). Task events whose data is not what the contract
    says raise EventStreamError."""
    data: Any = None
    if sse.data != "":
        try:
            data = json.loads(sse.data)
        except ValueError:
            data = sse.data
    ev = Event(type=sse.event, id=sse.id, data=data)
    if sse.event in (EVENT_CREATED, EVENT_UPDATED):
        try:
            ev.task = Task.from_json(data)
        except UnexpectedResponse as e:
            raise EventStreamError(f"{sse.event} event {sse.id}: {e}") from None
        ev.task_id = ev.task.id
    elif sse.event == EVENT_DELETED:
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise EventStreamError(f"task.deleted event {sse.id} without a task id: {sse.data!r:.200}")
        ev.task_id = data["id"]
    return ev


class _Reconnector:
    """The reconnection policy shared by the sync and async event streams.

    A dropped connection (or a 429/502/503/504 answer) is retried after a
    delay: the server's `retry:` if it sent one, else retry_delay, doubled
    for each further consecutive failure up to max_delay, and never shorter
    than a Retry-After. After max_retries consecutive failures the last error
    is raised. A successful connection resets the count. Other error answers
    (401, 404, ...) are raised at once, as EventSource does.
    """
    RETRY_STATUSES = (429, 502, 503, 504)

    def __init__(self, last_event_id: Optional[Union[str, int]], reconnect: bool,
                 max_retries: Optional[int], retry_delay: float, max_delay: float) -> None:
        self.last_event_id = "" if last_event_id is None else str(last_event_id)
        self.reconnect = reconnect
        self.max_retries = max_retries
        self.retry_delay = retry_delay
        self.max_delay = max_delay
        self.server_retry_ms: Optional[int] = None
        self.failures = 0
        self.retry_after: Optional[float] = None

    def headers(self) -> Dict[str, str]:
        h = {"accept": "text/event-stream", "cache-control": "no-cache"}
        if self.last_event_id:
            h["last-event-id"] = self.last_event_id
        return h

    def opened(self, resp: httpx.Response) -> None:
        ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "text/event-stream":
            raise EventStreamError(f"GET /tasks/events answered 200 with Content-Type {ctype!r}")
        self.failures = 0
        self.retry_after = None

    def decoder(self) -> SSEDecoder:
        return SSEDecoder(self.last_event_id)

    def dispatched(self, sse: ServerSentEvent) -> None:
        # Per event, not per chunk: the id to resume from is that of the last
        # event handed to the caller.
        self.last_event_id = sse.id or ""

    def seen(self, decoder: SSEDecoder) -> None:
        """After a whole chunk: also takes ids committed without an event."""
        self.last_event_id = decoder.last_event_id
        if decoder.retry is not None:
            self.server_retry_ms = decoder.retry

    def failed(self, error: BriskError) -> None:
        """Raises error unless another attempt is allowed."""
        if isinstance(error, ApiError) and error.status not in self.RETRY_STATUSES:
            raise error
        if not self.reconnect:
            raise error
        self.failures += 1
        if self.max_retries is not None and self.failures > self.max_retries:
            raise error
        self.retry_after = error.retry_after if isinstance(error, ApiError) else None

    def delay(self) -> float:
        base = self.server_retry_ms / 1000 if self.server_retry_ms is not None else self.retry_delay
        d = min(base * (2 ** max(0, self.failures - 1)), max(self.max_delay, base))
        if self.retry_after is not None:
            d = max(d, self.retry_after)
        return d


# ---------------------------------------------------------------------------
# Requests: built and read by the same code for both clients
# ---------------------------------------------------------------------------

@dataclass
class _Call(Generic[T]):
    method: str
    path: str
    parse: Callable[[httpx.Response], T]
    params: Optional[List[Tuple[str, str]]] = None
    headers: Dict[str, str] = field(default_factory=dict)
    body: Optional[bytes] = None


def _json_bytes(obj: Any) -> bytes:
    # Deterministic: the same arguments give the same bytes, which is what an
    # Idempotency-Key replay requires (the server compares bodies byte for byte).
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _json_of(resp: httpx.Response) -> Any:
    try:
        return json.loads(resp.content)
    except ValueError:
        raise UnexpectedResponse(
            f"{resp.request.method} {resp.request.url.path}: {resp.status_code} body is not "
            f"JSON: {resp.content[:200]!r}") from None


def _expect(resp: httpx.Response, status: int) -> None:
    if resp.status_code != status:
        if resp.status_code < 300:
            raise UnexpectedResponse(
                f"{resp.request.method} {resp.request.url.path}: expected {status}, "
                f"got {resp.status_code}")
        raise error_from_response(resp)


def _connection_error(what: str, cause: httpx.TransportError) -> BriskConnectionError:
    err = BriskConnectionError(f"{what}: {cause!r}")
    err.__cause__ = cause  # raised later (maybe after retries), not inside the except
    return err


def _task_path(task_id: str) -> str:
    if not isinstance(task_id, str) or not task_id:
        raise ValueError(f"task id must be a non-empty string, got {task_id!r}")
    return "/tasks/" + quote(task_id, safe="")


def _etag(value: Union[int, str, Task]) -> str:
    """An If-Match / If-None-Match value: an int is a version (quoted), a
    Task gives its version, a string is sent as given (an ETag)."""
    if isinstance(value, Task):
        return value.etag
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"expected a version (int), an ETag (str) or a Task, got {value!r}")
    return f'"{value}"' if isinstance(value, int) else value


def _task_fields(title: Any, description: Any, status: Any, priority: Any, due_at: Any,
                 tags: Any) -> Dict[str, Any]:
    """The body of a create or update: only the fields given (not UNSET)."""
    body: Dict[str, Any] = {}
    for name, value in (("title", title), ("description", description), ("status", status),
                        ("priority", priority)):
        if value is not UNSET:
            body[name] = value
    if due_at is not UNSET:
        body["due_at"] = None if due_at is None else format_timestamp(due_at)
    if tags is not UNSET:
        if isinstance(tags, (str, bytes)):
            raise TypeError("tags must be a list of strings, not a single string")
        body["tags"] = None if tags is None else list(tags)
    return body


def _one_or_many(value: Union[str, Sequence[str]], what: str) -> List[str]:
    items = [value] if isinstance(value, str) else list(value)
    if not all(isinstance(v, str) for v in items):
        raise TypeError(f"{what} must be a string or a list of strings, got {value!r}")
    return items


def _list_params(status: Optional[Union[str, Sequence[str]]], priority: Optional[int],
                 priority_gte: Optional[int], priority_lte: Optional[int],
                 tag: Optional[Union[str, Sequence[str]]], q: Optional[str],
                 due_before: Optional[Union[datetime, str]],
                 due_after: Optional[Union[datetime, str]], sort: Optional[str],
                 limit: Optional[int], cursor: Optional[str]) -> List[Tuple[str, str]]:
    p: List[Tuple[str, str]] = []
    if status is not None:
        p.append(("status", ",".join(_one_or_many(status, "status"))))
    for name, value in (("priority", priority), ("priority_gte", priority_gte),
                        ("priority_lte", priority_lte), ("limit", limit)):
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int, got {value!r}")
            p.append((name, str(value)))
    if tag is not None:
        p.extend(("tag", t) for t in _one_or_many(tag, "tag"))
    if q is not None:
        p.append(("q", q))
    if due_before is not None:
        p.append(("due_before", format_timestamp(due_before)))
    if due_after is not None:
        p.append(("due_after", format_timestamp(due_after)))
    if sort is not None:
        p.append(("sort", sort))
    if cursor is not None:
        p.append(("cursor", cursor))
    return p


def _parse_task_status(status: int) -> Callable[[httpx.Response], Task]:
    def parse(resp: httpx.Response) -> Task:
        _expect(resp, status)
        task = Task.from_json(_json_of(resp))
        task.replayed = resp.headers.get("idempotent-replayed", "").lower() == "true"
        return task
    return parse


def _parse_get(resp: httpx.Response) -> Union[Task, NotModifiedType]:
    if resp.status_code == 304:
        return NOT_MODIFIED
    return _parse_task_status(200)(resp)


def _parse_page(resp: httpx.Response) -> TaskPage:
    _expect(resp, 200)
    return TaskPage.from_json(_json_of(resp))


def _parse_user(status: int) -> Callable[[httpx.Response], User]:
    def parse(resp: httpx.Response) -> User:
        _expect(resp, status)
        return User.from_json(_json_of(resp))
    return parse


def _parse_token(resp: httpx.Response) -> Token:
    _expect(resp, 200)
    return Token.from_json(_json_of(resp))


def _parse_none(status: int) -> Callable[[httpx.Response], None]:
    def parse(resp: httpx.Response) -> None:
        _expect(resp, status)
    return parse


class _Calls:
    """Builds every request of the API (one function per operation)."""

    @staticmethod
    def json(method: str, path: str, obj: Any, parse: Callable[[httpx.Response], T],
             content_type: str = "application/json",
             headers: Optional[Dict[str, str]] = None) -> _Call[T]:
        h = {"content-type": content_type}
        h.update(headers or {})
        return _Call(method, path, parse, headers=h, body=_json_bytes(obj))

    @staticmethod
    def register(username: str, password: str) -> _Call[User]:
        return _Calls.json("POST", "/auth/register", {"username": username, "password": password},
                           _parse_user(201))

    @staticmethod
    def login(username: str, password: str) -> _Call[Token]:
        return _Calls.json("POST", "/auth/token", {"username": username, "password": password},
                           _parse_token)

    @staticmethod
    def me() -> _Call[User]:
        return _Call("GET", "/auth/me", _parse_user(200))

    @staticmethod
    def create(title: str, description: Any, status: Any, priority: Any, due_at: Any, tags: Any,
               idempotency_key: Optional[str]) -> _Call[Task]:
        body = _task_fields(title, description, status, priority, due_at, tags)
        headers = {} if idempotency_key is None else {"idempotency-key": idempotency_key}
        return _Calls.json("POST", "/tasks", body, _parse_task_status(201), headers=headers)

    @staticmethod
    def get(task_id: str, if_none_match: Optional[Union[int, str, Task]]
            ) -> _Call[Union[Task, NotModifiedType]]:
        headers = {} if if_none_match is None else {"if-none-match": _etag(if_none_match)}
        return _Call("GET", _task_path(task_id), _parse_get, headers=headers)

    @staticmethod
    def list(params: List[Tuple[str, str]]) -> _Call[TaskPage]:
        return _Call("GET", "/tasks", _parse_page, params=params)

    @staticmethod
    def update(method: str, task_id: str, fields: Dict[str, Any],
               if_match: Optional[Union[int, str, Task]]) -> _Call[Task]:
        headers = {} if if_match is None else {"if-match": _etag(if_match)}
        ctype = "application/merge-patch+json" if method == "PATCH" else "application/json"
        return _Calls.json(method, _task_path(task_id), fields, _parse_task_status(200),
                           content_type=ctype, headers=headers)

    @staticmethod
    def delete(task_id: str, if_match: Optional[Union[int, str, Task]]) -> _Call[None]:
        headers = {} if if_match is None else {"if-match": _etag(if_match)}
        return _Call("DELETE", _task_path(task_id), _parse_none(204), headers=headers)


def _next_cursor(page: TaskPage, seen: set) -> Optional[str]:
    cursor = page.next_cursor
    if cursor is not None:
        if cursor in seen:  # a server bug would otherwise loop forever
            raise UnexpectedResponse(f"GET /tasks returned the cursor {cursor!r} twice")
        seen.add(cursor)
    return cursor


class _Base:
    def __init__(self, base_url: str, token: Optional[str], timeout: float,
                 headers: Optional[Mapping[str, str]]) -> None:
        self._timeout = timeout
        self._headers = {"user-agent": _USER_AGENT, "accept": "application/json"}
        self._headers.update({k.lower(): v for k, v in (headers or {}).items()})
        self._base_url = base_url.rstrip("/")
        self._token: Optional[str] = None
        self._pending_token = token

    def _http_headers(self) -> httpx.Headers:
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def token(self) -> Optional[str]:
        """The bearer token sent with every request (None: none is sent)."""
        return self._token

    @token.setter
    def token(self, value: Optional[str]) -> None:
        self._token = value
        h = self._http_headers()
        if value is None:
            h.pop("authorization", None)
        else:
            h["authorization"] = f"Bearer {value}"

    def _events_timeout(self, read_timeout: Optional[float]) -> httpx.Timeout:
        # The server sends a comment at least every 15 s: a read timeout
        # somewhat above that detects a dead connection (then we reconnect).
        return httpx.Timeout(self._timeout, read=read_timeout)


# ---------------------------------------------------------------------------
# Synchronous client
# ---------------------------------------------------------------------------

class BriskClient(_Base):
    """Synchronous brisk client. Use as a context manager or call close().

    base_url: e.g. "http://127.0.0.1:8000". token: a bearer token to send
    (login() sets one). timeout: seconds for connect/read/write of each
    request. transport: an httpx transport (for tests: httpx.MockTransport).
    """

    def __init__(self, base_url: str, *, token: Optional[str] = None, timeout: float = 10.0,
                 headers: Optional[Mapping[str, str]] = None,
                 transport: Optional[httpx.BaseTransport] = None) -> None:
        super().__init__(base_url, token, timeout, headers)
        self._http = httpx.Client(base_url=self._base_url, headers=self._headers,
                                  timeout=timeout, transport=transport)
        self.token = self._pending_token

    def _http_headers(self) -> httpx.Headers:
        return self._http.headers

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "BriskClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _send(self, call: _Call[T]) -> T:
        try:
            resp = self._http.request(call.method, call.path, params=call.params,
                                      headers=call.headers, content=call.body)
        except httpx.TransportError as e:
            raise BriskConnectionError(f"{call.method} {call.path}: {e!r}") from e
        return call.parse(resp)

    # -- auth ----------------------------------------------------------------
    def register(self, username: str, password: str) -> User:
        """POST /auth/register. Conflict if the username is taken; NotFound
        on a server run with --auth off."""
        return self._send(_Calls.register(username, password))

    def login(self, username: str, password: str) -> Token:
        """POST /auth/token; the token is then sent with every request."""
        token = self._send(_Calls.login(username, password))
        self.token = token.access_token
        return token

    def logout(self) -> None:
        """Stops sending the token (tokens are stateless JWTs: nothing to revoke)."""
        self.token = None

    def me(self) -> User:
        """GET /auth/me."""
        return self._send(_Calls.me())

    # -- tasks ---------------------------------------------------------------
    def create_task(self, title: str, *, description: Any = UNSET, status: Any = UNSET,
                    priority: Any = UNSET, due_at: Any = UNSET, tags: Any = UNSET,
                    idempotency_key: Optional[str] = None) -> Task:
        """POST /tasks. With idempotency_key, calling again with the same key
        and arguments returns the first task (task.replayed is True) instead of
        creating another."""
        return self._send(_Calls.create(title, description, status, priority, due_at, tags,
                                        idempotency_key))

    def get_task(self, task_id: str, *, if_none_match: Optional[Union[int, str, Task]] = None
                 ) -> Union[Task, NotModifiedType]:
        """GET /tasks/{id}. With if_none_match (a version, an ETag or a Task)
        that is still current, returns NOT_MODIFIED."""
        return self._send(_Calls.get(task_id, if_none_match))

    def list_tasks(self, *, status: Optional[Union[str, Sequence[str]]] = None,
                   priority: Optional[int] = None, priority_gte: Optional[int] = None,
                   priority_lte: Optional[int] = None,
                   tag: Optional[Union[str, Sequence[str]]] = None, q: Optional[str] = None,
                   due_before: Optional[Union[datetime, str]] = None,
                   due_after: Optional[Union[datetime, str]] = None, sort: Optional[str] = None,
                   limit: Optional[int] = None, cursor: Optional[str] = None) -> TaskPage:
        """GET /tasks: one page. status: one or several; tag: one or several
        (all must match); sort: e.g. "priority" or "-due_at"."""
        return self._send(_Calls.list(_list_params(status, priority, priority_gte, priority_lte,
                                                   tag, q, due_before, due_after, sort, limit,
                                                   cursor)))

    def iter_pages(self, *, status: Optional[Union[str, Sequence[str]]] = None,
                   priority: Optional[int] = None, priority_gte: Optional[int] = None,
                   priority_lte: Optional[int] = None,
                   tag: Optional[Union[str, Sequence[str]]] = None, q: Optional[str] = None,
                   due_before: Optional[Union[datetime, str]] = None,
                   due_after: Optional[Union[datetime, str]] = None, sort: Optional[str] = None,
                   limit: Optional[int] = None, cursor: Optional[str] = None
                   ) -> Iterator[TaskPage]:
        """Every page of a listing, following next_cursor (limit = page size)."""
        seen: set = set()
        while True:
            page = self.list_tasks(status=status, priority=priority, priority_gte=priority_gte,
                                   priority_lte=priority_lte, tag=tag, q=q,
                                   due_before=due_before, due_after=due_after, sort=sort,
                                   limit=limit, cursor=cursor)
            yield page
            cursor = _next_cursor(page, seen)
            if cursor is None:
                return

    def iter_tasks(self, *, status: Optional[Union[str, Sequence[str]]] = None,
                   priority: Optional[int] = None, priority_gte: Optional[int] = None,
                   priority_lte: Optional[int] = None,
                   tag: Optional[Union[str, Sequence[str]]] = None, q: Optional[str] = None,
                   due_before: Optional[Union[datetime, str]] = None,
                   due_after: Optional[Union[datetime, str]] = None, sort: Optional[str] = None,
                   limit: Optional[int] = None) -> Iterator[Task]:
        """Every task of a listing, page after page."""
        for page in self.iter_pages(status=status, priority=priority, priority_gte=priority_gte,
                                    priority_lte=priority_lte, tag=tag, q=q,
                                    due_before=due_before, due_after=due_after, sort=sort,
                                    limit=limit):
            yield from page.tasks

    def update_task(self, task_id: str, *, title: Any = UNSET, description: Any = UNSET,
                    status: Any = UNSET, priority: Any = UNSET, due_at: Any = UNSET,
                    tags: Any = UNSET, if_match: Optional[Union[int, str, Task]] = None) -> Task:
        """PUT /tasks/{id}: changes the fields given, keeps the others.
        if_match: a version, ETag or Task; PreconditionFailed if stale."""
        return self._send(_Calls.update("PUT", task_id, _task_fields(
            title, description, status, priority, due_at, tags), if_match))

    def patch_task(self, task_id: str, *, title: Any = UNSET, description: Any = UNSET,
                   status: Any = UNSET, priority: Any = UNSET, due_at: Any = UNSET,
                   tags: Any = UNSET, if_match: Optional[Union[int, str, Task]] = None) -> Task:
        """PATCH /tasks/{id} (JSON Merge Patch): due_at=None clears the due date."""
        return self._send(_Calls.update("PATCH", task_id, _task_fields(
            title, description, status, priority, due_at, tags), if_match))

    def delete_task(self, task_id: str, *,
                    if_match: Optional[Union[int, str, Task]] = None) -> None:
        """DELETE /tasks/{id}. NotFound if it does not exist (any more)."""
        self._send(_Calls.delete(task_id, if_match))

    # -- events --------------------------------------------------------------
    def events(self, *, last_event_id: Optional[Union[str, int]] = None,
               reconnect: bool = True, max_retries: Optional[int] = 10,
               retry_delay: float = 1.0, max_delay: float = 30.0,
               read_timeout: Optional[float] = 45.0,
               on_open: Optional[Callable[[], Any]] = None) -> Iterator[Event]:
        """GET /tasks/events as an endless iterator of Events.

        After a dropped connection (or the server closing the stream) it
        reconnects, sending Last-Event-ID so the server replays what was
        missed; if that is too old the server sends an Event with type
        "reset" (is_reset): refetch what you show. on_open() is called after
        each successful (re)connection. Close the iterator (or break out of
        the loop) to disconnect. See _Reconnector for the retry policy.
        """
        policy = _Reconnector(last_event_id, reconnect, max_retries, retry_delay, max_delay)
        timeout = self._events_timeout(read_timeout)
        while True:
            try:
                with self._http.stream("GET", "/tasks/events", headers=policy.headers(),
                                       timeout=timeout) as resp:
                    if resp.status_code != 200:
                        resp.read()
                        policy.failed(error_from_response(resp))
                    else:
                        policy.opened(resp)
                        if on_open is not None:
                            on_open()
                        decoder = policy.decoder()
                        for chunk in resp.iter_bytes():
                            for sse in decoder.feed(chunk):
                                policy.dispatched(sse)
                                yield event_from_sse(sse)
                            policy.seen(decoder)
                        for sse in decoder.close():
                            policy.dispatched(sse)
                            yield event_from_sse(sse)
                        if not reconnect:
                            return
            except httpx.TransportError as e:
                policy.failed(_connection_error("GET /tasks/events", e))
            time.sleep(policy.delay())


# ---------------------------------------------------------------------------
# Asynchronous client
# ---------------------------------------------------------------------------

class AsyncBriskClient(_Base):
    """The asyncio twin of BriskClient: same arguments, same methods, as
    coroutines (iter_pages, iter_tasks and events are async iterators)."""

    def __init__(self, base_url: str, *, token: Optional[str] = None, timeout: float = 10.0,
                 headers: Optional[Mapping[str, str]] = None,
                 transport: Optional[httpx.AsyncBaseTransport] = None) -> None:
        super().__init__(base_url, token, timeout, headers)
        self._http = httpx.AsyncClient(base_url=self._base_url, headers=self._headers,
                                       timeout=timeout, transport=transport)
        self.token = self._pending_token

    def _http_headers(self) -> httpx.Headers:
        return self._http.headers

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> "AsyncBriskClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()

    async def _send(self, call: _Call[T]) -> T:
        try:
            resp = await self._http.request(call.method, call.path, params=call.params,
                                            headers=call.headers, content=call.body)
        except httpx.TransportError as e:
            raise BriskConnectionError(f"{call.method} {call.path}: {e!r}") from e
        return call.parse(resp)

    # -- auth ----------------------------------------------------------------
    async def register(self, username: str, password: str) -> User:
        return await self._send(_Calls.register(username, password))

    async def login(self, username: str, password: str) -> Token:
        token = await self._send(_Calls.login(username, password))
        self.token = token.access_token
        return token

    def logout(self) -> None:
        self.token = None

    async def me(self) -> User:
        return await self._send(_Calls.me())

    # -- tasks ---------------------------------------------------------------
    async def create_task(self, title: str, *, description: Any = UNSET, status: Any = UNSET,
                          priority: Any = UNSET, due_at: Any = UNSET, tags: Any = UNSET,
                          idempotency_key: Optional[str] = None) -> Task:
        return await self._send(_Calls.create(title, description, status, priority, due_at,
                                              tags, idempotency_key))

    async def get_task(self, task_id: str, *,
                       if_none_match: Optional[Union[int, str, Task]] = None
                       ) -> Union[Task, NotModifiedType]:
        return await self._send(_Calls.get(task_id, if_none_match))

    async def list_tasks(self, *, status: Optional[Union[str, Sequence[str]]] = None,
                         priority: Optional[int] = None, priority_gte: Optional[int] = None,
                         priority_lte: Optional[int] = None,
                         tag: Optional[Union[str, Sequence[str]]] = None,
                         q: Optional[str] = None,
                         due_before: Optional[Union[datetime, str]] = None,
                         due_after: Optional[Union[datetime, str]] = None,
                         sort: Optional[str] = None, limit: Optional[int] = None,
                         cursor: Optional[str] = None) -> TaskPage:
        return await self._send(_Calls.list(_list_params(
            status, priority, priority_gte, priority_lte, tag, q, due_before, due_after, sort,
            limit, cursor)))

    async def iter_pages(self, *, status: Optional[Union[str, Sequence[str]]] = None,
                         priority: Optional[int] = None, priority_gte: Optional[int] = None,
                         priority_lte: Optional[int] = None,
                         tag: Optional[Union[str, Sequence[str]]] = None,
                         q: Optional[str] = None,
                         due_before: Optional[Union[datetime, str]] = None,
                         due_after: Optional[Union[datetime, str]] = None,
                         sort: Optional[str] = None, limit: Optional[int] = None,
                         cursor: Optional[str] = None) -> AsyncIterator[TaskPage]:
        seen: set = set()
        while True:
            page = await self.list_tasks(status=status, priority=priority,
                                         priority_gte=priority_gte, priority_lte=priority_lte,
                                         tag=tag, q=q, due_before=due_before,
                                         due_after=due_after, sort=sort, limit=limit,
                                         cursor=cursor)
            yield page
            cursor = _next_cursor(page, seen)
            if cursor is None:
                return

    async def iter_tasks(self, *, status: Optional[Union[str, Sequence[str]]] = None,
                         priority: Optional[int] = None, priority_gte: Optional[int] = None,
                         priority_lte: Optional[int] = None,
                         tag: Optional[Union[str, Sequence[str]]] = None,
                         q: Optional[str] = None,
                         due_before: Optional[Union[datetime, str]] = None,
                         due_after: Optional[Union[datetime, str]] = None,
                         sort: Optional[str] = None, limit: Optional[int] = None
                         ) -> AsyncIterator[Task]:
        async for page in self.iter_pages(status=status, priority=priority,
                                          priority_gte=priority_gte, priority_lte=priority_lte,
                                          tag=tag, q=q, due_before=due_before,
                                          due_after=due_after, sort=sort, limit=limit):
            for task in page.tasks:
                yield task

    async def update_task(self, task_id: str, *, title: Any = UNSET, description: Any = UNSET,
                          status: Any = UNSET, priority: Any = UNSET, due_at: Any = UNSET,
                          tags: Any = UNSET,
                          if_match: Optional[Union[int, str, Task]] = None) -> Task:
        return await self._send(_Calls.update("PUT", task_id, _task_fields(
            title, description, status, priority, due_at, tags), if_match))

    async def patch_task(self, task_id: str, *, title: Any = UNSET, description: Any = UNSET,
                         status: Any = UNSET, priority: Any = UNSET, due_at: Any = UNSET,
                         tags: Any = UNSET,
                         if_match: Optional[Union[int, str, Task]] = None) -> Task:
        return await self._send(_Calls.update("PATCH", task_id, _task_fields(
            title, description, status, priority, due_at, tags), if_match))

    async def delete_task(self, task_id: str, *,
                          if_match: Optional[Union[int, str, Task]] = None) -> None:
        await self._send(_Calls.delete(task_id, if_match))

    # -- events --------------------------------------------------------------
    async def events(self, *, last_event_id: Optional[Union[str, int]] = None,
                     reconnect: bool = True, max_retries: Optional[int] = 10,
                     retry_delay: float = 1.0, max_delay: float = 30.0,
                     read_timeout: Optional[float] = 45.0,
                     on_open: Optional[Callable[[], Union[Any, Awaitable[Any]]]] = None
                     ) -> AsyncIterator[Event]:
        """As BriskClient.events; on_open may be a plain function or a coroutine function."""
        policy = _Reconnector(last_event_id, reconnect, max_retries, retry_delay, max_delay)
        timeout = self._events_timeout(read_timeout)
        while True:
            try:
                async with self._http.stream("GET", "/tasks/events", headers=policy.headers(),
                                             timeout=timeout) as resp:
                    if resp.status_code != 200:
                        await resp.aread()
                        policy.failed(error_from_response(resp))
                    else:
                        policy.opened(resp)
                        if on_open is not None:
                            result = on_open()
                            if inspect.isawaitable(result):
                                await result
                        decoder = policy.decoder()
                        async for chunk in resp.aiter_bytes():
                            for sse in decoder.feed(chunk):
                                policy.dispatched(sse)
                                yield event_from_sse(sse)
                            policy.seen(decoder)
                        for sse in decoder.close():
                            policy.dispatched(sse)
                            yield event_from_sse(sse)
                        if not reconnect:
                            return
            except httpx.TransportError as e:
                policy.failed(_connection_error("GET /tasks/events", e))
            await asyncio.sleep(policy.delay())
