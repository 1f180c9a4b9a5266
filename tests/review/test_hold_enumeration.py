"""No write path can change frozen or locked data: every clinical write use case, every level.

The list of use cases is checked against the source (every public function of `records/` that
opens a write transaction), so a new use case without a row here fails this test.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from records import (
    adverse_events,
    assessments,
    dosing,
    eligibility,
    entered_in_error,
    history,
    labs,
    medications,
    subjects,
    tapers,
    visits,
    vitals,
)
from records.errors import Held
from records.holds import holds, lift_hold, place_hold
from tests.records.conftest import (
    CONSENT,
    NOW,
    TODAY,
    all_met,
    counts,
    dose_values,
    screen,
)
from tests.review.conftest import DATA_MANAGER, OPERATOR

ROOT = Path(__file__).resolve().parents[2]
AE = {"term": "Headache", "onset": "2025-02-20T14:00", "end": "2025-02-21", "severity": "MILD",
      "ctcae_grade": 1, "relationship": "POSSIBLY RELATED", "action_taken": "NOT APPLICABLE",
      "outcome": "RECOVERED/RESOLVED"}  # fmt: skip
MED = {"drug": "hydroxychloroquine", "dose": 200, "dose_unit": "mg", "route": "ORAL",
       "frequency": "QD", "start": "2024-01", "ongoing": True, "indication": "SLE"}  # fmt: skip
TAPER = {"drug": "prednisone", "route": "ORAL", "start": CONSENT, "start_mg": 20, "step_mg": 10,
         "every_days": 7, "until_mg": 0}  # fmt: skip
# Writers of non-clinical rows (accounts, review, export audit, the site row): not held.
NOT_CLINICAL = {
    "records.auth",
    "records.edit_checks",
    "records.export_log",
    "records.holds",
    "records.queries",
    "records.sdv",
    "records.signatures.sign",  # refused under a lock, allowed under a freeze: test_signatures
    "records.review_status",
    "records.standards.package",
    "records.sites.sync_sites",
    "records.sites.set_sites",
}
# Writers that only call the use cases below (the ODM importer and its log importer).
THROUGH_USE_CASES = {"records.standards.odm_logs.import_logs", "records.standards.odm_import"}


def _vitals_v1(wb, actor, s) -> None:
    vitals.save_vitals(
        wb, actor, visit_id=s.visits["V1"], values={"WEIGHT": 64}, timepoint="PRE", today=TODAY
    )


def _eligible(wb, actor, s) -> None:
    eligibility.save_eligibility(
        wb, actor, visit_id=s.visits["SCR"], values=all_met(wb), today=TODAY
    )
    _vitals_v1(wb, actor, s)


def _medication(wb, actor, s) -> None:
    medications.save_medication(wb, actor, subject_id=s.id, values=MED, today=TODAY)


def _in_error(wb, actor, s) -> None:
    _medication(wb, actor, s)
    _mark(entered_in_error.mark_entered_in_error, wb, actor, s)


def _mark(act, wb, actor, s) -> Any:
    (row,) = medications.list_medications(wb, s.id)
    return act(wb, actor, entity="medication", record_id=row.id, reason="entered twice",
               expected_version=row.version)  # fmt: skip


def _visit_version(wb, s, code: str) -> int:
    row = next(r for r in visits.calendar(wb, s.id, TODAY) if r.visit_id == s.visits[code])
    return row.version_id


def _version(wb, s) -> int:
    return subjects.get_subject(wb, s.id).version_id


@dataclass(frozen=True)
class Case:
    """A use case run on a screened subject, and the visit/form it writes (None: not visit data)."""

    name: str
    run: Callable[[Any, Any, Any], Any]
    visit: str | None = None
    form: str | None = None
    setup: Callable[[Any, Any, Any], Any] | None = None


CASES = [
    Case("records.subjects.screen_subject", lambda wb, a, s: screen(wb, a, "001-099")),
    Case(
        "records.subjects.update_subject",
        lambda wb, a, s: subjects.update_subject(
            wb,
            a,
            s.id,
            {
                "screening_number": "001-001",
                "sex": "M",
                "birth_date": "1980-05-17",
                "consent_date": CONSENT,
            },
            "typo",
            _version(wb, s),
            TODAY,
        ),
    ),
    Case(
        "records.subjects.set_status",
        lambda wb, a, s: subjects.set_status(
            wb, a, s.id, "screen_failure", date(2025, 2, 10), "withdrew consent"
        ),
    ),
    Case(
        "records.visits.record_visit_date",
        lambda wb, a, s: visits.record_visit_date(
            wb,
            a,
            s.visits["SCR"],
            date(2025, 2, 5),
            reason="wrong day",
            today=TODAY,
            expected_version=_visit_version(wb, s, "SCR"),
        ),
        visit="SCR",
    ),
    Case("records.visits.add_visit", lambda wb, a, s: visits.add_visit(wb, a, s.id, "UNS")),
    Case(
        "records.history.save_history",
        lambda wb, a, s: history.save_history(
            wb,
            a,
            subject_id=s.id,
            values={"category": "GENERAL", "term": "Asthma", "start": "2015"},
            today=TODAY,
        ),
    ),
    Case(
        "records.medications.save_medication",
        lambda wb, a, s: medications.save_medication(
            wb, a, subject_id=s.id, values=MED, today=TODAY
        ),
    ),
    Case(
        "records.tapers.save_taper",
        lambda wb, a, s: tapers.save_taper(wb, a, subject_id=s.id, values=TAPER, today=TODAY),
    ),
    Case(
        "records.entered_in_error.mark_entered_in_error",
        lambda wb, a, s: _mark(entered_in_error.mark_entered_in_error, wb, a, s),
        setup=_medication,
    ),
    Case(
        "records.entered_in_error.restore_entered_in_error",
        lambda wb, a, s: _mark(entered_in_error.restore_entered_in_error, wb, a, s),
        setup=_in_error,
    ),
    Case(
        "records.adverse_events.save_adverse_event",
        lambda wb, a, s: adverse_events.save_adverse_event(
            wb, a, subject_id=s.id, values=AE, today=TODAY
        ),
    ),
    Case(
        "records.vitals.save_vitals",
        lambda wb, a, s: vitals.save_vitals(
            wb, a, visit_id=s.visits["SCR"], values={"WEIGHT": 64}, today=TODAY
        ),
        visit="SCR",
        form="VS",
    ),
    Case(
        "records.dosing.record_dose",
        lambda wb, a, s: dosing.record_dose(
            wb, a, visit_id=s.visits["V1"], values=dose_values(), now=NOW
        ),
        visit="V1",
        form="EX",
        setup=_eligible,
    ),
    Case(
        "records.assessments.save_assessment",
        lambda wb, a, s: assessments.save_assessment(
            wb, a, visit_id=s.visits["SCR"], form_code="PGA", values={"PGA": "1.3"}, today=TODAY
        ),
        visit="SCR",
        form="PGA",
    ),
    Case(
        "records.labs.save_lab_panel",
        lambda wb, a, s: labs.save_lab_panel(
            wb, a, visit_id=s.visits["SCR"], panel="HEM", values={"WBC": 6.0}, today=TODAY
        ),
        visit="SCR",
        form="HEM",
    ),
    Case(
        "records.eligibility.save_eligibility",
        lambda wb, a, s: eligibility.save_eligibility(
            wb, a, visit_id=s.visits["SCR"], values=all_met(wb), today=TODAY
        ),
        visit="SCR",
        form="ELIG",
    ),
]
LEVELS = ("study-lock", "subject-freeze", "visit-freeze", "form-freeze")


def _calls(node: ast.FunctionDef, names: set[str]) -> bool:
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in names:
                return True
    return False


def _write_use_cases() -> set[str]:
    """Public functions opening a write transaction, or calling one that does (one level)."""
    functions = []
    for path in sorted((ROOT / "records").rglob("*.py")):
        if path.name in ("transaction.py", "write_path.py"):  # the mechanics themselves
            continue
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions += [(module, n) for n in tree.body if isinstance(n, ast.FunctionDef)]
    opening = {"write", "audited", "unit_of_work"}
    found = {f"{m}.{n.name}" for m, n in functions if _calls(n, opening)}
    direct = {name.rsplit(".", 1)[1] for name in found if name.rsplit(".", 1)[1][0] != "_"}
    found |= {f"{m}.{n.name}" for m, n in functions if _calls(n, direct)}
    # A private helper opening the transaction counts for its own module's callers.
    private = {tuple(name.rsplit(".", 1)) for name in found if name.rsplit(".", 1)[1][0] == "_"}
    found |= {
        f"{m}.{n.name}"
        for m, n in functions
        if _calls(n, {helper for module, helper in private if module == m})
    }
    public = {n for n in found if not n.rsplit(".", 1)[1].startswith("_")}
    skip = NOT_CLINICAL | THROUGH_USE_CASES
    return {n for n in public if not any(n.startswith(m) for m in skip)}


def test_every_write_use_case_is_enumerated():
    assert _write_use_cases() == {c.name for c in CASES}


def _hold(wb, s, case: Case, level: str) -> None:
    ids: dict[str, Any] = {}
    if level == "subject-freeze":
        ids = {"subject_id": s.id}
    elif level == "visit-freeze":
        ids = {"visit_id": s.visits[case.visit or "SCR"]}
    elif level == "form-freeze":
        ids = {"visit_id": s.visits[case.visit or "SCR"], "form_code": case.form}
    kind = "lock" if level == "study-lock" else "freeze"
    place_hold(wb, DATA_MANAGER, kind, f"test {level}", **ids)


def _applies(case: Case, level: str) -> bool:
    if case.name == "records.subjects.screen_subject":
        return level == "study-lock"  # a new subject belongs to nothing smaller yet
    return {"visit-freeze": case.visit is not None, "form-freeze": case.form is not None}.get(
        level, True
    )


COMBINATIONS = [
    pytest.param(case, level, id=f"{case.name.rsplit('.', 1)[1]}-{level}")
    for case in CASES
    for level in LEVELS
    if _applies(case, level)
]


@pytest.mark.parametrize(("case", "level"), COMBINATIONS)
def test_use_case_is_refused_on_held_data_and_runs_once_lifted(wb, actor, case, level):
    s = screen(wb, actor)
    if case.setup:
        case.setup(wb, actor, s)
    _hold(wb, s, case, level)
    before = counts(wb)
    with pytest.raises(Held):
        case.run(wb, actor, s)
    assert counts(wb) == before
    (hold,) = holds(wb)
    lift_hold(wb, OPERATOR, hold.id, "test over")
    case.run(wb, actor, s)
    assert counts(wb) != before
