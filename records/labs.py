"""Lab panels per visit (SDTM LB, long form): values, editable reference ranges, H/L flags, CS/NCS.

A result is typed as the report prints it: a number, "<0.5", ">2000" or BLQ (`scoring.
lab_results` places a bound against the range, or says it cannot). It is entered in one of the
units the study definition allows for the test; limits given in the default unit are converted
exactly. Values outside the physiological limits are refused as entry errors; out-of-range
values must be marked CS or NCS; a critical value (e.g. potassium ≥ 6.0 mmol/L) is saved only
with the investigator's assessment. eGFR (CKD-EPI 2021, spec/scoring.md §7.1) and the lab-driven
SLEDAI suggestions (§1.1) are derived for display, never stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Actor, LabResult, Subject, Visit
from models.db import read_session
from records import fields
from records.context import Workbench
from records.derived import age_on, derive_labs, suggest_sledai
from records.errors import NotFound, ValidationFailed
from records.instruments import ItemSpec, field_key, number_text, parse_item, screen
from records.permissions import require
from records.write_path import as_current, audited, last_change, stale
from scoring import lab_results, labs, sledai
from scoring.errors import ScoringInputError
from study.schema import LabPanelDef, LabTestDef

ENTRY_KEYS = (
    "value", "unit", "ref_low", "ref_high", "clinical_significance", "not_done",
    "critical_assessment",
)  # fmt: skip
COLUMNS: tuple[str, ...] = ("value", "value_num", *ENTRY_KEYS[1:4], "flag", *ENTRY_KEYS[4:])
ANALYTE_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,19}")
FREE_LIMITS = (0.0, 1e9)
Columns = dict[str, Any]


@dataclass(frozen=True, slots=True)
class LabRow:
    """One stored result with its range, flag (H/L/N) and clinical significance."""

    test_code: str
    name: str
    value: str | None
    value_num: float | None
    unit: str | None
    ref_low: float | None
    ref_high: float | None
    flag: str | None
    clinical_significance: str | None
    not_done: bool
    critical_assessment: str | None
    version: int


@dataclass(frozen=True, slots=True)
class PanelRead:
    """A saved panel of one visit: results by test code, version token and derived values."""

    visit_id: int
    panel: str
    collected_on: date | None
    collected_time: str | None
    results: dict[str, LabRow]
    version: int
    derived: dict[str, Any]
    reasons: tuple[str, ...]
    last_changed_by: str | None
    last_changed_at: str | None


def _unit(errors: fields.Errors, code: str, test: LabTestDef | None, raw: Any) -> str | None:
    """One of the test's units (any case; blank: the default); required outside the list."""
    given = fields.text(errors, f"{code}.unit", raw, max_length=20)
    allowed = test.allowed_units if test else ()
    if not allowed:
        if given is None:
            errors.setdefault(f"{code}.unit", "is required for an analyte outside the list")
        return given
    if given is None:
        return allowed[0]
    match = next((u for u in allowed if u.casefold() == given.casefold()), None)
    if match is None:
        errors[f"{code}.unit"] = f"must be {' or '.join(allowed)} (the units this study collects)"
    return match or allowed[0]


@dataclass(frozen=True, slots=True)
class Scale:
    """The test's limits (given in its default unit) in the unit a result was entered in."""

    test: LabTestDef | None
    unit: str | None

    def __call__(self, number: float | None) -> float | None:
        test = self.test
        if number is None or test is None or test.unit is None or self.unit in (None, test.unit):
            return number
        return labs.convert(test.analyte or "", number, test.unit, self.unit or "")


def _range(
    errors: fields.Errors, code: str, scale: Scale, entry: Mapping[str, Any]
) -> tuple[float | None, float | None]:
    """The reference range of the testing lab: entered, else the study default in this unit."""
    test = scale.test
    defaults = {
        "ref_low": scale(test.low) if test else None,
        "ref_high": scale(test.high) if test else None,
    }
    low, high = (
        fields.number(errors, f"{code}.{k}", d if entry.get(k) in (None, "") else entry.get(k))
        for k, d in defaults.items()
    )
    if low is not None and high is not None and low > high:
        errors[f"{code}.ref_low"] = "must not be above the upper limit"
    return low, high


