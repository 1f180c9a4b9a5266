"""The review workflow's rules on every clinical write, enforced at flush (issue #12).

- order 10, `hold-refusal`: a write touching a frozen or locked scope (study, subject, visit or
  form, inherited downwards) is refused; the whole transaction rolls back.
- order 60, `sdv-drop`: a change to the data of a verified form, or to a verified adverse event,
  drops its SDV mark in the same transaction, with an audit row.
- order 65, `query-answer-by-correction`: a change to a field (or form) under an open query
  answers it; the thread message links the audit row of the correction.

The rules use core SQL on the flushing connection, so they see rows other sessions committed
and add nothing to the unit of work they are called from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, event, func, insert, or_, select, update
from sqlalchemy.orm import Session

from models.audit import Actor, AuditEvent
from models.audit_capture import AuditError
from models.audit_chain import append, as_text
from models.base import utc_now
from models.review import DataQuery, QueryMessage, RecordLock, SdvMark
from models.write_rules import Change, register

_LINKS = "_review_query_links"
TOUCHED = "review_touched_subjects"  # subject → tables a transaction changed: checks re-run
# Clinical tables whose rows carry no form code: the form they belong to.
_TABLE_FORMS = {"vitalsign": "VS", "doseadministration": "EX"}
_HISTORY_FORMS = {"GENERAL": "MH", "SLE": "SLEHX"}
WORDS = {"freeze": "frozen", "lock": "locked"}


class RecordHeld(AuditError):
    """A write touched frozen or locked data (REQ-WF-02); nothing of the transaction is saved."""


def visit_of(change: Change) -> int | None:
    """The visit a change belongs to (a visit row is its own visit)."""
    return change.record_id if change.entity == "visit" else change.visit_id


def form_of(change: Change) -> str | None:
    """The case report form a change belongs to, for tables that carry no form code."""
    if change.form:
        return change.form
    if change.entity == "labresult":
        return getattr(change.obj, "panel", None)
    if change.entity == "medicalhistory":
        return _HISTORY_FORMS.get(getattr(change.obj, "category", None) or "")
    return _TABLE_FORMS.get(change.entity)


def covers(hold: Any, subject_id: Any, visit_id: Any, form: Any) -> bool:
    """Whether a hold (row with level/subject_id/visit_id/form_code) holds this scope."""
    if hold.level == "study":
        return True
    if hold.level == "subject":
        return subject_id is not None and hold.subject_id == subject_id
    if hold.level == "visit":
        return visit_id is not None and hold.visit_id == visit_id
    return visit_id is not None and hold.visit_id == visit_id and hold.form_code == form


def active_holds(conn: Connection) -> list[Any]:
    """Every freeze and lock in force (few rows: read whole)."""
    table = RecordLock.__table__  # type: ignore[attr-defined]
    return list(conn.execute(select(table).where(table.c.unlocked_at.is_(None))).all())


def describe(hold: Any) -> str:
    """'the study is locked', 'this visit is frozen', ... for refusal messages."""
    what = {"study": "the study", "subject": "this subject", "visit": "this visit"}
    place = what.get(hold.level, f"form {hold.form_code} of this visit")
    return f"{place} is {WORDS.get(hold.kind, hold.kind)} ({hold.reason})"


@register("hold-refusal", order=10)
def refuse_held(session: Session, changes: Sequence[Change]) -> None:
    """Refuse any clinical change inside a frozen or locked scope."""
    holds = active_holds(session.connection())
    if not holds:
        return
    for change in changes:
        for hold in holds:
            if covers(hold, change.subject_id, visit_of(change), form_of(change)):
                raise RecordHeld(
                    f"{describe(hold)}: no data can change until a data manager unlocks it"
                )


def _actor(session: Session) -> Actor:
    actor = session.info.get("actor")
    assert isinstance(actor, Actor)
    return actor


def audit_row(actor: Actor, **values: Any) -> dict[str, Any]:
    """An audit row of a review action, stamped with who did it."""
    return {**actor.stamp(), **values}


@register("sdv-drop", order=60)
def drop_sdv(session: Session, changes: Sequence[Change]) -> None:
    """Drop the verification of every verified form, or adverse event, this flush changes."""
    conn = session.connection()
    table = SdvMark.__table__  # type: ignore[attr-defined]
    scopes = {(visit_of(c), form_of(c)): c for c in changes if visit_of(c) and form_of(c)}
    scopes |= {("AE", c.record_id): c for c in changes if c.entity == "adverseevent"}
    if not scopes:
        return
    marks = conn.execute(
        select(table).where(
            table.c.dropped_at.is_(None),
            or_(
                table.c.subject_id.in_({c.subject_id for c in scopes.values()}),
                table.c.visit_id.in_({v for v, _ in scopes if v != "AE"}),
            ),
        )
    ).all()
    actor = _actor(session)
    for mark in marks:
        key = ("AE", mark.record_id) if mark.visit_id is None else (mark.visit_id, mark.form_code)
        change = scopes.get(key)
        if change is None:
            continue
        why = session.info.get("reason") or f"{change.entity} {change.action}d"
        conn.execute(
            update(table)
            .where(table.c.id == mark.id)
            .values(dropped_at=utc_now(), dropped_by=actor.full_name, drop_reason=why)
        )
        row = audit_row(
            actor,
            action="sdv_drop",
            entity="sdvmark",
            record_id=mark.id,
            subject_id=mark.subject_id,
            visit_id=mark.visit_id,
            form=mark.form_code,
            field="verified",
            old_value="true",
            new_value="false",
            reason=f"data changed after verification: {why}",
        )
        append(conn, [row])


def _query_matches(query: Any, change: Change) -> tuple[bool, str | None]:
    """Whether a change answers this query, and which field (for the thread and audit link)."""
    if query.entity is None:
        same = query.visit_id == visit_of(change) and query.form_code == form_of(change)
        return same, None
    if query.entity != change.entity or query.record_id != change.record_id:
        return False, None
    if query.field is None:
        return True, None
    return query.field in change.fields, query.field


@register("query-answer-by-correction", order=65)
def answer_by_correction(session: Session, changes: Sequence[Change]) -> None:
    """A correction of the queried data answers the open query, linking its audit row."""
    subjects = {c.subject_id for c in changes if c.subject_id is not None}
    if not subjects:
        return
    conn = session.connection()
    queries = DataQuery.__table__  # type: ignore[attr-defined]
    open_ = conn.execute(
        select(queries).where(
            queries.c.status == "open",
            queries.c.origin != "auto",  # automatic queries close by themselves when fixed
            queries.c.subject_id.in_(subjects),
        )
    ).all()
    actor = _actor(session)
    links: list[tuple[int, dict[str, Any]]] = session.info.setdefault(_LINKS, [])
    for query in open_:
        for change in changes:
            matched, field = _query_matches(query, change)
            if not matched or (change.action == "create" and query.entity is not None):
                continue
            text = _correction_text(change, field, session.info.get("reason"))
            _answer(conn, actor, query, text)
            message_id = conn.execute(
                insert(QueryMessage.__table__).values(  # type: ignore[attr-defined]
                    query_id=query.id,
                    action="answer_correction",
                    status="answered",
                    text=text,
                    user_id=actor.user_id,
                    user_name=actor.full_name,
                    user_role=actor.role,
                    at=utc_now(),
                )
            ).inserted_primary_key[0]
            where = {"subject_id": change.subject_id, "entity": change.entity}
            if change.record_id is not None:
                where["record_id"] = change.record_id
            if field is not None:
                where["field"] = field
            links.append((int(message_id), where))
            break


def _correction_text(change: Change, field: str | None, reason: str | None) -> str:
    value = as_text(getattr(change.obj, field, None)) if field else None
    what = f"{field} corrected to {value}" if field else f"{change.entity} {change.action}d"
    return f"{what} (reason: {reason})" if reason else what


def _answer(conn: Connection, actor: Actor, query: Any, text: str) -> None:
    queries = DataQuery.__table__  # type: ignore[attr-defined]
    conn.execute(
        update(queries).where(queries.c.id == query.id).values(status="answered", answer=text)
    )
    row = audit_row(
        actor,
        action="query_answer",
        entity="dataquery",
        record_id=query.id,
        subject_id=query.subject_id,
        visit_id=query.visit_id,
        form=query.form_code,
        field="status",
        old_value="open",
        new_value="answered",
        reason=text,
    )
    append(conn, [row])


@event.listens_for(Session, "after_flush")
def _link_corrections(session: Session, _ctx: Any) -> None:
    """After the audit rows of the flush exist, point each correction message at its row."""
    links: list[tuple[int, dict[str, Any]]] = session.info.pop(_LINKS, [])
    if not links:
        return
    conn = session.connection()
    audit = AuditEvent.__table__  # type: ignore[attr-defined]
    messages = QueryMessage.__table__  # type: ignore[attr-defined]
    for message_id, where in links:
        conditions = [audit.c[k] == v for k, v in where.items()]
        audit_id = conn.execute(
            select(func.max(audit.c.id)).where(*conditions, audit.c.action != "query_answer")
        ).scalar()
        conn.execute(update(messages).where(messages.c.id == message_id).values(audit_id=audit_id))


def record_scope(session: Session, obj: Any) -> tuple[Any, Any, Any]:
    """(subject, visit, form) of a stored clinical row, resolved as the write rules resolve it."""
    from models.audit_capture import _scope

    subject_id, visit_id, form = _scope(session, obj)
    probe = Change("update", type(obj).__table__.name, obj.id, subject_id, visit_id, form, (), obj)
    return subject_id, visit_of(probe), form_of(probe)


@register("remember-touched-subjects", order=90)
def remember_touched(session: Session, changes: Sequence[Change]) -> None:
    """Note which subjects this transaction changed, for the edit checks run after commit."""
    touched: dict[int, set[str]] = session.info.setdefault(TOUCHED, {})
    for c in changes:
        if c.subject_id is not None:
            touched.setdefault(c.subject_id, set()).add(c.entity)
