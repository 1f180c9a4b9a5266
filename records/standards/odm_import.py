"""Import an ODM archive into an empty database through the use cases (origin "import").

Each form goes through the use case a person would use (screening, visit dates, forms, labs,
vitals, dose, logs, status), so every value is validated and audited exactly like entry; the
derived fields (flags, study days, statuses, mg/kg) are recomputed, not copied. The source's
audit history stays in the ODM file: the new trail records the import.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select

from models import Actor, Subject
from records.assessments import save_assessment
from records.context import Workbench
from records.dosing import load_dose, record_dose
from records.eligibility import save_eligibility
from records.errors import ValidationFailed
from records.labs import save_lab_panel
from records.permissions import require
from records.standards import odm_model as M
from records.standards.odm_data import Event, Form, SubjectData
from records.standards.odm_logs import import_logs
from records.standards.odm_read import fields, parse_subjects
from records.subjects import screen_subject, set_status
from records.visits import add_visit, calendar, record_visit_date
from records.vitals import save_vitals

STATUS_SET_BY_USE_CASES = ("screening", "enrolled", "dosed")


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What the import wrote."""

    subjects: int
    visits: int
    forms: int


def import_odm(
    wb: Workbench, actor: Actor, document: bytes, today: date | None = None
) -> ImportReport:
    """Import every subject of `document`; refuses unless the database holds no subject yet."""
    require(actor, "enrol")
    actor = replace(actor, origin="import")
    with wb.engine.connect() as conn:
        if conn.scalar(select(func.count()).select_from(Subject)):
            raise ValidationFailed({"database": "an ODM import needs a database without subjects"})
    today = today or datetime.now(UTC).date()
    counts = [0, 0, 0]
    for subject in parse_subjects(document):
        visits, forms = _subject(wb, actor, subject, today)
        counts = [counts[0] + 1, counts[1] + visits, counts[2] + forms]
    return ImportReport(*counts)


def _subject(wb: Workbench, actor: Actor, subject: SubjectData, today: date) -> tuple[int, int]:
    head = subject.events[0]
    if head.oid != M.SUBJECT_EVENT:
        raise ValidationFailed({subject.key: "the subject event must come first"})
    values = fields(head.forms[0].groups[0], "IT.SUBJECT.")
    keep = ("sex", "birth_date", "birth_year", "consent_date", "consent_time")
    screened = {"screening_number": subject.key, **{k: values.get(k) for k in keep}}
    sid = screen_subject(wb, actor, screened, today=today).id
    ids = {r.visit_code: r.visit_id for r in calendar(wb, sid, today)}
    forms = 0
    for event in subject.events[1:]:
        forms += _visit(wb, actor, sid, event, ids, today)
    links = import_logs(wb, actor, sid, head, today)
    _link_reaction(wb, actor, sid, subject, links)
    if values.get("status") not in (None, *STATUS_SET_BY_USE_CASES):
        set_status(wb, actor, sid, values["status"], date.fromisoformat(values["status_date"]),
                   values.get("status_reason") or "")  # fmt: skip
    return len(subject.events) - 1, forms


def _visit(
    wb: Workbench, actor: Actor, sid: int, event: Event, ids: dict[str, int], today: date
) -> int:
    code = event.oid.removeprefix("SE.")
    first = (event.repeat_key or "1") == "1"
    vid = ids[code] if first and code in ids else add_visit(wb, actor, sid, code)
    for form in event.forms:
        _form(wb, actor, vid, form, today)
    return len(event.forms)


def _form(wb: Workbench, actor: Actor, vid: int, form: Form, today: date) -> None:
    code = form.oid.removeprefix("F.")
    if form.oid == M.VISIT.form:
        v = fields(form.groups[0], "IT.VISIT.")
        if v.get("actual_date"):
            record_visit_date(wb, actor, vid, v["actual_date"], reason=v.get("reason"), today=today)
        return
    kind = wb.study.form(code).kind
    if kind in ("instrument", "items", "eligibility"):
        _assessment(wb, actor, vid, form, code, kind, today)
    elif kind == "labs":
        _labs(wb, actor, vid, form, code, today)
    elif kind == "vitals":
        _vitals(wb, actor, vid, form, today)
    elif kind == "dose":
        values: dict[str, Any] = fields(form.groups[0], "IT.DOSEADMINISTRATION.")
        values.pop("reaction_ae", None)
        record_dose(wb, actor, visit_id=vid, values=values, now=datetime.now(UTC))


def _assessment(
    wb: Workbench, actor: Actor, vid: int, form: Form, code: str, kind: str, today: date
) -> None:
    header = fields(form.groups[0], "IT.ASSESSMENT.")
    items = form.groups[1].values if len(form.groups) > 1 else ()
    values = {v.item.removeprefix(f"IT.{code}."): v.value for v in items}  # codes keep case
    if kind == "eligibility":
        save_eligibility(wb, actor, visit_id=vid, values=values,
                         assessment_date=header.get("assessment_date"),
                         state=header.get("state") or "complete", today=today)  # fmt: skip
        return
    save_assessment(wb, actor, visit_id=vid, form_code=code, values=values,
                    assessment_date=header.get("assessment_date"),
                    state=header.get("state") or "complete",
                    not_done_reason=header.get("not_done_reason"), mode=header.get("mode"),
                    today=today)  # fmt: skip


def _labs(wb: Workbench, actor: Actor, vid: int, form: Form, code: str, today: date) -> None:
    values: dict[str, Any] = {}
    collected = at = None
    for group in form.groups:
        row: dict[str, Any] = fields(group, "IT.LABRESULT.")
        collected = row.pop("collected_on", None) or collected
        at = row.pop("collected_time", None) or at
        values[row.pop("test_code")] = row
    panel = wb.study.form(code).panel
    save_lab_panel(wb, actor, visit_id=vid, panel=panel, values=values,  # type: ignore[arg-type]
                   collected_on=collected, collected_time=at, today=today)  # fmt: skip


def _vitals(wb: Workbench, actor: Actor, vid: int, form: Form, today: date) -> None:
    for group in form.groups:
        point = fields(group, "IT.VITALSIGN.")
        tests = {k.upper(): v for k, v in point.items() if k not in ("timepoint", "measured_at")}
        save_vitals(wb, actor, visit_id=vid, values=tests, timepoint=point.get("timepoint") or "",
                    measured_at=point.get("measured_at"), today=today)  # fmt: skip


def _link_reaction(
    wb: Workbench, actor: Actor, sid: int, subject: SubjectData, links: dict[int, int]
) -> None:
    """Point the dose at its infusion-reaction AE once the AE exists (AE sequence → new id)."""
    for event in subject.events[1:]:
        for form in event.forms:
            values = fields(form.groups[0], "IT.DOSEADMINISTRATION.") if form.groups else {}
            sequence = values.get("reaction_ae")
            if sequence is None:
                continue
            dose = load_dose(wb, sid)
            if dose is None:
                raise ValidationFailed({subject.key: "a reaction link names a dose not imported"})
            values["reaction_ae_id"] = links[int(sequence)]
            values.pop("reaction_ae")
            record_dose(
                wb,
                actor,
                visit_id=dose.visit_id,
                values=values,
                reason="import: link the infusion reaction to its adverse event",
                expected_version=dose.version,
                now=datetime.now(UTC),
            )
