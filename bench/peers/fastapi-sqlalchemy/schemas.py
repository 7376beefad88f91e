"""Pydantic (v1, Debian 12's) models of the API's bodies. Timestamps are
naive UTC datetimes inside the app (as the database stores them) and RFC 3339
UTC with milliseconds on the wire, as brisk writes them."""
from datetime import datetime, timezone
from typing import List, Literal, Optional

from pydantic import BaseModel, Extra, Field, conlist, constr, validator

Status = Literal["pending", "in_progress", "done"]


def naive_utc(value: datetime) -> datetime:
    """An aware datetime converted to UTC; a naive one is taken as UTC."""
    return value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo else value


def rfc3339(value: datetime) -> str:
    value = naive_utc(value)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


class Answer(BaseModel):
    """A response body. Its encoders also apply to the models nested in it
    (FastAPI encodes with the outermost model's json_encoders)."""

    class Config:
        json_encoders = {datetime: rfc3339}


class TaskIn(BaseModel):
    title: constr(min_length=1, max_length=200)
    description: constr(max_length=2000) = ""
    status: Status = "pending"
    priority: int = Field(1, ge=1, le=5)
    due_at: Optional[datetime] = None
    tags: conlist(constr(min_length=1, max_length=50), max_items=20) = []

    _due_at_utc = validator("due_at", allow_reuse=True)(lambda v: v and naive_utc(v))

    class Config:
        extra = Extra.forbid


class Task(Answer):
    id: str
    title: str
    description: str
    status: Status
    priority: int
    due_at: Optional[datetime]
    tags: List[str]
    created_at: datetime
    updated_at: datetime
    version: int

    class Config:
        orm_mode = True


class TaskList(Answer):
    tasks: List[Task]
    count: int
    next_cursor: Optional[str] = None