def _columns(*values: Any) -> Columns:
    """value, value_num, unit, ref_low, ref_high, flag, clinical_significance, not_done,
    critical_assessment."""
    return dict(zip(COLUMNS, values, strict=True))


def _significance(wb: Workbench, errors: fields.Errors, code: str, raw: Any) -> str | None:
    key = f"{code}.clinical_significance"
    return fields.choice(errors, key, raw, wb.study.codes("CLINSIG"))


def _result(errors: fields.Errors, code: str, raw: Any) -> lab_results.LabValue | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = number_text(float(raw))
    try:
        return lab_results.parse_result(str(raw)[:40])
    except ScoringInputError:
        errors[code] = "must be a number, <number, >number or BLQ, as on the report"
        return None


def _within_limits(
    errors: fields.Errors, code: str, value: lab_results.LabValue, floor: float | None,
    ceiling: float | None, unit: str | None,
) -> None:  # fmt: skip
    number = value.number
    if number is None:
        return
    if (floor is not None and number < floor) or (ceiling is not None and number > ceiling):
        limits = f"{_plain(floor, '-∞')}–{_plain(ceiling, '∞')} {unit or ''}".rstrip()
        shown = value.text()
        errors[code] = f"{shown} is outside the physiological limits ({limits}): check the entry"


def _plain(number: float | None, absent: str) -> str:
    return absent if number is None else f"{number:.4g}"


def _critical(
    errors: fields.Errors, code: str, value: lab_results.LabValue, scale: Scale,
    bounds: lab_results.Bounds | None, raw: Any,
) -> str | None:  # fmt: skip
    """The assessment a critical value needs before it is saved; dropped for any other value."""
    test = scale.test
    key = f"{code}.critical_assessment"
    assessment = fields.text(errors, key, raw, max_length=500)
    if test is None:
        return None
    found = lab_results.critical_value(
        bounds, scale(test.critical_low), scale(test.critical_high), scale.unit or ""
    )
    if not found.critical:
        return None
    if assessment is None:
        verb = "is" if found.certain else "may be"
        shown = f"{value.text()} {scale.unit or ''}".rstrip()
        errors[key] = (
            f"{shown} {verb} a critical value ({found.reason}): record your assessment "
            "(who was told, what was done) to save it"
        )
    return assessment


def _numeric(
    wb: Workbench, errors: fields.Errors, code: str, test: LabTestDef | None, entry: Any
) -> Columns | None:
    """A result within physiological limits; flagged H/L against the range, then CS/NCS needed;
    a critical value needs an assessment."""
    unit = _unit(errors, code, test, entry.get("unit"))
    scale = Scale(test, unit)
    low, high = _range(errors, code, scale, entry)
    value = _result(errors, code, entry.get("value"))
    floor, ceiling = (scale(test.min), scale(test.max)) if test else FREE_LIMITS
    if value is not None:
        _within_limits(errors, code, value, floor, ceiling, unit)
    if value is None or code in errors or f"{code}.ref_low" in errors:
        return None
    bounds = lab_results.bounds_of(value, floor, ceiling, scale(test.lloq) if test else None)
    flag = lab_results.placed_flag(value, bounds, low, high).flag
    cs = _significance(wb, errors, code, entry.get("clinical_significance"))
    if flag in ("H", "L") and cs is None:
        word = "high" if flag == "H" else "low"
        errors.setdefault(f"{code}.clinical_significance", f"the value is {word}: mark CS or NCS")
    cs = cs if flag in ("H", "L") else None
    assessment = _critical(errors, code, value, scale, bounds, entry.get("critical_assessment"))
    number = value.number if value.exact else None
    return _columns(value.text(), number, unit, low, high, flag, cs, False, assessment)


def _choice(
    wb: Workbench, errors: fields.Errors, code: str, test: LabTestDef, entry: Any
) -> Columns | None:
    """A coded result (e.g. NEGATIVE/POSITIVE) from the test's codelist; CS/NCS optional."""
    spec = ItemSpec(code, test.name, "option", wb.study.codes(test.codelist or ""))
    value, _ = parse_item(errors, spec, entry.get("value"))
    cs = _significance(wb, errors, code, entry.get("clinical_significance"))
    return None if value is None else _columns(value, None, None, None, None, None, cs, False, None)


