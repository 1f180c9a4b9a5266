"""Data queries (REQ-WF-01): raise, answer, close, re-open, cancel; every transition audited.

States: open → answered → closed; answered → open and closed → open (sent back); open or
answered → cancelled (with a reason). Monitors and data managers raise, close, send back and
cancel; the site (investigator, coordinator) answers with a reply, or by correcting the value:
that answer is given at flush by `models/review_rules.answer_by_correction` (write rule order
65), whose thread message links the audit row of the correction. A locked scope refuses every
transition; a frozen one does not (queries go on while data are frozen).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from models import Actor, DataQuery, QueryMessage, Subject, Visit
from models.audit_chain import append
from models.base import ClinicalRecord, utc_now
from models.db import read_session
from models.review_rules import audit_row, record_scope
from models.site_scope import check_site
from records import fields
from records.context import Workbench
from records.errors import NotFound, PermissionDenied, ValidationFailed
from records.holds import refuse_if_locked
from records.transaction import write

REVIEWERS = frozenset({"monitor", "data_manager", "system"})
SITE = frozenset({"investigator", "coordinator", "system"})


@dataclass(frozen=True, slots=True)
class Transition:
    """Who may move a query from which states to which, and whether text is required."""

    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    text_required: bool


TRANSITIONS: dict[str, Transition] = {
    "answer": Transition(("open",), "answered", SITE, True),
    "close": Transition(("answered",), "closed", REVIEWERS, False),
    "reopen": Transition(("answered", "closed"), "open", REVIEWERS, True),
    "cancel": Transition(("open", "answered"), "cancelled", REVIEWERS, True),
}


@dataclass(frozen=True, slots=True)
class MessageRead:
    action: str
    status: str
    text: str
    user_name: str
    user_role: str
    at: datetime
    audit_id: int | None


@dataclass(frozen=True, slots=True)
class QueryRead:
    """A query with its target, state, age and thread (oldest message first)."""

    id: int
    subject_id: int
    screening_number: str
    visit_id: int | None
    visit_code: str | None
    form_code: str | None
    entity: str | None
    record_id: int | None
    field: str | None
    origin: str
    check_code: str | None
    text: str
    status: str
    opened_by: str
    opened_at: datetime
    age_days: int
    thread: tuple[MessageRead, ...]


def _table(entity: str) -> type[ClinicalRecord]:
    for mapper in SQLModel._sa_registry.mappers:  # type: ignore[attr-defined]
        cls = mapper.class_
        if getattr(cls, "__tablename__", None) == entity and issubclass(cls, ClinicalRecord):
            return cls  # type: ignore[no-any-return]
    raise ValidationFailed({"entity": f"unknown record type {entity!r}"})


def _target(
    session: Session,
    wb: Workbench,
    visit_id: Any,
    form_code: Any,
    entity: Any,
    record_id: Any,
    field: Any,
) -> dict[str, Any]:
    """Resolve what a query is raised on: a field or record (entity/id), or a form of a visit."""
    if entity is not None:
        obj = session.get(_table(str(entity)), record_id)
        if obj is None:
            raise NotFound(f"no {entity} record {record_id}")
        columns = {c.key for c in inspect(type(obj)).column_attrs} - {"id", "version_id"}
        if field is not None and field not in columns:
            raise ValidationFailed({"field": f"{entity} has no field {field!r}"})
        subject_id, visit, form = record_scope(session, obj)
        return {"subject_id": subject_id, "visit_id": visit, "form_code": form,
                "entity": entity, "record_id": record_id, "field": field}  # fmt: skip
    visit = session.get(Visit, visit_id) if visit_id is not None else None
    if visit is None:
        raise ValidationFailed({"visit_id": "a form query needs the visit"})
    if form_code not in {f.code for f in wb.study.forms}:
        raise ValidationFailed({"form_code": f"unknown form {form_code!r}"})
    return {"subject_id": visit.subject_id, "visit_id": visit.id, "form_code": form_code}


def _audit(session: Session, actor: Actor, q: DataQuery, action: str, old: Any, text: str) -> None:
    row = audit_row(actor, action=f"query_{action}", entity="dataquery", record_id=q.id,
                    subject_id=q.subject_id, visit_id=q.visit_id, form=q.form_code,
                    field="status", old_value=old, new_value=q.status, reason=text)  # fmt: skip
    append(session.connection(), [row])


def _message(session: Session, actor: Actor, q: DataQuery, action: str, text: str) -> None:
    session.add(
        QueryMessage(query_id=q.id, action=action, status=q.status, text=text,
                     user_id=actor.user_id, user_name=actor.full_name, user_role=actor.role)
    )  # fmt: skip


def raise_query(
    wb: Workbench,
    actor: Actor,
    text: Any,
    *,
    visit_id: int | None = None,
    form_code: str | None = None,
    entity: str | None = None,
    record_id: int | None = None,
    field: str | None = None,
    origin: str = "manual",
    check_code: str | None = None,
) -> QueryRead:
    """Raise a query on a field or record (entity, record_id[, field]) or on a form of a visit."""
    if actor.role not in REVIEWERS:
        raise PermissionDenied("only a monitor or data manager may raise a query")
    errors: fields.Errors = {}
    clean = fields.text(errors, "text", text, max_length=2000)
    if not clean:
        errors.setdefault("text", "say what needs clarifying")
    if errors:
        raise ValidationFailed(errors)
    with write(wb, actor) as session:
        target = _target(session, wb, visit_id, form_code, entity, record_id, field)
        refuse_if_locked(session, target["subject_id"], target["visit_id"], target["form_code"])
        check_site(session, actor, target["subject_id"])
        q = DataQuery(**target, origin=origin, check_code=check_code, text=str(clean),
                      status="open", opened_by=actor.full_name)  # fmt: skip
        session.add(q)
        session.flush()
        _message(session, actor, q, "raise", str(clean))
        _audit(session, actor, q, "open", None, str(clean))
        query_id = int(q.id)  # type: ignore[arg-type]
    return get_query(wb, query_id)


def transition(
    wb: Workbench, actor: Actor, query_id: int, action: str, text: Any = None
) -> QueryRead:
    """Answer (site), close, re-open or cancel (monitor, data manager) a query."""
    rule = TRANSITIONS.get(action)
    if rule is None:
        raise ValidationFailed({"action": f"must be one of {', '.join(TRANSITIONS)}"})
    if actor.role not in rule.roles:
        raise PermissionDenied(f"role {actor.role!r} may not {action} a query")
    errors: fields.Errors = {}
    clean = fields.text(errors, "text", text, max_length=2000)
    if rule.text_required and not clean:
        errors.setdefault("text", f"give the text of the {action}")
    if errors:
        raise ValidationFailed(errors)
    with write(wb, actor) as session:
        q = session.get(DataQuery, query_id)
        if q is None:
            raise NotFound(f"no query {query_id}")
        refuse_if_locked(session, q.subject_id, q.visit_id, q.form_code)
        check_site(session, actor, q.subject_id)
        if q.status not in rule.sources:
            raise ValidationFailed({"status": f"a query {q.status} cannot be {action}ed"})
        old, q.status = q.status, rule.target
        if action == "answer":
            q.answer = clean
        q.closed_at = utc_now() if rule.target in ("closed", "cancelled") else None
        session.flush()
        _message(session, actor, q, action, clean or action)
        _audit(session, actor, q, action, old, clean or action)
    return get_query(wb, query_id)


def answer_query(wb: Workbench, actor: Actor, query_id: int, text: Any) -> QueryRead:
    return transition(wb, actor, query_id, "answer", text)


def close_query(wb: Workbench, actor: Actor, query_id: int, text: Any = None) -> QueryRead:
    return transition(wb, actor, query_id, "close", text)


def reopen_query(wb: Workbench, actor: Actor, query_id: int, text: Any) -> QueryRead:
    return transition(wb, actor, query_id, "reopen", text)


def cancel_query(wb: Workbench, actor: Actor, query_id: int, reason: Any) -> QueryRead:
    return transition(wb, actor, query_id, "cancel", reason)


def _age(opened: datetime, now: datetime) -> int:
    opened = opened if opened.tzinfo else opened.replace(tzinfo=UTC)
    return max(0, (now - opened).days)


def read_queries(
    session: Session,
    *,
    subject_id: int | None = None,
    visit_id: int | None = None,
    states: tuple[str, ...] | None = None,
    now: datetime | None = None,
    site_ids: frozenset[int] | None = None,
) -> list[QueryRead]:
    """Queries with their threads, oldest first, filtered by subject, visit, state and site."""
    now = now or datetime.now(UTC)
    query = (
        select(DataQuery, Subject.screening_number, Visit.visit_code)
        .join(
            Subject,
            Subject.id == DataQuery.subject_id,  # type: ignore[arg-type]
        )
        .outerjoin(Visit, Visit.id == DataQuery.visit_id)
    )  # type: ignore[arg-type]
    if subject_id is not None:
        query = query.where(DataQuery.subject_id == subject_id)  # type: ignore[arg-type]
    if visit_id is not None:
        query = query.where(DataQuery.visit_id == visit_id)  # type: ignore[arg-type]
    if states is not None:
        query = query.where(DataQuery.status.in_(states))  # type: ignore[attr-defined]
    if site_ids is not None:
        query = query.where(Subject.site_id.in_(site_ids))  # type: ignore[attr-defined]
    rows = session.execute(query.order_by(DataQuery.id)).all()  # type: ignore[arg-type]
    ids = [q.id for q, _, _ in rows]
    threads: dict[int, list[MessageRead]] = {i: [] for i in ids}
    if ids:
        messages = session.scalars(
            select(QueryMessage)
            .where(QueryMessage.query_id.in_(ids))  # type: ignore[attr-defined]
            .order_by(QueryMessage.id)  # type: ignore[arg-type]
        )
        for m in messages:
            threads[m.query_id].append(
                MessageRead(m.action, m.status, m.text, m.user_name, m.user_role, m.at, m.audit_id)
            )
    return [_read(q, number, code, tuple(threads[q.id]), now) for q, number, code in rows]


def _read(q: DataQuery, number: str, code: str | None, thread: Any, now: datetime) -> QueryRead:
    values = {f: getattr(q, f) for f in QueryRead.__dataclass_fields__ if hasattr(q, f)}
    values.update(screening_number=number, visit_code=code, thread=thread)
    return QueryRead(**values, age_days=_age(q.opened_at, now))


def list_queries(wb: Workbench, **filters: Any) -> list[QueryRead]:
    """`read_queries` in its own read session, held to the workbench's sites."""
    with read_session(wb.engine) as session:
        return read_queries(session, site_ids=wb.site_ids, **filters)


def get_query(wb: Workbench, query_id: int) -> QueryRead:
    with read_session(wb.engine) as session:
        found = [q for q in read_queries(session, site_ids=wb.site_ids) if q.id == query_id]
    if not found:
        raise NotFound(f"no query {query_id}")
    return found[0]


def close_fixed(wb: Workbench, actor: Actor, query_id: int) -> None:
    """Close an open automatic query whose check now passes (the system, no person involved)."""
    if actor.role != "system":
        raise PermissionDenied("only the system closes automatic queries by themselves")
    text = "closed automatically: the data now pass the check"
    with write(wb, actor) as session:
        q = session.get(DataQuery, query_id)
        if q is None or q.origin != "auto" or q.status != "open":
            raise ValidationFailed({"query": "only an open automatic query closes by itself"})
        refuse_if_locked(session, q.subject_id, q.visit_id, q.form_code)
        check_site(session, actor, q.subject_id)
        q.status, q.closed_at = "closed", utc_now()
        session.flush()
        _message(session, actor, q, "auto_close", text)
        _audit(session, actor, q, "close", "open", text)
