"""Automatic data queries from the edit checks the study definition declares ([review]).

Each check reads the stored data and returns findings; `run_checks` raises an automatic query
(origin auto, the check's code) for a finding without one, and closes an automatic query that is
still open once its finding is gone (the data were fixed). A query a person already answered is
left to the monitor. Checks in `ON_SAVE` run after every save for the subjects it touched
(`records.transaction.write`); `manage.py checks run` runs them all (e.g. nightly).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from models import (
    SYSTEM_ACTOR,
    Actor,
    AdverseEvent,
    DataQuery,
    LabResult,
    Medication,
    QueryMessage,
    Subject,
    Visit,
)
from models.db import read_session
from records.context import Workbench
from records.errors import RecordsError, ValidationFailed
from records.event_labs import event_lab_grades
from records.forms_status import form_states
from records.queries import close_fixed, raise_query
from records.regimens import is_corticosteroid, read_regimen
from records.visits import visit_window_dates
from scoring import steroids
from scoring.ctcae_labs import LabGrade, contradiction, lab_term
from study.schema import StudyDefinition

ON_SAVE: dict[str, frozenset[str]] = {
    "VISIT_WINDOW": frozenset({"visit", "subject", "doseadministration"}),
    "LAB_SIGNIFICANCE": frozenset({"labresult"}),
    "CTCAE_LAB": frozenset({"adverseevent", "labresult", "visit"}),
    "STEROID_OVERLAP": frozenset({"medication"}),
}
"""Checks run after a save, and the tables whose change can raise them."""
RESPONSE_FORMS = ("PGA", "SLEDAI2K")


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    subject_id: int
    visit_id: int | None
    form_code: str | None
    entity: str | None
    record_id: int | None
    field: str | None
    text: str

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.check, self.subject_id, self.visit_id, self.form_code, self.entity,
                self.record_id, self.field)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CheckRun:
    """What a run did: queries raised and closed, and findings already under a query."""

    raised: int
    closed: int
    pending: int


Check = Callable[[Session, StudyDefinition, set[int] | None], list[Finding]]


def _visits(session: Session, subjects: set[int] | None) -> list[Visit]:
    query = select(Visit).where(Visit.actual_date.is_not(None))  # type: ignore[union-attr]
    if subjects is not None:
        query = query.where(Visit.subject_id.in_(subjects))  # type: ignore[attr-defined]
    return list(session.scalars(query))


def visit_window(
    session: Session, study: StudyDefinition, subjects: set[int] | None
) -> list[Finding]:
    """A visit done outside its window with no reason given."""
    return [
        Finding(
            "VISIT_WINDOW",
            v.subject_id,
            v.id,
            None,
            "visit",
            v.id,
            "actual_date",
            f"{v.visit_code} was done {v.days_off_window or 0:+d} day(s) outside its window:"
            " confirm the date or give the reason",
        )
        for v in _visits(session, subjects)
        if v.out_of_window and not (v.reason or "").strip()
    ]


def lab_significance(
    session: Session, study: StudyDefinition, subjects: set[int] | None
) -> list[Finding]:
    """A lab value outside its reference range without a clinical-significance assessment."""
    query = select(LabResult).where(
        LabResult.flag.in_(("H", "L")),  # type: ignore[union-attr]
        LabResult.clinical_significance.is_(None),  # type: ignore[union-attr]
    )
    if subjects is not None:
        query = query.where(LabResult.subject_id.in_(subjects))  # type: ignore[attr-defined]
    return [
        Finding("LAB_SIGNIFICANCE", r.subject_id, r.visit_id, r.panel, "labresult", r.id,
                "clinical_significance",
                f"{r.test_code} {r.value} is {'high' if r.flag == 'H' else 'low'}: assess CS/NCS")
        for r in session.scalars(query)
    ]  # fmt: skip


def response_assessments(
    session: Session, study: StudyDefinition, subjects: set[int] | None
) -> list[Finding]:
    """PGA or SLEDAI-2K missing at a done response visit (a scheduled visit that plans them)."""
    planned = {
        v.code: [f for f in RESPONSE_FORMS if f in v.forms]
        for v in study.visits
        if v.kind == "scheduled"
    }
    findings = []
    states: dict[int, Any] = {}
    for v in _visits(session, subjects):
        for form in planned.get(v.visit_code, []):
            if v.subject_id not in states:
                states[v.subject_id] = form_states(session, study, v.subject_id)
            if states[v.subject_id].get((v.id, form)) not in ("complete", "not_done"):
                findings.append(
                    Finding(
                        "RESPONSE_ASSESSMENTS",
                        v.subject_id,
                        v.id,
                        form,
                        None,
                        None,
                        None,
                        f"{form} missing at response visit {v.visit_code}",
                    )
                )
    return findings


def form_missing(
    session: Session, study: StudyDefinition, subjects: set[int] | None
) -> list[Finding]:
    """A form the schedule plans at a done visit still not entered once the window has closed.

    Log forms (history) are not per visit and are left out; the response forms have their own
    check (RESPONSE_ASSESSMENTS), so a missing PGA is queried once.
    """
    today = date.today()
    logs = {f.code for f in study.forms if f.kind == "log"} | set(RESPONSE_FORMS)
    refs = {
        sid: (dose, consent)
        for sid, dose, consent in session.execute(
            select(Subject.id, Subject.dose_date, Subject.consent_date)
        )
    }
    visit_defs = {v.code: v for v in study.visits}
    findings, states = [], {}
    for v in _visits(session, subjects):
        vdef = visit_defs.get(v.visit_code)
        if vdef is None or not vdef.forms or v.subject_id not in refs:
            continue
        dose, consent = refs[v.subject_id]
        _, _, end = visit_window_dates(vdef, dose, consent, study.protocol.screening_days_before)
        if end is None or end >= today:
            continue
        if v.subject_id not in states:
            states[v.subject_id] = form_states(session, study, v.subject_id)
        for form in vdef.forms:
            state = states[v.subject_id].get((v.id, form))
            if form not in logs and state not in ("complete", "not_done"):
                findings.append(
                    Finding("FORM_MISSING", v.subject_id, v.id, form, None, None, None,
                            f"{form} not entered at {v.visit_code}, whose window closed {end}")
                )  # fmt: skip
    return findings


def ctcae_lab(session: Session, study: StudyDefinition, subjects: set[int] | None) -> list[Finding]:
    """An AE of a lab-defined CTCAE term (anaemia, neutropenia…) whose recorded grade the lab
    values taken during the event contradict (`scoring.ctcae_labs`)."""
    query = select(AdverseEvent).where(
        AdverseEvent.ctcae_grade.is_not(None),  # type: ignore[union-attr]
        AdverseEvent.error_reason.is_(None),  # type: ignore[union-attr]
    )
    if subjects is not None:
        query = query.where(AdverseEvent.subject_id.in_(subjects))  # type: ignore[attr-defined]
    found = []
    for event in session.scalars(query):
        term = lab_term(event.pt, event.term)
        if term is None or event.ctcae_grade not in range(1, 6):
            continue
        graded = event_lab_grades(session, event, term)
        if not graded:
            continue
        worst = LabGrade(max(g.low for g, _ in graded), max(g.high for g, _ in graded), "")
        why = contradiction(term, int(event.ctcae_grade), worst)
        if why is None:
            continue
        grade, row = max(graded, key=lambda pair: (pair[0].low, pair[0].high))
        found.append(Finding(
            "CTCAE_LAB", event.subject_id, None, None, "adverseevent", event.id, "ctcae_grade",
            f"{term.term} (AE {event.term!r}) {why}: {row.test_code} {row.value} {row.unit or ''}"
            f" on {row.day} ({grade.why}; CTCAE v5.0 {term.source}). Check the grade or the term",
        ))  # fmt: skip
    return found


def steroid_overlap(
    session: Session, study: StudyDefinition, subjects: set[int] | None
) -> list[Finding]:
    """Two rows of one corticosteroid by one route on the same days: their daily doses add up
    in every outcome, which a split dose wants and a dose change left unended doubles
    (`scoring.steroids.same_drug_overlaps`). Raised on the later row, naming both."""
    query = select(Medication).where(Medication.error_reason.is_(None))  # type: ignore[union-attr]
    if subjects is not None:
        query = query.where(Medication.subject_id.in_(subjects))  # type: ignore[attr-defined]
    by_subject: dict[int, list[tuple[int, steroids.Regimen]]] = {}
    for row in session.scalars(query.order_by(Medication.id)):  # type: ignore[arg-type]
        regimen = read_regimen(row).regimen if is_corticosteroid(row) else None
        if regimen is not None:  # a row that cannot be read is listed as a steroid issue
            by_subject.setdefault(row.subject_id, []).append((int(row.id), regimen))
    found = []
    for subject_id, rows in by_subject.items():
        for overlap in steroids.same_drug_overlaps(regimen for _, regimen in rows):
            (earlier, before), (later, after) = rows[overlap.first], rows[overlap.second]
            until = f"to {overlap.last}" if overlap.last else "on, both ongoing"
            found.append(Finding(
                "STEROID_OVERLAP", subject_id, None, None, "medication", later, "start",
                f"{after.describe()} overlaps medication {earlier} ({before.describe()}) from "
                f"{overlap.start} {until}: both are counted and their daily doses add up. If the "
                "dose was changed, give the earlier row its stop date; if both were taken (a "
                "split dose), say so",
            ))  # fmt: skip
    return found


CHECKS: dict[str, Check] = {
    "FORM_MISSING": form_missing,
    "VISIT_WINDOW": visit_window,
    "LAB_SIGNIFICANCE": lab_significance,
    "RESPONSE_ASSESSMENTS": response_assessments,
    "CTCAE_LAB": ctcae_lab,
    "STEROID_OVERLAP": steroid_overlap,
}


def _codes(study: StudyDefinition) -> tuple[str, ...]:
    unknown = [c for c in study.edit_checks if c not in CHECKS]
    if unknown:
        raise ValidationFailed({"edit_checks": f"unknown checks {unknown}; known: {list(CHECKS)}"})
    return study.edit_checks


def _findings(
    session: Session, study: StudyDefinition, subjects: set[int] | None, codes: Iterable[str]
) -> list[Finding]:
    return [f for code in codes for f in CHECKS[code](session, study, subjects)]


def findings(
    wb: Workbench, subjects: set[int] | None = None, codes: Iterable[str] | None = None
) -> list[Finding]:
    """Every finding of the study's checks (or of `codes`), for the given subjects or all."""
    wanted = [c for c in _codes(wb.study) if codes is None or c in set(codes)]
    with read_session(wb.engine) as session:
        return _findings(session, wb.study, subjects, wanted)


