"""Fuzzing every validator: any input gives ValidationFailed or a clean save, never a partial row.

Random text, unicode, huge and non-finite numbers, SQL and spreadsheet-formula payloads, wrong
types, on every form. Edits pass the current version and a reason, so the only outcomes left are
a refusal naming fields, or a save; anything else (or a changed row count on refusal) fails.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Actor
from models.db import make_engine, upgrade
from records.adverse_events import save_adverse_event
from records.assessments import load_assessment, save_assessment
from records.clinical_dates import a_datetime, partial_date
from records.context import Workbench
from records.dosing import load_dose, record_dose
from records.eligibility import save_eligibility
from records.errors import ValidationFailed
from records.history import save_history
from records.instruments import item_specs, parse_item
from records.labs import ENTRY_KEYS, load_lab_panel, save_lab_panel
from records.medications import save_medication
from records.vitals import load_vitals, save_vitals
from study import load_study
from tests.records.conftest import NOW, TODAY, all_met, counts, dose_values, screen

STUDY = load_study()
SPECS = [s for form in STUDY.forms if form.kind in ("instrument", "items", "eligibility")
         for s in item_specs(STUDY, form.code)]  # fmt: skip
ACTOR = Actor(user_id=None, username="fuzz", full_name="Fuzz Tester", role="investigator")
PAYLOADS = (
    "=1+1", "'; DROP TABLE subject;--", "+SUM(A1:A9)", "-2+3", "@cmd|' /C calc'!A0", "\x00",
    "\u202e", "\ufeff1", "1e309", "NaN", "-inf", "sNaN", "٣", "１２", " 1.30 ", "1,5", "Y", "N",
    "NORMAL", "CS", "NCS", "2025-02-20", "2025-02", "2025---05", "2025-02-20 09:00",
    "2025-02-20T09:00:00+05:00", "9" * 5000, "0x10", "1_000", "",  " ", "None", "null",
)  # fmt: skip
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(PAYLOADS),
    st.dates(),
    st.datetimes(),
    st.just(10**5000),
    st.just(-(10**400)),
    st.just(Decimal("1e999999")),
    st.lists(st.integers(), max_size=2),
    st.just({"nested": 1}),
)
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fields_of(keys: tuple[str, ...], valid: dict[str, Any] | None = None) -> st.SearchStrategy:
    """Mappings of known keys (and stray ones) to junk, alone or over a valid base."""
    junk = st.dictionaries(st.one_of(st.sampled_from(keys), st.text(max_size=8)), JUNK, max_size=8)
    if valid is None:
        return junk
    return st.one_of(junk, junk.map(lambda changes: {**valid, **changes}))


def outcome(wb: Workbench, call: Callable[[], Any]) -> None:
    """The call saves cleanly, or refuses with field messages and leaves every table as it was."""
    before = counts(wb)
    try:
        call()
    except ValidationFailed as refused:
        assert refused.errors and all(isinstance(k, str) for k in refused.errors)
        assert counts(wb) == before


@pytest.fixture(scope="module")
def fz(tmp_path_factory):
    """One database for all examples: a dosed subject (001-001) and an undosed one (001-002)."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}")
    upgrade(engine)
    wb = Workbench(engine, load_study())
    dosed, other = screen(wb, ACTOR), screen(wb, ACTOR, "001-002")
    save_eligibility(wb, ACTOR, visit_id=dosed.visits["SCR"], values=all_met(wb), today=TODAY)
    record_dose(wb, ACTOR, visit_id=dosed.visits["V1"], values=dose_values(), now=NOW)
    for visit in ("SCR", "V1"):
        save_assessment(wb, ACTOR, visit_id=dosed.visits[visit], form_code="PGA",
                        values={"PGA": "1.00"}, today=TODAY)  # fmt: skip
    return wb, dosed, other


FORMS = [("PGA", "SCR"), ("SLEDAI2K", "SCR"), ("BILAG2004", "SCR"), ("PE", "SCR"),
         ("ECG", "SCR"), ("KIDIMG", "SCR"), ("ELIG", "SCR"), ("PROMIS29", "V1"),
         ("RAND36", "V1")]  # fmt: skip


@pytest.mark.parametrize(("form_code", "visit"), FORMS)
def test_assessment_forms(fz, form_code, visit):
    wb, subject, _ = fz
    codes = tuple(s.code for s in item_specs(wb.study, form_code))
    header = st.fixed_dictionaries(
        {}, optional={"state": JUNK, "assessment_date": JUNK, "mode": JUNK, "not_done_reason": JUNK}
    )

    @FUZZ
    @given(values=fields_of(codes), header=header)
    def run(values, header):
        current = load_assessment(wb, subject.visits[visit], form_code)
        outcome(wb, lambda: save_assessment(
            wb, ACTOR, visit_id=subject.visits[visit], form_code=form_code, values=values,
            reason="fuzz edit", expected_version=current.version if current else None,
            today=TODAY, **header,
        ))  # fmt: skip

    run()


