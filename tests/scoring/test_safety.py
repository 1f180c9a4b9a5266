"""Adverse events: TEAE, seriousness, SAE clock, CT values, grade ↔ severity (spec §9)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import ae_terms
from scoring.dates import PartialDate
from scoring.errors import ScoringInputError
from scoring.safety import (
    SERIOUSNESS_CRITERIA,
    sae_report_due,
    sae_report_status,
    seriousness,
    treatment_emergent,
)

pytestmark = pytest.mark.req("SCO-SAFETY")

DOSE = dt.datetime(2025, 3, 4, 10, 0)

# --- treatment-emergent (§9.5) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("onset", "emergent", "certain"),
    [
        ("2025-03-04T10:00", True, True),  # exactly at the start of the infusion
        ("2025-03-04T09:59", False, True),
        ("2025-03-04T10", True, True),  # 10:00–10:59, all at/after a 10:00 start
        ("2025-03-04T09", False, True),
        ("2025-03-04", True, False),  # dosing day, no time: could be after
        ("2025-03-03", False, True),
        ("2025-03-05", True, True),
        ("2025-03", True, False),
        ("2025-02", False, True),
        ("2025-04", True, True),
        ("2025", True, False),
        ("2024", False, True),
        ("2026", True, True),
        ("2025---03", True, False),  # unknown month: could be Jan … Dec
        ("2025---05", True, False),
    ],
)
def test_teae_from_partial_onsets(onset: str, emergent: bool, certain: bool) -> None:
    result = treatment_emergent(onset, DOSE)
    assert (result.emergent, result.certain) == (emergent, certain)
    assert result.onset == onset
    assert result.aetrtem == ("Y" if emergent else "N")
    if not certain:
        assert "partial" in result.reasons[0] and "conservative" in result.reasons[0]


def test_teae_accepts_date_datetime_and_partial_objects() -> None:
    assert treatment_emergent(dt.date(2025, 3, 4), DOSE).certain is False
    assert treatment_emergent(dt.date(2025, 3, 5), DOSE).emergent is True
    assert treatment_emergent(dt.datetime(2025, 3, 4, 9, 0), DOSE).emergent is False
    assert treatment_emergent(dt.datetime(2025, 3, 4, 10, 0, 1), DOSE).certain is True
    assert treatment_emergent(PartialDate(2025, 3), DOSE).emergent is True
    half_past = DOSE.replace(minute=30)
    assert treatment_emergent("2025-03-04T10", half_past).certain is False


def test_teae_not_dosed_is_never_emergent() -> None:
    result = treatment_emergent("2025-06-01", None)
    assert (result.emergent, result.certain) == (False, True)
    assert "not dosed" in result.reasons[0]


def test_teae_worsening_after_dose_is_emergent() -> None:
    result = treatment_emergent("2025-01", DOSE, worsened_after_dose=True)
    assert (result.emergent, result.certain) == (True, True)
    assert "worsened" in result.reasons[0]


@pytest.mark.parametrize(
    ("onset", "emergent", "certain"),
    [
        ("2025-08-18", True, True),
        ("2025-08-19", False, True),
        ("2025-09", False, True),
        ("2025-08", True, True),
    ],
)
def test_teae_period_end(onset: str, emergent: bool, certain: bool) -> None:
    result = treatment_emergent(onset, DOSE, period_end=dt.date(2025, 8, 18))
    assert (result.emergent, result.certain) == (emergent, certain)


@pytest.mark.parametrize(
    ("onset", "dose", "field"),
    [
        ("2025-13", DOSE, "onset"),
        (20250304, DOSE, "onset"),
        (dt.datetime(2025, 3, 4, tzinfo=dt.UTC), DOSE, "onset"),
        ("2025-03-04", DOSE.replace(tzinfo=dt.UTC), "dose_start"),
        ("2025-03-04", dt.date(2025, 3, 4), "dose_start"),
    ],
)
def test_teae_rejects_bad_input(onset: object, dose: object, field: str) -> None:
    with pytest.raises(ScoringInputError) as info:
        treatment_emergent(onset, dose)  # type: ignore[arg-type]
    assert info.value.field == field


moments = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2026, 12, 31))


@given(moments, moments)
def test_teae_full_datetime_is_certain_comparison(onset: dt.datetime, dose: dt.datetime) -> None:
    onset, dose = onset.replace(microsecond=0), dose.replace(microsecond=0)
    result = treatment_emergent(onset, dose)
    assert result.certain
    assert result.emergent == (onset >= dose)


@given(moments, moments, st.integers(min_value=0, max_value=2))
def test_teae_partial_never_misses_a_possible_teae(
    moment: dt.datetime, dose: dt.datetime, level: int
) -> None:
    parts = (moment.month, moment.day)
    partial = PartialDate(moment.year, *[p if i < level else None for i, p in enumerate(parts)])
    result = treatment_emergent(partial, dose)
    assert result.emergent == (partial.latest() >= dose)
    assert result.certain == (partial.latest() < dose or partial.earliest() >= dose)


# --- seriousness (§9.4) ------------------------------------------------------------------------

CRITERIA_ARGS = (
    "death",
    "life_threatening",
    "hospitalisation",
    "disability",
    "congenital_anomaly",
    "important_medical_event",
)


def test_not_serious_when_no_criterion() -> None:
    result = seriousness()
    assert (result.serious, result.aeser, result.criteria) == (False, "N", ())
    assert all(value == "N" for _, value in result.flags)
    assert "none" in result.reasons[0]


@pytest.mark.parametrize(
    ("arg", "variable"), list(zip(CRITERIA_ARGS, [v for v, _ in SERIOUSNESS_CRITERIA], strict=True))
)
def test_each_criterion_alone_makes_serious(arg: str, variable: str) -> None:
    result = seriousness(**{arg: True})
    assert result.serious and result.aeser == "Y"
    assert result.criteria == (variable,)
    assert result.flag(variable) == "Y"
    assert [v for v, flag in result.flags if flag == "Y"] == [variable]
    assert result.reasons[0].startswith(variable)


def test_several_criteria_are_all_named() -> None:
    result = seriousness(death=True, hospitalisation=True)
    assert result.criteria == ("AESDTH", "AESHOSP")
    assert len(result.reasons) == 2
    assert [v for v, _ in result.flags] == [v for v, _ in SERIOUSNESS_CRITERIA]
    with pytest.raises(ScoringInputError, match="AESDTH, AESLIFE"):
        result.flag("AESER")


# --- SAE reporting clock [DESIGN, default 24 h] ------------------------------------------------

AWARE = dt.datetime(2025, 5, 1, 15, 30)


def test_sae_report_due_defaults_to_24_hours() -> None:
    assert sae_report_due(AWARE) == dt.datetime(2025, 5, 2, 15, 30)
    assert sae_report_due(AWARE, hours=48) == dt.datetime(2025, 5, 3, 15, 30)


@pytest.mark.parametrize(
    ("awareness", "hours", "field"),
    [
        (AWARE, 0, "hours"),
        (AWARE, True, "hours"),
        (AWARE, 1.5, "hours"),
        (dt.date(2025, 5, 1), 24, "awareness"),
    ],
)
def test_sae_report_due_rejects_bad_input(awareness: object, hours: object, field: str) -> None:
    with pytest.raises(ScoringInputError) as info:
        sae_report_due(awareness, hours)  # type: ignore[arg-type]
    assert info.value.field == field


@pytest.mark.parametrize(
    ("reported", "now", "status"),
    [
        (dt.datetime(2025, 5, 2, 15, 30), None, "on_time"),
        (dt.datetime(2025, 5, 2, 15, 30, 1), None, "late"),
        (None, dt.datetime(2025, 5, 2, 15, 30), "pending"),
        (None, dt.datetime(2025, 5, 2, 15, 31), "overdue"),
    ],
)
def test_sae_report_status(
    reported: dt.datetime | None, now: dt.datetime | None, status: str
) -> None:
    result = sae_report_status(AWARE, reported, now or dt.datetime(2030, 1, 1))
    assert result.status == status
    assert result.due == dt.datetime(2025, 5, 2, 15, 30)
    assert result.reasons


def test_sae_reported_before_awareness_is_refused() -> None:
    with pytest.raises(ScoringInputError, match="reported"):
        sae_report_status(AWARE, AWARE - dt.timedelta(minutes=1), AWARE)


# --- controlled terminology and grades (§9.1–9.3) ----------------------------------------------


def test_controlled_terminology_values() -> None:
    assert ae_terms.AESEV == ("MILD", "MODERATE", "SEVERE")
    assert len(ae_terms.AEACN) == 8 and "NOT APPLICABLE" in ae_terms.AEACN
    assert len(ae_terms.AEOUT) == 6 and "RECOVERED/RESOLVED WITH SEQUELAE" in ae_terms.AEOUT
    assert ae_terms.NY == ("Y", "N")
    assert ae_terms.CTCAE_GRADES == (1, 2, 3, 4, 5)
    assert set(ae_terms.CTCAE_GRADE_MEANING) == set(ae_terms.CTCAE_GRADES)


@pytest.mark.parametrize(
    ("grade", "severity"),
    [(1, "MILD"), (2, "MODERATE"), (3, "SEVERE"), (4, "SEVERE"), (5, "SEVERE")],
)
def test_severity_for_grade(grade: int, severity: str) -> None:
    assert ae_terms.severity_for_grade(grade) == severity
    assert grade in ae_terms.grades_for_severity(severity)


def test_grades_for_severity() -> None:
    assert ae_terms.grades_for_severity("MILD") == (1,)
    assert ae_terms.grades_for_severity("SEVERE") == (3, 4, 5)


@pytest.mark.parametrize("bad", [0, 6, True, "3"])
def test_severity_for_grade_rejects(bad: object) -> None:
    with pytest.raises(ScoringInputError, match="grade"):
        ae_terms.severity_for_grade(bad)  # type: ignore[arg-type]


def test_grades_for_severity_rejects_non_ct_value() -> None:
    with pytest.raises(ScoringInputError, match=r"severity.*MILD, MODERATE, SEVERE"):
        ae_terms.grades_for_severity("Severe")


def test_check_code() -> None:
    assert ae_terms.check_code("AEACN", "NOT APPLICABLE", ae_terms.AEACN) == "NOT APPLICABLE"
    with pytest.raises(ScoringInputError, match="AEOUT"):
        ae_terms.check_code("AEOUT", "RESOLVED", ae_terms.AEOUT)


def test_is_related_default_scale_and_custom_scale() -> None:
    related = [ae_terms.is_related(value) for value in ae_terms.AEREL_DEFAULT]
    assert related == [False, False, True, True, True]
    assert ae_terms.is_related("Y", scale=("Y", "N"), related={"Y"})
    with pytest.raises(ScoringInputError, match="aerel"):
        ae_terms.is_related("RELATED")


def test_grade_warnings() -> None:
    assert ae_terms.grade_warnings(5, death=True, outcome="FATAL") == ()
    assert ae_terms.grade_warnings(2, death=False) == ()
    assert len(ae_terms.grade_warnings(5, death=False)) == 1
    assert len(ae_terms.grade_warnings(4, death=True, outcome="FATAL")) == 2
    assert "not FATAL" in ae_terms.grade_warnings(5, death=True, outcome="UNKNOWN")[0]
    with pytest.raises(ScoringInputError, match="outcome"):
        ae_terms.grade_warnings(1, death=False, outcome="DEAD")
