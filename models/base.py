"""Shared table machinery: constraint naming, optimistic locking, clinical-table marker.

The naming convention must be set before any table is declared so Alembic batch migrations on
SQLite can drop and recreate named constraints (spec/streamlit.md §4.5).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import Column, Integer
from sqlmodel import SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    """Aware UTC now; SQLModel stores datetimes as UTC and refuses naive ones."""
    return datetime.now(UTC)


def version_column() -> Column[Any]:
    """A fresh `version_id` column for optimistic locking (one Column object per table)."""
    return Column("version_id", Integer, nullable=False)


class ClinicalRecord(SQLModel):
    """Marker base for tables whose every insert, update and delete is audited field by field.

    Subclasses declare `version_id` with `version_column()` and pass the same column as
    `__mapper_args__["version_id_col"]`, so a stale edit raises instead of overwriting.
    """

    __audited__: ClassVar[bool] = True
    # Fields never audited: bookkeeping the database maintains itself.
    __audit_skip__: ClassVar[frozenset[str]] = frozenset({"id", "version_id"})
    # Fields the system maintains (statuses, flags): audited, but changing them needs no reason.
    __audit_derived__: ClassVar[frozenset[str]] = frozenset()
