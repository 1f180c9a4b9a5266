"""Every sheet of an export read in one transaction, so all of them see the same database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, Engine, select

from models import RecordLock, Subject
from models.audit_chain import chain_head
from records.errors import ValidationFailed
from records.integrity import anchor_line
from records.listings.audit_trail import audit_trail
from records.listings.catalogue import read_listings
from records.listings.dictionary import codelist_sheet, data_dictionary
from records.listings.model import Listing, ListingSource, Scope
from study.schema import StudyDefinition


@dataclass(frozen=True, slots=True)
class AuditRange:
    """The audit-trail extract asked for: dates inclusive, in UTC; None = open-ended."""

    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class Snapshot:
    """Listing sheets in workbook order (dictionary and codelists last) and the lock status."""

    sheets: tuple[Listing, ...]
    database_status: str
    anchor: str = ""  # the audit chain head as read with the data (issue #13)


def read_snapshot(
    engine: Engine, study: StudyDefinition, scope: Scope, audit: AuditRange | None = None
) -> Snapshot:
    """Read listings, the optional audit extract and companion sheets in one read transaction."""
    with engine.connect() as conn, conn.begin():
        _check_subjects(conn, scope.subject_ids)
        src = ListingSource(conn, study, scope)
        listings = read_listings(conn, study, scope)
        if audit is not None:
            listings.append(audit_trail(src, audit.date_from, audit.date_to))
        companions = [data_dictionary(listings), codelist_sheet(study, listings)]
        anchor = anchor_line(chain_head(conn))
        return Snapshot((*listings, *companions), database_status(conn, src), anchor)


def read_audit_trail(
    engine: Engine, study: StudyDefinition, scope: Scope, audit: AuditRange
) -> Listing:
    """The audit-trail extract alone (read later in windows, up to the row fixed now)."""
    with engine.connect() as conn, conn.begin():
        return audit_trail(ListingSource(conn, study, scope), audit.date_from, audit.date_to)


def _check_subjects(conn: Connection, subject_ids: tuple[int, ...] | None) -> None:
    if subject_ids is None:
        return
    if not subject_ids:
        raise ValidationFailed({"subject_ids": "select at least one subject, or none for all"})
    s = Subject.__table__  # type: ignore[attr-defined]
    found = set(conn.execute(select(s.c.id).where(s.c.id.in_(subject_ids))).scalars())
    unknown = sorted(set(subject_ids) - found)
    if unknown:
        raise ValidationFailed({"subject_ids": f"unknown subject id(s): {unknown}"})


def database_status(conn: Connection, src: ListingSource) -> str:
    """LOCKED (when, by whom) under a study lock in force, else LIVE (noting a study freeze)."""
    del src  # the database is locked as a whole, whatever the scope of the export
    lock = RecordLock.__table__  # type: ignore[attr-defined]
    rows = conn.execute(
        select(lock.c.kind, lock.c.locked_at, lock.c.locked_by, lock.c.reason)
        .where(lock.c.level == "study", lock.c.unlocked_at.is_(None))
        .order_by(lock.c.id)
    ).all()
    by_kind = {r.kind: r for r in rows}
    if "lock" in by_kind:
        r = by_kind["lock"]
        return f"LOCKED since {r.locked_at:%Y-%m-%d %H:%M} UTC by {r.locked_by} ({r.reason})"
    if "freeze" in by_kind:
        r = by_kind["freeze"]
        return f"LIVE (frozen since {r.locked_at:%Y-%m-%d %H:%M} UTC by {r.locked_by})"
    return "LIVE"
