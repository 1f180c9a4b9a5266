"""Reading the audit trail: filtered frames for the viewer, field histories, chain checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Engine, select

from models import Actor, AuditEvent, Subject
from models.audit_chain import ChainReport, as_text, verify
from models.base import ClinicalRecord
from records import words
from records.permissions import require

COLUMNS = (
    "id",
    "ts_utc",
    "username",
    "user_name",
    "user_role",
    "action",
    "entity",
    "record_id",
    "subject_id",
    "screening_number",
    "visit_id",
    "form",
    "field",
    "old_value",
    "new_value",
    "reason",
    "origin",
)


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What the viewer asks for; None means no restriction."""

    subject_id: int | None = None
    username: str | None = None
    entity: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    limit: int = 5000
    site_ids: frozenset[int] | None = None
    """The reader's sites (#16): their subjects' rows only, and no study-level rows (accounts,
    exports, sites). None for a reader at every site."""


def audit_frame(engine: Engine, actor: Actor, flt: AuditFilter = AuditFilter()) -> pd.DataFrame:
    """Audit rows newest first, with the subject's screening number decoded."""
    require(actor, "read_audit")
    ev = AuditEvent.__table__  # type: ignore[attr-defined]
    subj = Subject.__table__  # type: ignore[attr-defined]
    query = select(
        *(ev.c[c] for c in COLUMNS if c != "screening_number"), subj.c.screening_number
    ).outerjoin(subj, subj.c.id == ev.c.subject_id)
    if flt.subject_id is not None:
        query = query.where(ev.c.subject_id == flt.subject_id)
    if flt.site_ids is not None:
        query = query.where(subj.c.site_id.in_(flt.site_ids))
    if flt.username:
        query = query.where(ev.c.username == flt.username)
    if flt.entity:
        query = query.where(ev.c.entity == flt.entity)
    if flt.date_from:
        query = query.where(ev.c.ts_utc >= flt.date_from.isoformat())
    if flt.date_to:
        query = query.where(ev.c.ts_utc < (flt.date_to + timedelta(days=1)).isoformat())
    query = query.order_by(ev.c.id.desc()).limit(flt.limit)
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    return frame[list(COLUMNS)]


def visit_trail(
    engine: Engine,
    actor: Actor,
    subject_id: int,
    visit_id: int,
    entity: str,
    form: str | None = None,
) -> pd.DataFrame:
    """The trail of one table's rows at one visit (e.g. a form's items), oldest first.

    Open to every reader: investigators review the audit trail of their own data (EMA 2023).
    """
    require(actor, "read")
    ev = AuditEvent.__table__  # type: ignore[attr-defined]
    query = (
        select(*(ev.c[c] for c in COLUMNS if c != "screening_number"))
        .where(ev.c.subject_id == subject_id, ev.c.visit_id == visit_id, ev.c.entity == entity)
        .order_by(ev.c.id)
    )
    if form is not None:
        query = query.where(ev.c.form == form)
    with engine.connect() as conn:
        return pd.read_sql(query, conn)


def field_history(
    engine: Engine, actor: Actor, entity: str, record_id: int, field: str | None = None
) -> pd.DataFrame:
    """Every audited change of one record (or one field of it), oldest first."""
    require(actor, "read")
    ev = AuditEvent.__table__  # type: ignore[attr-defined]
    query = (
        select(
            ev.c.ts_utc,
            ev.c.user_name,
            ev.c.user_role,
            ev.c.action,
            ev.c.field,
            ev.c.old_value,
            ev.c.new_value,
            ev.c.reason,
        )
        .where(ev.c.entity == entity, ev.c.record_id == record_id)
        .order_by(ev.c.id)
    )
    if field:
        query = query.where(ev.c.field == field)
    with engine.connect() as conn:
        return pd.read_sql(query, conn)


