"""Source data verification per form (the study definition's `sdv = true` forms) and per
adverse event (`[review] sdv_adverse_events`: every AE, 100 %).

A monitor marks one form of one visit, or one adverse event, verified; any later change to its
data drops the mark in the same transaction (`models/review_rules.drop_sdv`, write rule order
60, audited), and it shows again as to verify, listed under "dropped verifications".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Actor, AdverseEvent, SdvMark, Subject, Visit
from models.audit_chain import append
from models.db import read_session
from models.review_rules import audit_row
from models.site_scope import check_site
from records.context import Workbench
from records.errors import NotFound, PermissionDenied, ValidationFailed
from records.forms_status import form_states
from records.holds import refuse_if_locked
from records.transaction import write
from study.schema import StudyDefinition

VERIFIERS = frozenset({"monitor", "system"})
AE_FORM = "AE"  # the form code of an adverse event's SDV mark (the AE log, not a visit form)
AE_PLACE = "AE log"  # where an AE row stands in place of a visit code


@dataclass(frozen=True, slots=True)
class SdvRow:
    """One form with data that needs verification, and where it stands."""

    subject_id: int
    screening_number: str
    visit_id: int | None  # None for an adverse event
    visit_code: str
    form_code: str
    state: str  # verified | to verify | dropped (to verify again)
    verified_by: str | None
    verified_at: datetime | None
    dropped_at: datetime | None
    drop_reason: str | None
    record_id: int | None = None  # the adverse event of an AE row
    record: str = ""  # "AE 3 Headache" for an AE row

    @property
    def what(self) -> str:
        """The form or record verified, as people name it."""
        return self.record or self.form_code


def required_forms(study: StudyDefinition) -> frozenset[str]:
    """Codes of the forms whose every entry needs SDV."""
    return frozenset(f.code for f in study.forms if f.sdv)


def verify_form(wb: Workbench, actor: Actor, visit_id: int, form_code: str) -> SdvRow:
    """Mark one form of a visit verified against source (monitor); audited."""
    _require_verifier(actor)
    with write(wb, actor) as session:
        visit = session.get(Visit, visit_id)
        if visit is None:
            raise NotFound(f"no visit {visit_id}")
        refuse_if_locked(session, visit.subject_id, visit_id, form_code)
        check_site(session, actor, visit.subject_id)
        if (visit_id, form_code) not in form_states(session, wb.study, visit.subject_id):
            raise ValidationFailed({"form_code": f"{form_code} has no data at this visit"})
        if _current(session, SdvMark.visit_id == visit_id, SdvMark.form_code == form_code):
            raise ValidationFailed({"form_code": f"{form_code} is already verified"})
        _record(session, actor, SdvMark(subject_id=visit.subject_id, visit_id=visit_id,
                                        form_code=form_code))  # fmt: skip
        subject_id = visit.subject_id
    return next(
        r
        for r in sdv_rows(wb, subject_id, only_required=False)
        if (r.visit_id, r.form_code) == (visit_id, form_code)
    )


def verify_adverse_event(wb: Workbench, actor: Actor, ae_id: int) -> SdvRow:
    """Mark one adverse event verified against source (monitor); audited."""
    _require_verifier(actor)
    with write(wb, actor) as session:
        event = session.get(AdverseEvent, ae_id)
        if event is None:
            raise NotFound(f"no adverse event {ae_id}")
        refuse_if_locked(session, event.subject_id, None, None)
        check_site(session, actor, event.subject_id)
        if _current(session, SdvMark.form_code == AE_FORM, SdvMark.record_id == ae_id):
            raise ValidationFailed({"ae": f"AE {event.sequence} is already verified"})
        mark = SdvMark(subject_id=event.subject_id, form_code=AE_FORM, record_id=ae_id)
        _record(session, actor, mark, reason=f"adverseevent #{ae_id} (AE {event.sequence})")
        subject_id = event.subject_id
    return next(r for r in sdv_rows(wb, subject_id, only_required=False) if r.record_id == ae_id)


def verify(wb: Workbench, actor: Actor, row: SdvRow) -> SdvRow:
    """Verify what a row stands for: a form of a visit, or an adverse event."""
    if row.record_id is not None:
        return verify_adverse_event(wb, actor, row.record_id)
    assert row.visit_id is not None
    return verify_form(wb, actor, row.visit_id, row.form_code)


def _require_verifier(actor: Actor) -> None:
    if actor.role not in VERIFIERS:
        raise PermissionDenied("only a monitor may mark source data verified")


def _record(session: Session, actor: Actor, mark: SdvMark, reason: str | None = None) -> None:
    """Save a new mark, stamped with the monitor, and its `sdv_verify` audit row."""
    mark.user_id, mark.verified_by = actor.user_id, actor.full_name
    session.add(mark)
    session.flush()
    row = audit_row(actor, action="sdv_verify", entity="sdvmark", record_id=mark.id,
                    subject_id=mark.subject_id, visit_id=mark.visit_id, form=mark.form_code,
                    field="verified", old_value="false", new_value="true",
                    reason=reason)  # fmt: skip
    append(session.connection(), [row])


def _current(session: Session, *where: Any) -> SdvMark | None:
    """The mark in force (not dropped) that `where` selects, if any."""
    return session.scalar(
        select(SdvMark).where(*where, SdvMark.dropped_at.is_(None))  # type: ignore[union-attr]
    )


def read_sdv(
    session: Session,
    study: StudyDefinition,
    subject_id: int | None = None,
    only_required: bool = True,
) -> list[SdvRow]:
    """Every form with data (SDV-required ones unless only_required=False), then every adverse
    event (when the study verifies them, or only_required=False), and its state."""
    subjects = session.execute(
        select(Subject.id, Subject.screening_number).order_by(Subject.screening_number)
    ).all()
    codes = dict(session.execute(select(Visit.id, Visit.visit_code)).all())
    marks: dict[tuple[Any, Any], Any] = {}
    for mark in session.scalars(select(SdvMark).order_by(SdvMark.id)):  # type: ignore[arg-type]
        marks[_key(mark)] = mark  # the latest mark wins
    required = required_forms(study)
    events = _events(session, subject_id) if study.sdv_adverse_events or not only_required else {}
    rows = []
    for sid, number in subjects:
        if subject_id is not None and sid != subject_id:
            continue
        for visit_id, form in sorted(form_states(session, study, sid)):
            if only_required and form not in required:
                continue
            mark = marks.get((visit_id, form))
            rows.append(_row(sid, number, visit_id, codes.get(visit_id, "?"), form, mark))
        for ae_id, sequence, term in events.get(sid, []):
            mark = marks.get((AE_FORM, ae_id))
            row = _row(sid, number, None, AE_PLACE, AE_FORM, mark)
            rows.append(replace(row, record_id=ae_id, record=f"AE {sequence} {term}"))
    return rows


def _events(session: Session, subject_id: int | None) -> dict[int, list[tuple[int, int, str]]]:
    query = select(AdverseEvent.subject_id, AdverseEvent.id, AdverseEvent.sequence,
                   AdverseEvent.term).order_by(AdverseEvent.sequence)  # fmt: skip
    if subject_id is not None:
        query = query.where(AdverseEvent.subject_id == subject_id)
    found: dict[int, list[tuple[int, int, str]]] = {}
    for sid, ae_id, sequence, term in session.execute(query):
        found.setdefault(sid, []).append((ae_id, sequence, term))
    return found


def _row(sid: int, number: str, visit_id: int | None, code: str, form: str, mark: Any) -> SdvRow:
    state = "to verify"
    if mark is not None:
        state = "dropped" if mark.dropped_at else "verified"
    return SdvRow(sid, number, visit_id, code, form, state,
                  getattr(mark, "verified_by", None), getattr(mark, "verified_at", None),
                  getattr(mark, "dropped_at", None),
                  getattr(mark, "drop_reason", None))  # fmt: skip


def _key(mark: SdvMark) -> tuple[Any, Any]:
    """An AE mark by its event, a form mark by its visit and form."""
    return (AE_FORM, mark.record_id) if mark.visit_id is None else (mark.visit_id, mark.form_code)


def sdv_rows(
    wb: Workbench, subject_id: int | None = None, only_required: bool = True
) -> list[SdvRow]:
    """`read_sdv` in its own read session, held to the workbench's sites."""
    with read_session(wb.engine) as session:
        rows = read_sdv(session, wb.study, subject_id, only_required)
        if wb.site_ids is None:
            return rows
        visible = set(session.scalars(select(Subject.id).where(wb.subject_filter(Subject.site_id))))
        return [r for r in rows if r.subject_id in visible]


def dropped_verifications(wb: Workbench) -> list[SdvRow]:
    """Forms whose verification a later change dropped, not verified again yet."""
    return [r for r in sdv_rows(wb, only_required=False) if r.state == "dropped"]


def progress(rows: list[SdvRow]) -> dict[str, int]:
    """Counts by state, for the monitor's progress bar and the lock checklist."""
    counts = {"verified": 0, "to verify": 0, "dropped": 0}
    for r in rows:
        counts[r.state] += 1
    return counts
