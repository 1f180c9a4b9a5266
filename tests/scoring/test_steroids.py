"""Prednisone-equivalent dose (spec/scoring.md §6)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.errors import ScoringInputError
from scoring.steroid_table import (
    BETAMETHASONE_LABEL_FACTOR,
    EQUIVALENT_TO_5MG_PREDNISONE,
    PREDNISONE_EQUIVALENT_FACTORS,
)
from scoring.steroids import (
    Overlap,
    Regimen,
    average_daily_dose,
    cumulative_dose,
    current_dose,
    daily_prednisone_equivalent,
    daily_series,
    dose_band,
    prednisone_factor,
    same_drug_overlaps,
)

pytestmark = pytest.mark.req("SCO-STEROIDS")

D1 = dt.date(2025, 3, 4)


def day(n: int) -> dt.date:
    """Calendar date of study day n (n ≥ 1) with day 1 = D1."""
    return D1 + dt.timedelta(days=n - 1)


# --- §6.1 equivalence table --------------------------------------------------------------------

SPEC_TABLE = {  # mg equivalent to 5 mg prednisone, and the factor column of §6.1
    "prednisone": (5, 1),
    "prednisolone": (5, 1),
    "methylprednisolone": (4, 1.25),
    "hydrocortisone": (20, 0.25),
    "cortisone": (25, 0.2),
    "triamcinolone": (4, 1.25),
    "dexamethasone": (0.75, 20 / 3),
    "betamethasone": (0.6, 25 / 3),
    "deflazacort": (6, 5 / 6),
}


@pytest.mark.parametrize(("drug", "row"), SPEC_TABLE.items())
def test_every_table_row_is_5mg_prednisone(drug: str, row: tuple[float, float]) -> None:
    equivalent_mg, factor = row
    assert prednisone_factor(drug) == pytest.approx(factor, rel=1e-12)
    assert daily_prednisone_equivalent(drug, equivalent_mg, "QD") == pytest.approx(5, rel=1e-12)
    assert EQUIVALENT_TO_5MG_PREDNISONE[drug] == equivalent_mg


def test_table_has_exactly_the_spec_drugs_and_no_budesonide() -> None:
    assert set(PREDNISONE_EQUIVALENT_FACTORS) == set(SPEC_TABLE)


def test_spec_rounded_factors() -> None:
    assert round(prednisone_factor("dexamethasone"), 3) == 6.667
    assert round(prednisone_factor("betamethasone"), 3) == 8.333
    assert round(prednisone_factor("deflazacort"), 4) == 0.8333


def test_drug_name_any_case_and_alias() -> None:
    assert daily_prednisone_equivalent(" PredniSONE ", 10, "qd") == 10
    assert daily_prednisone_equivalent("Cortisone Acetate", 25, "QD") == 5


def test_configurable_table_betamethasone_label_value() -> None:
    table = {**PREDNISONE_EQUIVALENT_FACTORS, "betamethasone": BETAMETHASONE_LABEL_FACTOR}
    assert daily_prednisone_equivalent("betamethasone", 0.75, "QD", table) == pytest.approx(5)
    assert daily_prednisone_equivalent("betamethasone", 2.25, "QD", table) == pytest.approx(15)


# --- §6.2 daily-dose rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("drug", "dose", "frequency", "expected"),
    [
        ("prednisone", 10, "QD", 10),
        ("prednisone", 10, "BID", 20),
        ("prednisone", 10, "TID", 30),
        ("prednisone", 10, "QID", 40),
        ("prednisone", 20, "QOD", 10),
        ("prednisone", 7.5, "QOD", 3.75),
        ("prednisone", 70, "QW", 10),
        ("prednisone", 15, "QW", 15 / 7),
        ("methylprednisolone", 500, "ONCE", 625),
        ("methylprednisolone", 16, "QD", 20),
        ("hydrocortisone", 20, "BID", 10),
        ("dexamethasone", 4, "QD", 80 / 3),
        ("prednisone", 0, "QD", 0),
    ],
)
def test_daily_prednisone_equivalent(
    drug: str, dose: float, frequency: str, expected: float
) -> None:
    assert daily_prednisone_equivalent(drug, dose, frequency) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("args", "field", "mentions"),
    [
        (("budesonide", 9, "QD"), "drug", "budesonide"),
        (("aspirin", 9, "QD"), "drug", "prednisone"),
        ((None, 9, "QD"), "drug", "prednisone"),
        (("prednisone", -1, "QD"), "dose_mg", "≥ 0"),
        (("prednisone", math.nan, "QD"), "dose_mg", "finite"),
        (("prednisone", math.inf, "QD"), "dose_mg", "finite"),
        (("prednisone", True, "QD"), "dose_mg", "finite"),
        (("prednisone", "10", "QD"), "dose_mg", "finite"),
        (("prednisone", 10, "Q8H"), "frequency", "QOD"),
        (("prednisone", 10, None), "frequency", "ONCE"),
    ],
)
def test_bad_input_names_the_field(args: tuple[object, ...], field: str, mentions: str) -> None:
    with pytest.raises(ScoringInputError) as info:
        daily_prednisone_equivalent(*args)  # type: ignore[arg-type]
    assert info.value.field == field
    assert str(info.value).startswith(field) and mentions in str(info.value)
    assert isinstance(info.value, ValueError)


# --- regimens and the per-day series -----------------------------------------------------------


def test_regimen_validation() -> None:
    with pytest.raises(ScoringInputError, match="stop"):
        Regimen("prednisone", 10, "QD", "ORAL", day(5), day(4))
    with pytest.raises(ScoringInputError, match="stop"):
        Regimen("methylprednisolone", 500, "ONCE", "IV", day(1), day(3), is_pulse=True)
    with pytest.raises(ScoringInputError, match="frequency"):
        Regimen("prednisone", 10, "daily", "ORAL", day(1))
    with pytest.raises(ScoringInputError, match="dose_mg"):
        Regimen("prednisone", -5, "QD", "ORAL", day(1))
    assert Regimen("methylprednisolone", 500, "ONCE", "IV", day(1), day(1)).stop == day(1)
    with pytest.raises(ScoringInputError, match="route"):
        Regimen("prednisone", 5, "QD", None, day(1))  # type: ignore[arg-type]
    with pytest.raises(ScoringInputError, match="drug"):
        Regimen(" ", 5, "QD", "ORAL", day(1))
    with pytest.raises(ScoringInputError, match="start"):
        Regimen("prednisone", 5, "QD", "ORAL", dt.datetime(2025, 3, 4, 8))


TAPER = (
    *(Regimen("methylprednisolone", 500, "ONCE", "IV", day(n), is_pulse=True) for n in (1, 2, 3)),
    Regimen("prednisone", 40, "QD", "ORAL", day(4), day(10)),
    Regimen("prednisone", 30, "QD", "ORAL", day(11), day(17)),
    Regimen("prednisone", 20, "QD", "ORAL", day(18)),  # ongoing
)


def test_taper_with_pulse_series() -> None:
    series = daily_series(TAPER, day(1), day(28))
    values = [d.prednisone_equivalent_mg for d in series.days]
    assert values == [625.0] * 3 + [40.0] * 7 + [30.0] * 7 + [20.0] * 11
    assert series.pulse_days == (day(1), day(2), day(3))
    assert series.cumulative_pulse_mg == 1875.0
    assert series.cumulative_mg == 1875 + 280 + 210 + 220
    assert series.average_mg_per_day == pytest.approx(2585 / 28)
    assert series.on(day(10)).prednisone_equivalent_mg == 40
    assert series.on(day(2)).pulse_mg == 625
    assert series.days_above(30) == tuple(day(n) for n in range(1, 11))
    assert series.longest_run_above(7.5) == 28
    assert series.longest_run_above(1000) == 0
    assert series.excluded == ()
    assert len(series.reasons) == len(TAPER)


def test_current_dose_is_the_step_in_force_that_day() -> None:
    assert current_dose(TAPER, day(10)).mg == 40
    assert current_dose(TAPER, day(11)).mg == 30
    assert current_dose(TAPER, day(200)).mg == 20  # ongoing row
    pulse = current_dose(TAPER, day(2))
    assert (pulse.mg, pulse.pulse_mg, pulse.pulse_days) == (625, 625, (day(2),))
    assert pulse.reasons[0].startswith("625 mg/day") and "in force" in pulse.reasons[1]
    assert current_dose(TAPER, day(-5)).mg == 0


def test_average_and_cumulative_over_a_window() -> None:
    summary = average_daily_dose(TAPER, day(8), day(14))
    assert summary.mg == pytest.approx((3 * 40 + 4 * 30) / 7)
    assert (summary.pulse_mg, summary.pulse_days) == (0, ())
    assert cumulative_dose(TAPER, day(1), day(3)) == 1875
    assert cumulative_dose(TAPER, day(18), day(18)) == 20
    with_pulses = average_daily_dose(TAPER, day(1), day(10))
    assert with_pulses.mg == pytest.approx((1875 + 280) / 10)
    assert "pulses 1875 mg" in with_pulses.reasons[0]


def test_qod_and_weekly_average_over_their_cycle() -> None:
    rows = (
        Regimen("prednisone", 20, "QOD", "ORAL", day(1), day(14)),
        Regimen("methylprednisolone", 28, "QW", "ORAL", day(1), day(14)),
    )
    series = daily_series(rows, day(1), day(14))
    assert {d.prednisone_equivalent_mg for d in series.days} == {10 + 5}
    assert series.cumulative_mg == pytest.approx(20 * 7 + 35 * 2)


def test_overlapping_regimens_add_up() -> None:
    rows = (
        Regimen("prednisone", 5, "QD", "PO", day(1), day(10)),
        Regimen("hydrocortisone", 20, "BID", "oral", day(6), day(12)),
    )
    series = daily_series(rows, day(1), day(12))
    values = [d.prednisone_equivalent_mg for d in series.days]
    assert values == [5.0] * 5 + [15.0] * 5 + [10.0] * 2


def test_non_systemic_rows_are_excluded_and_flagged() -> None:
    rows = (
        Regimen("prednisone", 5, "QD", "ORAL", day(1)),
        Regimen("budesonide", 9, "QD", "ORAL", day(1)),
        Regimen("triamcinolone", 40, "ONCE", "INTRA-ARTICULAR", day(2)),
        Regimen("betamethasone", 1, "BID", "TOPICAL", day(1)),
    )
    series = daily_series(rows, day(1), day(3))
    assert [d.prednisone_equivalent_mg for d in series.days] == [5.0, 5.0, 5.0]
    assert series.excluded == rows[1:]
    assert sum("flagged for review" in r for r in series.reasons) == 3
    summary = current_dose(rows, day(2))
    assert sum("flagged for review" in r for r in summary.reasons) == 3


def test_single_dose_not_marked_pulse_is_not_a_pulse_day() -> None:
    rows = (Regimen("dexamethasone", 6, "ONCE", "IV", day(3)),)
    series = daily_series(rows, day(1), day(5))
    assert [d.prednisone_equivalent_mg for d in series.days] == [0, 0, 40, 0, 0]
    assert series.pulse_days == ()


def test_pulse_given_as_three_day_qd_row() -> None:
    rows = (Regimen("methylprednisolone", 500, "QD", "IV", day(1), day(3), is_pulse=True),)
    assert cumulative_dose(rows, day(1), day(7)) == 1875
    assert daily_series(rows, day(1), day(7)).pulse_days == (day(1), day(2), day(3))


def test_series_bounds_are_checked() -> None:
    with pytest.raises(ScoringInputError, match="end"):
        daily_series(TAPER, day(5), day(4))
    series = daily_series(TAPER, day(1), day(3))
    with pytest.raises(ScoringInputError, match="day"):
        series.on(day(4))


def test_unknown_drug_in_a_regimen_raises_when_converted() -> None:
    with pytest.raises(ScoringInputError, match="drug"):
        daily_series((Regimen("cortisol", 10, "QD", "ORAL", day(1)),), day(1), day(2))


# --- dose bands (Buttgereit 2002, §6.2) --------------------------------------------------------


@pytest.mark.parametrize(
    ("mg", "is_pulse", "band"),
    [
        (0, False, "none"),
        (2.5, False, "low"),
        (7.5, False, "low"),
        (7.51, False, "medium"),
        (30, False, "medium"),
        (30.01, False, "high"),
        (100, False, "high"),
        (100.01, False, "very_high"),
        (250, False, "very_high"),
        (249.99, True, "very_high"),
        (250, True, "pulse"),
        (625, True, "pulse"),
    ],
)
def test_dose_band_boundaries(mg: float, is_pulse: bool, band: str) -> None:
    result = dose_band(mg, is_pulse=is_pulse)
    assert (result.band, result.mg_per_day) == (band, mg)
    assert result.reasons


def test_dose_band_rejects_negative() -> None:
    with pytest.raises(ScoringInputError, match="mg_per_day"):
        dose_band(-0.1)


# --- properties --------------------------------------------------------------------------------

drugs = st.sampled_from(sorted(PREDNISONE_EQUIVALENT_FACTORS))
frequencies = st.sampled_from(["QD", "BID", "TID", "QID", "QOD", "QW", "ONCE"])


@st.composite
def regimens(draw: st.DrawFn) -> Regimen:
    start = day(draw(st.integers(min_value=-10, max_value=40)))
    frequency = draw(frequencies)
    length = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=30)))
    stop = None if length is None else start + dt.timedelta(days=length)
    if frequency == "ONCE":
        stop = draw(st.sampled_from([None, start]))
    dose = draw(st.integers(min_value=0, max_value=4000)) / 4
    return Regimen(draw(drugs), dose, frequency, "ORAL", start, stop, draw(st.booleans()))


@given(st.lists(regimens(), max_size=6), st.integers(1, 30), st.integers(0, 40))
def test_cumulative_is_sum_of_series_and_current_dose_matches(
    rows: list[Regimen], first: int, length: int
) -> None:
    start, end = day(first), day(first + length)
    series = daily_series(rows, start, end)
    assert len(series.days) == length + 1
    assert cumulative_dose(rows, start, end) == math.fsum(
        d.prednisone_equivalent_mg for d in series.days
    )
    assert average_daily_dose(rows, start, end).mg * (length + 1) == pytest.approx(
        series.cumulative_mg
    )
    for entry in series.days[:: max(1, length // 3)]:
        assert current_dose(rows, entry.day).mg == pytest.approx(entry.prednisone_equivalent_mg)
    assert all(0 <= d.pulse_mg <= d.prednisone_equivalent_mg for d in series.days)


@given(st.lists(regimens(), max_size=6), st.integers(1, 30), st.integers(0, 20), st.integers(0, 20))
def test_cumulative_is_additive_over_adjacent_windows(
    rows: list[Regimen], first: int, a: int, b: int
) -> None:
    whole = cumulative_dose(rows, day(first), day(first + a + b + 1))
    parts = cumulative_dose(rows, day(first), day(first + a)) + cumulative_dose(
        rows, day(first + a + 1), day(first + a + b + 1)
    )
    assert whole == pytest.approx(parts)


def _row(drug: str, start: str, stop: str | None, **kw: object) -> Regimen:
    values = {"dose_mg": 10.0, "frequency": "QD", "route": "ORAL"} | kw
    stop_day = dt.date.fromisoformat(stop) if stop else None
    return Regimen(drug, start=dt.date.fromisoformat(start), stop=stop_day, **values)  # type: ignore[arg-type]


def test_same_drug_rows_sharing_days_are_paired_with_the_shared_days() -> None:
    rows = [
        _row("Prednisone", "2025-03-01", None),  # the old dose, never ended
        _row("prednisone 5 mg tablets", "2025-04-01", "2025-04-30"),  # the new dose
        _row("Hydroxychloroquine", "2025-03-01", None),
    ]
    (found,) = same_drug_overlaps(rows)
    assert found == Overlap(0, 1, dt.date(2025, 4, 1), dt.date(2025, 4, 30))
    # ended the day before the next starts (a taper step): nothing to ask
    taper = [_row("prednisone", "2025-03-01", "2025-03-31"), _row("prednisone", "2025-04-01", None)]
    assert same_drug_overlaps(taper) == []
    # sharing one day (the last of one, the first of the next) is an overlap: both count that day
    edge = [_row("prednisone", "2025-04-01", None), _row("prednisone", "2025-03-01", "2025-04-01")]
    assert same_drug_overlaps(edge) == [Overlap(1, 0, dt.date(2025, 4, 1), dt.date(2025, 4, 1))]
    both = [_row("prednisone", "2025-03-01", None), _row("Prednisone", "2025-03-05", None)]
    assert same_drug_overlaps(both) == [Overlap(0, 1, dt.date(2025, 3, 5), None)]


def test_other_drugs_routes_single_doses_and_pulses_are_not_paired() -> None:
    base = _row("methylprednisolone", "2025-03-01", None, dose_mg=4.0)
    others = [
        _row("prednisone", "2025-03-01", None),  # another drug
        _row("methylprednisolone", "2025-03-02", "2025-03-04", route="IV", dose_mg=500.0),
        _row("methylprednisolone", "2025-03-10", None, frequency="ONCE", dose_mg=40.0),
        _row("methylprednisolone", "2025-03-20", "2025-03-22", dose_mg=250.0, is_pulse=True),
    ]
    assert same_drug_overlaps([base, *others]) == []