def _auto_queries(session: Session, subjects: set[int] | None) -> dict[tuple[Any, ...], Any]:
    query = select(DataQuery).where(
        DataQuery.origin == "auto",
        DataQuery.status.in_(("open", "answered")),  # type: ignore[attr-defined]
    )
    if subjects is not None:
        query = query.where(DataQuery.subject_id.in_(subjects))  # type: ignore[attr-defined]
    return {
        (q.check_code, q.subject_id, q.visit_id, q.form_code, q.entity, q.record_id, q.field): q
        for q in session.scalars(query)
    }


_KEY_COLUMNS = (DataQuery.check_code, DataQuery.subject_id, DataQuery.visit_id,
                DataQuery.form_code, DataQuery.entity, DataQuery.record_id,
                DataQuery.field)  # fmt: skip


def _settled(session: Session, subjects: set[int] | None) -> set[tuple[Any, ...]]:
    """Findings (key and text) a person closed or cancelled: not raised again while the finding
    reads the same. A finding whose text changes (another value, another grade) is new."""
    q, m = DataQuery, QueryMessage
    query = (
        select(*_KEY_COLUMNS, q.text, m.action)
        .join(m, m.query_id == q.id)
        .where(q.origin == "auto", q.status.in_(("closed", "cancelled")))  # type: ignore[attr-defined]
        .order_by(m.id)  # type: ignore[arg-type]
    )
    if subjects is not None:
        query = query.where(q.subject_id.in_(subjects))  # type: ignore[attr-defined]
    last: dict[tuple[Any, ...], str] = {}
    for *key, action in session.execute(query):
        last[tuple(key)] = action
    return {key for key, action in last.items() if action != "auto_close"}


