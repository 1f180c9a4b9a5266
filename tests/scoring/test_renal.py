"""Kidney: CKD-EPI 2021, UPCR units, KDIGO 2024 response (spec/scoring.md §7)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.errors import ScoringInputError
from scoring.renal import (
    Upcr,
    convert_upcr,
    creatinine_mg_dl,
    egfr_ckd_epi_2021,
    egfr_ckd_epi_2021_cr_cys,
    kdigo_2024_response,
    upcr_g_per_g,
)

pytestmark = pytest.mark.req("SCO-RENAL")

# --- §7.1 CKD-EPI 2021 -------------------------------------------------------------------------


@pytest.mark.parametrize("age", [18, 40, 75])
def test_egfr_at_kappa_female(age: int) -> None:
    # Scr = κ: both min/max terms are 1, so eGFR = 142 × 0.9938^age × 1.012.
    assert egfr_ckd_epi_2021(0.7, "mg/dL", age, "F") == pytest.approx(
        142 * 0.9938**age * 1.012, rel=1e-12
    )


@pytest.mark.parametrize("age", [18, 40, 75])
def test_egfr_at_kappa_male(age: int) -> None:
    assert egfr_ckd_epi_2021(0.9, "mg/dL", age, "M") == pytest.approx(142 * 0.9938**age, rel=1e-12)


@pytest.mark.parametrize(
    ("scr", "age", "sex", "expected"),
    [
        # hand-computed with the §7.1 equation (4 significant figures)
        (0.7, 40, "F", 112.05),
        (0.9, 40, "M", 110.72),
        (1.0, 50, "F", 68.63),  # the familiar "≈69" example
        (1.2, 60, "M", 69.23),
        (0.5, 30, "F", 129.32),  # below κ: the α branch
        (0.6, 30, "M", 133.18),
    ],
)
def test_egfr_hand_computed_examples(scr: float, age: int, sex: str, expected: float) -> None:
    assert egfr_ckd_epi_2021(scr, "mg/dL", age, sex) == pytest.approx(expected, abs=0.05)


def test_egfr_keeps_full_precision() -> None:
    value = egfr_ckd_epi_2021(1.0, "mg/dL", 50, "F")
    assert value != round(value, 2)
    below = 142 * (0.5 / 0.7) ** -0.241 * 0.9938**30 * 1.012
    assert egfr_ckd_epi_2021(0.5, "mg/dL", 30, "F") == pytest.approx(below, rel=1e-12)
    above = 142 * (1.2 / 0.9) ** -1.2 * 0.9938**60
    assert egfr_ckd_epi_2021(1.2, "mg/dL", 60, "M") == pytest.approx(above, rel=1e-12)


@pytest.mark.parametrize("unit", ["umol/L", "µmol/L", "μmol/L", " UMOL/L "])
def test_egfr_from_micromol_per_litre(unit: str) -> None:
    assert egfr_ckd_epi_2021(88.4, unit, 50, "F") == pytest.approx(
        egfr_ckd_epi_2021(1.0, "mg/dL", 50, "F"), rel=1e-12
    )
    assert creatinine_mg_dl(61.88, unit) == pytest.approx(0.7, rel=1e-12)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((1.0, "mmol/L", 50, "F"), "unit"),
        ((1.0, None, 50, "F"), "unit"),
        ((1.0, "mg/dL", 50, "f"), "sex"),
        ((1.0, "mg/dL", 50, "U"), "sex"),
        ((1.0, "mg/dL", 17.9, "F"), "age"),
        ((1.0, "mg/dL", -1, "F"), "age"),
        ((1.0, "mg/dL", math.nan, "F"), "age"),
        ((0, "mg/dL", 50, "F"), "creatinine"),
        ((-1, "mg/dL", 50, "F"), "creatinine"),
        ((math.inf, "mg/dL", 50, "F"), "creatinine"),
        ((True, "mg/dL", 50, "F"), "creatinine"),
    ],
)
def test_egfr_bad_input_names_field(args: tuple[object, ...], field: str) -> None:
    with pytest.raises(ScoringInputError) as info:
        egfr_ckd_epi_2021(*args)  # type: ignore[arg-type]
    assert info.value.field == field


def test_egfr_creatinine_cystatin_at_thresholds() -> None:
    assert egfr_ckd_epi_2021_cr_cys(0.7, "mg/dL", 0.8, 40, "F") == pytest.approx(
        135 * 0.9961**40 * 0.963, rel=1e-12
    )
    assert egfr_ckd_epi_2021_cr_cys(0.9, "mg/dL", 0.8, 40, "M") == pytest.approx(
        135 * 0.9961**40, rel=1e-12
    )
    high = 135 * (1.8 / 0.9) ** -0.544 * (1.6 / 0.8) ** -0.778 * 0.9961**60
    assert egfr_ckd_epi_2021_cr_cys(1.8, "mg/dL", 1.6, 60, "M") == pytest.approx(high, rel=1e-12)
    low = 135 * (0.5 / 0.7) ** -0.219 * (0.6 / 0.8) ** -0.323 * 0.9961**30 * 0.963
    assert egfr_ckd_epi_2021_cr_cys(0.5, "mg/dL", 0.6, 30, "F") == pytest.approx(low, rel=1e-12)
    with pytest.raises(ScoringInputError, match="cystatin_c_mg_l"):
        egfr_ckd_epi_2021_cr_cys(1.0, "mg/dL", 0, 30, "F")


creatinines = st.floats(min_value=0.1, max_value=15, allow_nan=False)
ages = st.floats(min_value=18, max_value=100, allow_nan=False)
sexes = st.sampled_from(["F", "M"])


@given(creatinines, creatinines, ages, sexes)
def test_egfr_decreases_as_creatinine_rises(a: float, b: float, age: float, sex: str) -> None:
    low, high = sorted((a, b))
    assert egfr_ckd_epi_2021(low, "mg/dL", age, sex) >= egfr_ckd_epi_2021(high, "mg/dL", age, sex)


@given(creatinines, ages, ages, sexes)
def test_egfr_decreases_with_age(scr: float, a: float, b: float, sex: str) -> None:
    young, old = sorted((a, b))
    assert egfr_ckd_epi_2021(scr, "mg/dL", young, sex) >= egfr_ckd_epi_2021(scr, "mg/dL", old, sex)


@pytest.mark.parametrize(("sex", "kappa"), [("F", 0.7), ("M", 0.9)])
def test_egfr_continuous_at_kappa(sex: str, kappa: float) -> None:
    at = egfr_ckd_epi_2021(kappa, "mg/dL", 50, sex)
    assert egfr_ckd_epi_2021(kappa * (1 - 1e-9), "mg/dL", 50, sex) == pytest.approx(at, rel=1e-8)
    assert egfr_ckd_epi_2021(kappa * (1 + 1e-9), "mg/dL", 50, sex) == pytest.approx(at, rel=1e-8)


# --- §7.2 UPCR units ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "g_per_g"),
    [
        (1, "g/g", 1.0),
        (0.5, "g/g", 0.5),
        (1, "mg/mg", 1.0),
        (1000, "mg/g", 1.0),
        (500, "mg/g", 0.5),
        (113.12, "mg/mmol", 1.0),
        (56.56, "mg/mmol", 0.5),
        (0, "mg/mmol", 0.0),
    ],
)
def test_upcr_exact_in_every_unit(value: float, unit: str, g_per_g: float) -> None:
    assert upcr_g_per_g(value, unit) == g_per_g
    assert Upcr(value, unit).g_per_g == g_per_g


@pytest.mark.parametrize(
    ("mg_mmol", "g_g"), [(50, 0.442), (100, 0.884), (300, 2.652)]
)  # spec §7.2 worked pairs (3 decimals)
def test_upcr_spec_examples(mg_mmol: float, g_g: float) -> None:
    assert round(upcr_g_per_g(mg_mmol, "mg/mmol"), 3) == g_g
    assert convert_upcr(mg_mmol, "mg/mmol", "mg/g") == pytest.approx(mg_mmol * 1000 / 113.12)


def test_upcr_conversions_between_units() -> None:
    assert convert_upcr(0.5, "g/g", "mg/mmol") == 56.56
    assert round(convert_upcr(0.5, "g/g", "mg/mmol"), 1) == 56.6
    assert convert_upcr(1000, "mg/g", "mg/mmol") == 113.12
    assert convert_upcr(1, "g/g", "mg/g") == 1000
    assert convert_upcr(2, "mg/mg", "g/g") == 2
    assert round(convert_upcr(1, "mg/mmol", "mg/g"), 2) == 8.84


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: upcr_g_per_g(1, "g/mmol"), "unit"),
        (lambda: upcr_g_per_g(1, "mg/24h"), "unit"),
        (lambda: upcr_g_per_g(-0.1, "g/g"), "upcr"),
        (lambda: upcr_g_per_g(math.nan, "g/g"), "upcr"),
        (lambda: convert_upcr(1, "g/g", "mmol/mg"), "to_unit"),
    ],
)
def test_upcr_bad_input(call: object, field: str) -> None:
    with pytest.raises(ScoringInputError) as info:
        call()  # type: ignore[operator]
    assert info.value.field == field
    if field.endswith("unit"):
        assert "g/g, mg/mg, mg/g, mg/mmol" in str(info.value)


@given(st.floats(min_value=0, max_value=1e4), st.sampled_from(["g/g", "mg/mg", "mg/g", "mg/mmol"]))
def test_upcr_round_trips(value: float, unit: str) -> None:
    assert convert_upcr(upcr_g_per_g(value, unit), "g/g", unit) == pytest.approx(value, rel=1e-12)


# --- §7.3 KDIGO 2024 ---------------------------------------------------------------------------


def gg(value: float) -> Upcr:
    return Upcr(value, "g/g")


@pytest.mark.parametrize(
    ("base", "visit", "egfr_visit", "category"),
    [
        (2.0, 0.4, 100, "complete"),
        (2.0, 0.49, 90, "complete"),  # eGFR −10% exactly: still stable at the default
        (2.0, 0.5, 100, "partial"),  # 0.5 is not < 0.5; fall 75% and < 3
        (1.0, 0.5, 100, "partial"),  # fall exactly 50%
        (1.0, 0.51, 100, "no_response"),  # fall 49%
        (8.0, 3.5, 100, "no_response"),  # fall 56% but not < 3
        (6.0, 3.0, 100, "no_response"),  # exactly 3 is not < 3
        (6.0, 2.99, 100, "partial"),
        (2.0, 0.4, 89.9, "no_response"),  # kidney function worse than −10%
        (2.0, 1.0, 89.9, "no_response"),
        (0.3, 0.2, 120, "complete"),  # low baseline, improved eGFR
    ],
)
def test_kdigo_2024_boundaries(base: float, visit: float, egfr_visit: float, category: str) -> None:
    result = kdigo_2024_response(gg(base), gg(visit), 100, egfr_visit)
    assert result.category == category
    assert result.complete is (category == "complete")
    assert result.partial is (category == "partial")
    assert len(result.reasons) == 4


def test_kdigo_2024_mixed_units_compared_in_g_per_g() -> None:
    result = kdigo_2024_response(Upcr(300, "mg/mmol"), Upcr(50, "mg/mmol"), 75, 80)
    assert result.category == "complete"
    assert result.upcr_change_pct == pytest.approx(-250 / 3)
    assert result.egfr_change_pct == pytest.approx(20 / 3)
    assert "2.65 → 0.442 g/g" in result.reasons[0]
    assert kdigo_2024_response(Upcr(1000, "mg/g"), Upcr(500, "mg/g"), 75, 75).category == "partial"


def test_kdigo_2024_tolerance_is_configurable() -> None:
    assert kdigo_2024_response(gg(2), gg(0.4), 100, 85).category == "no_response"
    result = kdigo_2024_response(gg(2), gg(0.4), 100, 85, egfr_tolerance=0.15)
    assert result.category == "complete"
    assert "−15% limit" in result.reasons[-1]
    for bad in (-0.1, 1.0):
        with pytest.raises(ScoringInputError, match="egfr_tolerance"):
            kdigo_2024_response(gg(2), gg(0.4), 100, 85, egfr_tolerance=bad)


def test_kdigo_2024_zero_baseline_upcr() -> None:
    result = kdigo_2024_response(gg(0), gg(0), 100, 100)
    assert (result.category, result.upcr_change_pct) == ("complete", None)
    assert kdigo_2024_response(gg(0), gg(0.6), 100, 100).category == "no_response"


def test_kdigo_2024_not_evaluable_names_missing_inputs() -> None:
    result = kdigo_2024_response(None, gg(0.4), 100, None)
    assert result.category == "not_evaluable"
    assert (result.complete, result.partial) == (None, None)
    assert result.reasons == ("missing input: baseline_upcr", "missing input: visit_egfr")


def test_kdigo_2024_bad_egfr() -> None:
    with pytest.raises(ScoringInputError, match="baseline_egfr"):
        kdigo_2024_response(gg(2), gg(0.4), 0, 100)
    with pytest.raises(ScoringInputError, match="visit_egfr"):
        kdigo_2024_response(gg(2), gg(0.4), 100, -1)