def _check_entry(
    wb: Workbench, errors: fields.Errors, code: str, test: LabTestDef | None, raw: Any
) -> Columns | None:
    """One test's columns, None when left blank; a bare value means {'value': value}."""
    sub: fields.Errors = {}
    entry = screen(raw if isinstance(raw, Mapping) else {"value": raw}, ENTRY_KEYS, sub)
    for key, message in sub.items():
        errors[code if key == "value" else f"{code}.{key}"] = message
    not_done = fields.flag(entry.get("not_done"))
    if not_done and entry.get("value") not in (None, ""):
        errors[code] = "leave the value empty when the test was not done"
        return None
    if not_done:
        return _columns(None, None, test.unit if test else None, None, None, None, None, True, None)
    if test is not None and test.type == "choice":
        return _choice(wb, errors, code, test, entry)
    return _numeric(wb, errors, code, test, entry)


@dataclass(frozen=True, slots=True)
class EntryPreview:
    """What saving would say of one test's entry: its range flag, the critical-value question
    (asked whether or not an assessment is typed yet) and the other messages."""

    flag: str | None
    critical: str | None
    errors: dict[str, str]


def preview_entry(wb: Workbench, test: LabTestDef, raw: Mapping[str, Any]) -> EntryPreview:
    """One test's entry checked as `save_lab_panel` will check it, without saving: the capture
    form shows the H/L flag and a critical value's question while the result is typed."""
    errors: fields.Errors = {}
    known = test if test in wb.study.lab_tests else None
    unassessed = {**raw, "critical_assessment": None}
    columns = _check_entry(wb, errors, test.code, known, unassessed)
    critical = errors.pop(f"{test.code}.critical_assessment", None)
    return EntryPreview(columns["flag"] if columns else None, critical, errors)


def _check_panel(
    wb: Workbench, panel: LabPanelDef, values: Mapping[str, Any], errors: fields.Errors
) -> dict[str, Columns | None]:
    """Every entry of the panel checked; other panels' tests refused; free analytes on CYTO."""
    tests = {t.code: t for t in wb.study.lab_tests_of(panel.code)}
    others = {t.code for t in wb.study.lab_tests} - set(tests)
    clean: dict[str, Columns | None] = dict.fromkeys(tests)
    for code, raw in values.items():
        key = field_key(code)
        if code in tests:
            clean[code] = _check_entry(wb, errors, code, tests[code], raw)
        elif not panel.free_list or not isinstance(code, str) or code in others:
            errors[key] = f"is not a test of the {panel.code} panel"
        elif not ANALYTE_CODE.fullmatch(code):
            errors[key] = "an analyte code is 1–20 capital letters, digits or _"
        else:
            clean[code] = _check_entry(wb, errors, code, None, raw)
    return clean


def _visit(session: Session, wb: Workbench, visit_id: int, panel: str, when: date | None) -> Visit:
    """The visit, if it collects this panel; collection date on/after consent."""
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise NotFound(f"visit {visit_id} does not exist")
    vdef = wb.study.visit(visit.visit_code)
    forms = {f.code for f in wb.study.forms if f.kind == "labs" and f.panel == panel}
    if vdef.kind != "unscheduled" and not forms & set(vdef.forms):
        raise ValidationFailed({"panel": f"{panel} is not collected at {vdef.code}"})
    subject = session.get(Subject, visit.subject_id)
    when = when or visit.actual_date
    if when is not None and subject is not None and when < subject.consent_date:
        raise ValidationFailed({"collected_on": "cannot be before the consent date"})
    return visit


def _rows(session: Session, visit_id: int, panel: str) -> dict[str, LabResult]:
    query = select(LabResult).where(LabResult.visit_id == visit_id, LabResult.panel == panel)
    return {row.test_code: row for row in session.scalars(query)}


def _token(rows: Mapping[str, LabResult]) -> int:
    """Panel version: the sum of row versions, which every insert or update raises."""
    return sum(int(r.version_id or 0) for r in rows.values())


