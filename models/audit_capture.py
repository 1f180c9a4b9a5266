"""Automatic, same-transaction audit capture for every clinical table, at flush time.

Registered on the SQLAlchemy Session class, so every session (UI, CLI, demo, tests) is audited
and no code path can skip it. Old values are read from the database before the flush writes,
so they are right even when the object was never loaded in this session.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from models.assessments import Assessment, AssessmentItem
from models.audit import Actor
from models.audit_chain import append, as_text
from models.base import ClinicalRecord
from models.write_rules import Change, enforce

_OLD_ROWS = "_audit_old_rows"
_HEADERS = "_audit_assessment_headers"


class AuditError(RuntimeError):
    """A clinical write that cannot be audited (no actor) or lacks a required reason."""


class ReasonRequired(AuditError):
    """A change to an already saved value was attempted without a reason (REQ-AUD-08)."""


def _audited(obj: object) -> bool:
    return isinstance(obj, ClinicalRecord) and getattr(obj, "__audited__", False)


def _columns(obj: ClinicalRecord) -> list[str]:
    skip = type(obj).__audit_skip__
    return [c.key for c in inspect(type(obj)).column_attrs if c.key not in skip]


def _has_changes(obj: ClinicalRecord) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in _columns(obj))


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    """Refuse unattributed or unexplained changes and snapshot old rows before they change."""
    dirty = [o for o in session.dirty if _audited(o) and _has_changes(o)]
    deleted = [o for o in session.deleted if _audited(o)]
    new = [o for o in session.new if _audited(o)]
    if not (dirty or deleted or new):
        return
    if not isinstance(session.info.get("actor"), Actor):
        raise AuditError("clinical data can only be written with an actor (who is writing)")
    snapshots: dict[tuple[str, int], dict[str, Any]] = session.info.setdefault(_OLD_ROWS, {})
    conn = session.connection()
    for obj in dirty + deleted:
        table = type(obj).__table__  # type: ignore[attr-defined]
        old = conn.execute(select(table).where(table.c.id == obj.id)).mappings().first()  # type: ignore[attr-defined]
        snapshots[(table.name, obj.id)] = dict(old) if old else {}  # type: ignore[attr-defined]
    explained = bool((session.info.get("reason") or "").strip())
    if not explained and (deleted or any(_alters_saved_value(o, snapshots) for o in dirty)):
        raise ReasonRequired("a reason is required to change or delete saved data")
    changes = [_change(session, o, "create") for o in new]
    changes += [_change(session, o, "update") for o in dirty]
    changes += [_change(session, o, "delete") for o in deleted]
    enforce(session, changes)


def _change(session: Session, obj: ClinicalRecord, action: str) -> Change:
    """What a write rule needs to know of one changed row: action, scope and changed fields."""
    names = _columns(obj)
    if action == "update":
        state = inspect(obj)
        names = [n for n in names if state.attrs[n].history.has_changes()]
    subject_id, visit_id, form = _scope(session, obj)
    return Change(
        action=action,
        entity=type(obj).__table__.name,  # type: ignore[attr-defined]
        record_id=getattr(obj, "id", None),
        subject_id=subject_id,
        visit_id=visit_id,
        form=form,
        fields=tuple(names),
        obj=obj,
    )


def _alters_saved_value(obj: ClinicalRecord, snapshots: dict[tuple[str, int], Any]) -> bool:
    """True when an entered (non-empty, non-derived) value would be overwritten."""
    old_row = snapshots.get((type(obj).__table__.name, obj.id), {})  # type: ignore[attr-defined]
    state = inspect(obj)
    for name in _columns(obj):
        if name in type(obj).__audit_derived__ or old_row.get(name) is None:
            continue
        if state.attrs[name].history.has_changes() and as_text(old_row[name]) != as_text(
            getattr(obj, name)
        ):
            return True
    return False


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _ctx: Any) -> None:
    """Write one audit row per changed field of every new, changed or deleted clinical row."""
    snapshots: dict[tuple[str, int], dict[str, Any]] = session.info.pop(_OLD_ROWS, {})
    rows: list[dict[str, Any]] = []
    for obj in session.new:
        if _audited(obj):
            rows += _field_rows(session, obj, "create", snapshots)
    for obj in session.dirty:
        if _audited(obj) and _has_changes(obj):
            rows += _field_rows(session, obj, "update", snapshots)
    for obj in session.deleted:
        if _audited(obj):
            rows += _field_rows(session, obj, "delete", snapshots)
    session.info.pop(_HEADERS, None)
    if rows:
        append(session.connection(), rows)


def _field_rows(
    session: Session,
    obj: ClinicalRecord,
    action: str,
    snapshots: dict[tuple[str, int], dict[str, Any]],
) -> list[dict[str, Any]]:
    table = type(obj).__table__.name  # type: ignore[attr-defined]
    record_id: int = obj.id  # type: ignore[attr-defined]
    old_row = snapshots.get((table, record_id), {})
    context = _context(session, obj)
    rows = []
    for name in _columns(obj):
        old = as_text(old_row.get(name)) if action != "create" else None
        new = as_text(getattr(obj, name)) if action != "delete" else None
        if old == new:
            continue
        rows.append(
            {
                **context,
                "action": action,
                "entity": table,
                "record_id": record_id,
                "field": name,
                "old_value": old,
                "new_value": new,
            }
        )
    return rows


def _assessment_header(session: Session, assessment_id: int) -> tuple[Any, Any, Any] | None:
    """(subject, visit, form) of an item's assessment, looked up once per flush."""
    cache: dict[int, tuple[Any, Any, Any] | None] = session.info.setdefault(_HEADERS, {})
    if assessment_id not in cache:
        table = Assessment.__table__  # type: ignore[attr-defined]
        row = (
            session.connection()
            .execute(
                select(table.c.subject_id, table.c.visit_id, table.c.form_code).where(
                    table.c.id == assessment_id
                )
            )
            .first()
        )
        cache[assessment_id] = tuple(row) if row is not None else None  # type: ignore[assignment]
    return cache[assessment_id]


def _scope(session: Session, obj: ClinicalRecord) -> tuple[Any, Any, Any]:
    """(subject, visit, form) a clinical row belongs to; an item takes its assessment's."""
    subject_id = getattr(obj, "subject_id", None)
    visit_id = getattr(obj, "visit_id", None)
    form = getattr(obj, "form_code", None)
    if isinstance(obj, AssessmentItem) and obj.assessment_id is not None:
        header = _assessment_header(session, obj.assessment_id)
        if header is not None:
            subject_id, visit_id, form = header
    elif type(obj).__table__.name == "subject":  # type: ignore[attr-defined]
        subject_id = obj.id  # type: ignore[attr-defined]
    return subject_id, visit_id, form


def _context(session: Session, obj: ClinicalRecord) -> dict[str, Any]:
    actor: Actor = session.info["actor"]
    subject_id, visit_id, form = _scope(session, obj)
    return {
        **actor.stamp(),
        "reason": session.info.get("reason"),
        "study_version": session.info.get("study_version"),
        "subject_id": subject_id,
        "visit_id": visit_id,
        "form": form,
    }