@pytest.mark.parametrize("panel", ["HEM", "CHEM", "SERO", "AUTO", "INF", "UA", "PREG", "CYTO"])
def test_lab_panels(fz, panel):
    wb, subject, _ = fz
    codes = tuple(t.code for t in wb.study.lab_tests_of(panel))
    entry = st.one_of(JUNK, st.dictionaries(st.sampled_from(ENTRY_KEYS), JUNK, max_size=4))
    values = st.dictionaries(st.one_of(st.sampled_from(codes), st.text(max_size=8)), entry,
                             max_size=6)  # fmt: skip

    @FUZZ
    @given(values=values, collected_on=JUNK)
    def run(values, collected_on):
        visit = subject.visits["SCR" if panel == "INF" else "V1"]
        current = load_lab_panel(wb, visit, panel)
        outcome(wb, lambda: save_lab_panel(
            wb, ACTOR, visit_id=visit, panel=panel, values=values, collected_on=collected_on,
            reason="fuzz edit", expected_version=current.version if current else None, today=TODAY,
        ))  # fmt: skip

    run()


@FUZZ
@given(
    values=fields_of(("SYSBP", "DIABP", "PULSE", "RESP", "TEMP", "WEIGHT", "HEIGHT")),
    timepoint=st.one_of(st.sampled_from(["PRE", "POST", ""]), JUNK),
    measured_at=JUNK,
)
def test_vitals(fz, values, timepoint, measured_at):
    wb, subject, _ = fz
    point = timepoint if isinstance(timepoint, str) and timepoint in ("PRE", "POST") else ""
    current = load_vitals(wb, subject.visits["V1"], point)
    outcome(wb, lambda: save_vitals(
        wb, ACTOR, visit_id=subject.visits["V1"], values=values, timepoint=timepoint,
        measured_at=measured_at, reason="fuzz edit",
        expected_version=current.version if current else None, today=TODAY,
    ))  # fmt: skip


DOSE_KEYS = ("product", "lot", "cells_total", "route", "started_at", "stopped_at", "interrupted",
             "interruption_note", "reaction", "reaction_ae_id")  # fmt: skip


@FUZZ
@given(values=fields_of(DOSE_KEYS, dose_values()), override=JUNK)
def test_dose_first_entry_and_edit(fz, values, override):
    wb, subject, other = fz
    outcome(wb, lambda: record_dose(
        wb, ACTOR, visit_id=other.visits["V1"], values=values, now=NOW,
    ))  # fmt: skip
    current = load_dose(wb, subject.id)
    outcome(wb, lambda: record_dose(
        wb, ACTOR, visit_id=subject.visits["V1"], values=values, reason="fuzz edit",
        eligibility_override=override if isinstance(override, str) else None,
        expected_version=current.version, now=NOW,
    ))  # fmt: skip


MED = {"drug": "prednisone", "dose": 10, "dose_unit": "mg", "route": "ORAL", "frequency": "QD",
       "start": "2025-01", "corticosteroid": True}  # fmt: skip
AE = {"term": "Headache", "onset": "2025-03-01", "severity": "MILD", "outcome": "UNKNOWN",
      "relationship": "NOT RELATED", "action_taken": "NOT APPLICABLE"}  # fmt: skip
MH = {"category": "GENERAL", "term": "Asthma", "start": "2010"}
SAE_KEYS = ("sae_death", "sae_life_threatening", "sae_hospitalisation", "sae_disability",
            "sae_congenital_anomaly", "sae_medically_important", "awareness_date", "ctcae_grade",
            "end", "ongoing", "treatment_given", "treatment_note", "pt", "soc")  # fmt: skip


@FUZZ
@given(values=fields_of((*MED, "stop", "ongoing", "indication", "pulse"), MED))
def test_medications(fz, values):
    wb, subject, _ = fz
    outcome(wb, lambda: save_medication(
        wb, ACTOR, subject_id=subject.id, values=values, today=TODAY
    ))  # fmt: skip


@FUZZ
@given(values=fields_of((*AE, *SAE_KEYS), AE))
def test_adverse_events(fz, values):
    wb, subject, _ = fz
    outcome(wb, lambda: save_adverse_event(
        wb, ACTOR, subject_id=subject.id, values=values, today=TODAY
    ))  # fmt: skip


@FUZZ
@given(values=fields_of((*MH, "ongoing", "note"), MH))
def test_history(fz, values):
    wb, subject, _ = fz
    outcome(wb, lambda: save_history(wb, ACTOR, subject_id=subject.id, values=values, today=TODAY))


@FUZZ
@given(reason=JUNK, pga=st.sampled_from(["0.50", "2.50"]))
def test_edit_reason(fz, reason, pga):
    wb, subject, _ = fz
    current = load_assessment(wb, subject.visits["SCR"], "PGA")
    outcome(wb, lambda: save_assessment(
        wb, ACTOR, visit_id=subject.visits["SCR"], form_code="PGA", values={"PGA": pga},
        reason=reason, expected_version=current.version, today=TODAY,
    ))  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(value=JUNK, with_time=st.booleans())
def test_date_parsers_never_raise(value, with_time):
    errors: dict[str, str] = {}
    parsed = partial_date(errors, "d", value, with_time=with_time, not_after=date(2030, 1, 1))
    blank = value is None or (isinstance(value, str) and not value.strip())
    assert parsed is not None or blank or "d" in errors
    moment = a_datetime({}, "t", value, datetime.now().astimezone().tzinfo)
    assert moment is None or moment.tzinfo is not None


@settings(max_examples=300, deadline=None)
@given(value=JUNK, index=st.integers(min_value=0))
def test_item_parser_never_raises(value, index):
    spec = SPECS[index % len(SPECS)]
    errors: dict[str, str] = {}
    text, number = parse_item(errors, spec, value)
    assert (text is None) or (spec.code not in errors)
    assert number is None or number == number  # never NaN
