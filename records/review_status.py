"""Database lock (REQ-WF-02): the readiness checklist, lock and unlock of the whole study.

The study is ready when there is no open query, SDV is complete where the study definition
requires it, every casebook has a valid signature (`records.signature_status.casebook_signed`,
owned by the signatures work), every adverse event has its outcome and causality, and no form is
left in progress or incomplete. Locking is refused until then; freezing is always possible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Actor, AdverseEvent, Subject, Visit
from models.db import read_session
from records.context import Workbench
from records.errors import NotFound, ValidationFailed
from records.forms_status import form_states
from records.holds import HoldRead, holds, lift_hold, place_hold
from records.open_queries import OPEN_STATES
from records.queries import read_queries
from records.sdv import read_sdv
from records.signature_status import casebook_signed

MISSING = ("", "UNKNOWN")


@dataclass(frozen=True, slots=True)
class CheckItem:
    """One line of the checklist: passed or not, and what stands in the way."""

    name: str
    ok: bool
    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReviewStatus:
    items: tuple[CheckItem, ...]
    lock: HoldRead | None  # the study lock in force, if any

    @property
    def ready(self) -> bool:
        return all(i.ok for i in self.items)

    def as_text(self) -> str:
        """The checklist as the CLI prints it."""
        state = "LOCKED" if self.lock else "LIVE"
        if self.lock:
            state += f" since {self.lock.locked_at:%Y-%m-%d %H:%M} UTC by {self.lock.locked_by}"
        lines = [f"Database: {state}"]
        for item in self.items:
            lines.append(f"[{'x' if item.ok else ' '}] {item.name}")
            lines += [f"      - {p}" for p in item.problems[:20]]
            if len(item.problems) > 20:
                lines.append(f"      ... and {len(item.problems) - 20} more")
        lines.append("READY to lock" if self.ready else "NOT READY to lock")
        return "\n".join(lines)


def _numbers(session: Session, wb: Workbench) -> dict[int, str]:
    """Screening numbers of the subjects this workbench sees (its sites, #16)."""
    query = select(Subject.id, Subject.screening_number).where(wb.subject_filter(Subject.site_id))
    return dict(session.execute(query).all())  # type: ignore[arg-type]


def checklist(session: Session, wb: Workbench) -> tuple[CheckItem, ...]:
    """What stands between the data and a lock, for the subjects of the workbench's sites (the
    study lock itself needs an account at every site, so it is judged on every subject)."""
    numbers = _numbers(session, wb)
    codes = dict(session.execute(select(Visit.id, Visit.visit_code)).all())  # type: ignore[arg-type]
    queries = read_queries(session, states=OPEN_STATES, site_ids=wb.site_ids)
    open_q = tuple(
        f"{q.screening_number} {q.visit_code or ''} {q.form_code or q.entity or ''}: "
        f"query {q.id} {q.status}"
        for q in queries
    )
    sdv = tuple(
        f"{r.screening_number} {r.visit_code} {r.what}: {r.state}"
        for r in read_sdv(session, wb.study)
        if r.state != "verified" and r.subject_id in numbers
    )
    unsigned = tuple(
        f"{number}: casebook not signed"
        for sid, number in sorted(numbers.items(), key=lambda x: x[1])
        if not casebook_signed(session, sid)  # type: ignore[arg-type]
    )
    ae = tuple(
        f"{numbers[a.subject_id]} AE {a.sequence} ({a.term}): outcome or causality missing"
        for a in session.scalars(select(AdverseEvent).order_by(AdverseEvent.id))  # type: ignore[arg-type]
        if a.subject_id in numbers
        and not a.error_reason  # entered in error: kept, but nothing to complete
        and (
            (a.outcome or "").strip().upper() in MISSING
            or (a.relationship or "").strip().upper() in MISSING
        )
    )
    incomplete = tuple(
        f"{numbers[sid]} {codes.get(visit_id, '?')} {form}: {state.replace('_', ' ')}"
        for sid in sorted(numbers)
        for (visit_id, form), state in sorted(form_states(session, wb.study, sid).items())
        if state in ("in_progress", "incomplete")
    )
    return (
        CheckItem("No open or answered query", not open_q, open_q),
        CheckItem("SDV complete where the study requires it", not sdv, sdv),
        CheckItem("Every casebook signed with a valid signature", not unsigned, unsigned),
        CheckItem("Every adverse event has its outcome and causality", not ae, ae),
        CheckItem("No form left in progress or incomplete", not incomplete, incomplete),
    )


def study_lock(wb: Workbench) -> HoldRead | None:
    """The study-level lock in force, if the database is locked."""
    found = [h for h in holds(wb) if h.level == "study" and h.kind == "lock"]
    return found[0] if found else None


def review_status(wb: Workbench) -> ReviewStatus:
    with read_session(wb.engine) as session:
        items = checklist(session, wb)
    return ReviewStatus(items, study_lock(wb))


def lock_database(wb: Workbench, actor: Actor, reason: Any) -> HoldRead:
    """Lock the whole study (data manager), only when the checklist passes."""
    status = review_status(wb)
    if status.lock is not None:
        raise ValidationFailed({"database": "the database is already locked"})
    if not status.ready:
        failing = "; ".join(i.name for i in status.items if not i.ok)
        raise ValidationFailed({"database": f"not ready to lock: {failing}"})
    return place_hold(wb, actor, "lock", reason)


def freeze_study(wb: Workbench, actor: Actor, reason: Any) -> HoldRead:
    """Freeze the whole study: always possible (e.g. for an interim analysis)."""
    return place_hold(wb, actor, "freeze", reason)


def unlock_database(wb: Workbench, actor: Actor, reason: Any, password: Any = None) -> HoldRead:
    """Reopen a locked database: data manager, reason, re-authentication."""
    lock = study_lock(wb)
    if lock is None:
        raise NotFound("the database is not locked")
    return lift_hold(wb, actor, lock.id, reason, password)
