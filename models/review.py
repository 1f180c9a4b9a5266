"""The review workflow: record locks and data queries (placeholder tables, filled by issue #12)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import utc_now


class RecordLock(SQLModel, table=True):
    """A lock on a subject, visit or form; a locked record refuses edits until unlocked."""

    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="subject.id", index=True)
    visit_id: int | None = Field(default=None, foreign_key="visit.id")
    form_code: str | None = Field(default=None, max_length=20)
    user_id: int = Field(foreign_key="user.id")
    locked_at: datetime = Field(default_factory=utc_now)
    unlocked_at: datetime | None = None


class DataQuery(SQLModel, table=True):
    """A data clarification raised on a field of a record, with its answer and closure."""

    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="subject.id", index=True)
    entity: str = Field(max_length=40)
    record_id: int
    field: str | None = Field(default=None, max_length=40)
    text: str = Field(max_length=2000)
    status: str = Field(default="open", max_length=10)
    opened_by: int = Field(foreign_key="user.id")
    opened_at: datetime = Field(default_factory=utc_now)
    answer: str | None = Field(default=None, max_length=2000)
    closed_at: datetime | None = None