def _read(session: Session, wb: Workbench, visit: Visit, panel: str) -> PanelRead | None:
    rows = _rows(session, int(visit.id), panel)  # type: ignore[arg-type]
    if not rows:
        return None
    names = {t.code: t.name for t in wb.study.lab_tests}
    results = {
        c: LabRow(c, names.get(c, c), *(getattr(r, k) for k in COLUMNS), int(r.version_id or 0))
        for c, r in rows.items()
    }
    first = next(iter(rows.values()))
    on = first.collected_on
    subject = session.get(Subject, visit.subject_id)
    assert subject is not None
    age = age_on(subject.birth_date, subject.birth_year, on) if on else None
    found = derive_labs(subject.sex, age, {c: (r.value_num, r.unit) for c, r in rows.items()})
    ids = [int(r.id) for r in rows.values()]  # type: ignore[arg-type]
    who, when = last_change(session, visit.subject_id, {"labresult": ids})
    version = _token(rows)
    return PanelRead(
        visit.id,  # type: ignore[arg-type]
        panel, on, first.collected_time, results, version, found.values, found.reasons, who, when,
    )  # fmt: skip


def load_lab_panel(wb: Workbench, visit_id: int, panel: str) -> PanelRead | None:
    """The saved panel of a visit, or None."""
    with read_session(wb.engine) as session:
        visit = session.get(Visit, visit_id)
        return None if visit is None else _read(session, wb, visit, panel)


def _write(
    session: Session,
    visit: Visit,
    panel: str,
    clean: Mapping[str, Columns | None],
    rows: Mapping[str, LabResult],
    when: date | None,
    at: str | None,
) -> None:
    """Insert new results, update changed ones; a cleared result keeps its row, emptied."""
    keys: dict[str, Any] = {"subject_id": visit.subject_id, "visit_id": visit.id, "panel": panel}
    collected = {"collected_on": when, "collected_time": at}
    for code in dict.fromkeys([*clean, *rows]):
        row, columns = rows.get(code), clean.get(code)
        if row is None and columns is not None:
            session.add(LabResult(**keys, test_code=code, **collected, **columns))
        elif row is not None:
            blank = _columns(None, None, row.unit, None, None, None, None, False, None)
            for name, value in {**(columns or blank), **collected}.items():
                setattr(row, name, value)


def save_lab_panel(
    wb: Workbench,
    actor: Actor,
    *,
    visit_id: int,
    panel: str,
    values: Mapping[str, Any],
    collected_on: Any = None,
    collected_time: Any = None,
    reason: str | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> PanelRead:
    """Save one panel of a visit; an edit needs the version token and, for changes, a reason."""
    require(actor, "write_clinical")
    errors: fields.Errors = {}
    pdef = next((p for p in wb.study.lab_panels if p.code == panel), None)
    if pdef is None:
        raise ValidationFailed({"panel": f"{field_key(panel)!r} is not a lab panel of this study"})
    when = fields.a_date(errors, "collected_on", collected_on, not_after=today or date.today())
    at = fields.a_time(errors, "collected_time", collected_time)
    clean = _check_panel(wb, pdef, values, errors)
    if errors:
        raise ValidationFailed(errors)
    with audited(
        wb, actor, reason, lambda: as_current(load_lab_panel(wb, visit_id, pdef.code))
    ) as session:
        visit = _visit(session, wb, visit_id, pdef.code, when)
        rows = _rows(session, visit_id, pdef.code)
        if rows and _token(rows) != expected_version:
            raise stale("lab panel", asdict(_read(session, wb, visit, pdef.code)))  # type: ignore[arg-type]
        if not rows and all(c is None for c in clean.values()):
            raise ValidationFailed({"values": "enter at least one result"})
        _write(session, visit, pdef.code, clean, rows, when or visit.actual_date, at)
        session.flush()
        read = _read(session, wb, visit, pdef.code)
    assert read is not None
    return read


def visit_labs(wb: Workbench, visit_id: int) -> dict[str, PanelRead]:
    """Every saved panel of a visit, by panel code."""
    panels = [p.code for p in wb.study.lab_panels]
    return {p: read for p in panels if (read := load_lab_panel(wb, visit_id, p)) is not None}


def sledai_suggestions(wb: Workbench, visit_id: int) -> tuple[sledai.Suggestion, ...]:
    """SLEDAI-2K descriptors the visit's labs point to; the investigator confirms each (§1.1)."""
    with read_session(wb.engine) as session:
        rows = session.scalars(select(LabResult).where(LabResult.visit_id == visit_id)).all()
    return suggest_sledai(
        (r.test_code, r.value, r.value_num, r.unit, r.ref_low, r.ref_high) for r in rows
    )