def last_change(engine: Engine, entity: str, record_id: int) -> tuple[str, str] | None:
    """(user name, UTC time) of the latest audited change of a record, for 'last changed by'."""
    ev = AuditEvent.__table__  # type: ignore[attr-defined]
    query = (
        select(ev.c.user_name, ev.c.ts_utc)
        .where(ev.c.entity == entity, ev.c.record_id == record_id)
        .order_by(ev.c.id.desc())
        .limit(1)
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return (row[0], row[1]) if row else None


def audit_users_and_entities(engine: Engine) -> tuple[list[str], list[str]]:
    """Distinct usernames and tables in the trail, for the viewer's filters."""
    ev = AuditEvent.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        users = conn.execute(select(ev.c.username).distinct().order_by(ev.c.username)).scalars()
        users_list = list(users)
        entities = list(
            conn.execute(select(ev.c.entity).distinct().order_by(ev.c.entity)).scalars()
        )
    return users_list, entities


def verify_chain(engine: Engine) -> ChainReport:
    """Recompute the hash chain of the whole trail."""
    with engine.connect() as conn:
        return verify(conn)


State = dict[tuple[str, int], dict[str, str | None]]


def replay_state(engine: Engine) -> State:
    """Rebuild every clinical record from the audit trail alone (creates, updates, deletes)."""
    ev = AuditEvent.__table__  # type: ignore[attr-defined]
    query = (
        select(ev.c.action, ev.c.entity, ev.c.record_id, ev.c.field, ev.c.new_value)
        .where(ev.c.action.in_(("create", "update", "delete")))
        .order_by(ev.c.id)
    )
    state: State = {}
    with engine.connect() as conn:
        for action, entity, record_id, field, new in conn.execute(query):
            key = (entity, record_id)
            if action == "delete":
                state.pop(key, None)
            else:
                state.setdefault(key, {})[field] = new
    return {key: {f: v for f, v in row.items() if v is not None} for key, row in state.items()}


def current_state(engine: Engine) -> State:
    """Every clinical record as the audit trail would render it, for comparison with replay."""
    state: State = {}
    with engine.connect() as conn:
        for model in ClinicalRecord.__subclasses__():
            table = model.__table__  # type: ignore[attr-defined]
            skip = model.__audit_skip__
            for row in conn.execute(select(table)).mappings():
                values = {k: as_text(v) for k, v in row.items() if k not in skip}
                state[(table.name, row["id"])] = {k: v for k, v in values.items() if v is not None}
    return state


def readable(frame: pd.DataFrame, form_name: Callable[[str], str]) -> pd.DataFrame:
    """`audit_frame` for people: labelled columns, and tables, fields, roles and actions in
    words (#14). The stored codes stay in `audit_frame` and the CSV download."""
    record = [
        f"{words.entity(e)} {int(i)}" if pd.notna(i) else words.entity(e)
        for e, i in zip(frame["entity"], frame["record_id"], strict=True)
    ]
    return pd.DataFrame(
        {
            "Audit row": frame["id"],
            "Time (UTC)": frame["ts_utc"],
            "User": frame["username"],
            "Name": frame["user_name"],
            "Role": _in_words(frame["user_role"], words.role),
            "Action": _in_words(frame["action"], words.audit_action),
            "Record": record,
            "Subject": frame["screening_number"],
            "Form": _in_words(frame["form"], form_name),
            "Field": _in_words(frame["field"], words.field),
            "Old value": frame["old_value"],
            "New value": frame["new_value"],
            "Reason for change": frame["reason"],
            "Entered through": _in_words(frame["origin"], lambda o: ORIGINS.get(o, o)),
        }
    )


ORIGINS = {"ui": "workbench", "cli": "command line", "system": "system"}


def _in_words(codes: pd.Series, say: Callable[[str], str]) -> pd.Series:
    """Each code in words; a missing one (None, NaN, empty) stays blank."""
    return codes.map(lambda c: say(c) if isinstance(c, str) and c else "")
