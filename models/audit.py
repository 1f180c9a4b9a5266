"""The audit trail table and who is acting; rows are append-only and hash-chained.

Schema after spec/records.md §3.5. The database refuses UPDATE and DELETE on this table
(triggers created by the first migration), and `models.audit_chain.verify` detects edits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

ORIGINS: tuple[str, ...] = ("ui", "cli", "import", "system")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is writing: copied into every audit row so the trail never depends on a later join."""

    user_id: int | None
    username: str
    full_name: str
    role: str
    origin: str = "ui"

    def stamp(self) -> dict[str, Any]:
        """The columns every audit row carries about who wrote it, written in one place."""
        return {
            "user_id": self.user_id,
            "username": self.username,
            "user_name": self.full_name,
            "user_role": self.role,
            "origin": self.origin,
        }


SYSTEM_ACTOR = Actor(
    user_id=None, username="system", full_name="System", role="system", origin="system"
)


class AuditEvent(SQLModel, table=True):
    """One audited fact: a field change of a clinical record, or a workflow/security event.

    `(subject_id, id)` is indexed together so a subject's newest row is one index seek on both
    engines (the per-subject outcome keys, #18); SQLite's rowid made a subject_id index enough,
    PostgreSQL's index order within equal keys is not the id's.
    """

    __table_args__ = (Index("ix_auditevent_subject_newest", "subject_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    ts_utc: str = Field(max_length=32, index=True)
    user_id: int | None = None
    username: str = Field(max_length=64, index=True)
    user_name: str = Field(max_length=200)
    user_role: str = Field(max_length=20)
    action: str = Field(max_length=20)
    entity: str = Field(max_length=40, index=True)
    record_id: int | None = None
    subject_id: int | None = None
    visit_id: int | None = None
    form: str | None = Field(default=None, max_length=20)
    field: str | None = Field(default=None, max_length=60)
    old_value: str | None = None
    new_value: str | None = None
    reason: str | None = Field(default=None, max_length=1000)
    origin: str = Field(max_length=10)
    app_version: str = Field(max_length=20)
    study_version: str | None = Field(default=None, max_length=40)
    host: str | None = Field(default=None, max_length=100)
    prev_hash: str = Field(max_length=64)
    row_hash: str = Field(max_length=64)
