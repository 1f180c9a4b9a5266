"""The clinical data of an ODM archive, read in one transaction: every stored value with the
audit row that last set it (who, when, why), for ODM's AuditRecord (records §4.10).

Reading the archive needs the audit-reading permission: it carries the audit trail's authors.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, func, select

from models import Actor, AuditEvent
from models.audit_chain import chain_head
from records.context import Workbench
from records.integrity import anchor_line
from records.permissions import require
from records.sites import require_every_site
from records.standards import odm_model as M


@dataclass(frozen=True, slots=True)
class Stamp:
    """Who last set a value, when (UTC) and why: the audit row behind an ItemData."""

    username: str
    full_name: str
    ts_utc: str
    reason: str | None
    audit_id: int


@dataclass(frozen=True, slots=True)
class Value:
    """One ItemData: OID, value as ODM text, and its audit stamp."""

    item: str
    value: str
    stamp: Stamp | None


@dataclass(frozen=True)
class Group:
    """One ItemGroupData (a stored record), with its repeat key when the group repeats."""

    oid: str
    values: tuple[Value, ...]
    repeat_key: str | None = None


@dataclass(frozen=True)
class Form:
    """One FormData: its OID and groups."""

    oid: str
    groups: tuple[Group, ...]


@dataclass(frozen=True)
class Event:
    """One StudyEventData: the subject event or a visit (repeat key = visit sequence)."""

    oid: str
    forms: tuple[Form, ...]
    repeat_key: str | None = None


@dataclass(frozen=True)
class SubjectData:
    """One subject (key = screening number) with all of its events."""

    key: str
    events: tuple[Event, ...]


@dataclass(frozen=True)
class ClinicalArchive:
    """Every subject's data and the people who entered it (AdminData users)."""

    subjects: tuple[SubjectData, ...]
    users: dict[str, str] = field(default_factory=dict)
    anchor: str = ""  # the audit-chain head the data were read at (issue #13)


def odm_text(value: Any, kind: M.OdmType) -> str | None:
    """A stored value as ODM text: ISO dates, UTC datetimes, Y/N booleans, exact numbers."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if kind == "boolean":
        return "Y" if bool(value) else "N"
    if kind == "datetime" and isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    if kind == "date" and isinstance(value, date):
        return value.isoformat()
    if kind == "integer":
        return str(int(value))
    if kind == "float":
        return repr(float(value))
    return str(value)


class Reader:
    """Rows of each clinical table and the last audit stamp of each (table, record, field)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.stamps = _stamps(conn)

    def rows(self, table: str) -> pd.DataFrame:
        """All rows of a clinical table, in id order."""
        from sqlmodel import SQLModel

        t = SQLModel.metadata.tables[table]
        return pd.read_sql(select(t).order_by(t.c.id), self.conn).astype(object)

    def values(self, spec: M.TableForm, row: dict[str, Any]) -> tuple[Value, ...]:
        """The ItemData of one record: each exchanged field that holds a value."""
        out = []
        for name, kind in spec.fields:
            text = odm_text(row.get(name), kind)
            if text is not None:
                stamp = self.stamps.get((spec.table, int(row["id"]), name))
                out.append(Value(spec.item_oid(name), text, stamp))
        return tuple(out)

    def value(self, oid: str, table: str, record: int, name: str, text: str) -> Value:
        """One ItemData whose stamp comes from a given stored field."""
        return Value(oid, text, self.stamps.get((table, record, name)))


def _stamps(conn: Connection) -> dict[tuple[str, int, str], Stamp]:
    a = AuditEvent.__table__  # type: ignore[attr-defined]
    last = (
        select(func.max(a.c.id))
        .where(a.c.record_id.is_not(None), a.c.field.is_not(None))
        .group_by(a.c.entity, a.c.record_id, a.c.field)
    )
    query = select(a.c.entity, a.c.record_id, a.c.field, a.c.username, a.c.user_name,
                   a.c.ts_utc, a.c.reason, a.c.id).where(a.c.id.in_(last))  # fmt: skip
    return {
        (e, int(r), f): Stamp(u, n, t, why, int(i))
        for e, r, f, u, n, t, why, i in conn.execute(query)
    }


def read_archive(wb: Workbench, actor: Actor) -> ClinicalArchive:
    """Every subject's clinical data with audit stamps, from one read transaction."""
    require(actor, "read_audit")
    require_every_site(wb, "an ODM archive")
    from records.standards.odm_subjects import subjects

    with wb.engine.connect() as conn, conn.begin():
        reader = Reader(conn)
        data = tuple(subjects(reader, wb.study))
        anchor = anchor_line(chain_head(conn))
    users = {s.username: s.full_name for s in reader.stamps.values()}
    return ClinicalArchive(data, users, anchor)


def grouped(frame: pd.DataFrame, column: str) -> Iterator[tuple[Any, pd.DataFrame]]:
    """Rows grouped by one column, in first-seen order."""
    if frame.empty:
        return
    yield from frame.groupby(column, sort=False)