def run_checks(
    wb: Workbench,
    actor: Actor = SYSTEM_ACTOR,
    subjects: Iterable[int] | None = None,
    raise_only: Iterable[str] | None = None,
) -> CheckRun:
    """Raise queries for new findings (of `raise_only` checks), close the fixed open ones."""
    scope = set(subjects) if subjects is not None else None
    allowed = set(raise_only) if raise_only is not None else set(CHECKS)
    with read_session(wb.engine) as session:
        existing = _auto_queries(session, scope)
        settled = _settled(session, scope)
        # Evaluate the checks that may raise, and those with an open query that may now close.
        wanted = allowed | {q.check_code for q in existing.values() if q.status == "open"}
        found = _findings(session, wb.study, scope, [c for c in _codes(wb.study) if c in wanted])
    raised = closed = pending = 0
    for f in found:
        if f.key in existing:
            pending += 1
        elif (*f.key, f.text) in settled:
            continue  # a person settled this very finding; it is not raised again
        elif f.check in allowed:
            raise_query(wb, actor, f.text, visit_id=f.visit_id, form_code=f.form_code,
                        entity=f.entity, record_id=f.record_id, field=f.field, origin="auto",
                        check_code=f.check)  # fmt: skip
            raised += 1
    keys = {f.key for f in found}
    for key, q in existing.items():
        if key not in keys and q.status == "open" and q.check_code in wanted:
            close_fixed(wb, actor, q.id)
            closed += 1
    return CheckRun(raised, closed, pending)


def after_save(wb: Workbench, touched: dict[int, set[str]]) -> None:
    """The on-save run for the subjects a save touched (the save is already committed).

    Only checks the changed tables can raise are evaluated (plus those with an open query
    that may now close). A refusal (lock) or a busy database leaves the finding to the next
    save or `checks run`.
    """
    if not wb.study.edit_checks or not touched:
        return
    tables = set().union(*touched.values())
    raising = [code for code, on in ON_SAVE.items() if on & tables]
    try:
        run_checks(wb, SYSTEM_ACTOR, set(touched), raise_only=raising)
    except (RecordsError, OperationalError):
        return
