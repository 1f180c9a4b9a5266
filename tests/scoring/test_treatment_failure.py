"""spec/scoring.md §3.3 (revised) triggers and the coded corticosteroid list of §6.1."""

from __future__ import annotations

import datetime as dt

import pytest

from scoring import steroids
from scoring.steroid_table import EQUIVALENT_TO_5MG_PREDNISONE, corticosteroid_in
from scoring.treatment_failure import (
    TherapyRow,
    days_above_ceiling,
    ingredient_of,
    per_day,
    rescue_trigger,
    steroid_increase,
)

pytestmark = pytest.mark.req("SCO-TREATMENT-FAILURE")

DAY1 = dt.date(2025, 3, 3)


def day(n: int) -> dt.date:
    """Study day n (no day 0)."""
    return DAY1 + dt.timedelta(days=n - 1 if n > 0 else n)


def pred(mg: float, start: dt.date, stop: dt.date | None = None) -> steroids.Regimen:
    return steroids.Regimen("prednisone", mg, "QD", "ORAL", start, stop)


def series(*rows: steroids.Regimen, end: int = 60) -> steroids.SteroidSeries:
    return steroids.daily_series(rows, day(-30), day(end))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Prednisone 20 mg oral", "prednisone"),
        ("PREDNISOLONE", "prednisolone"),
        ("Solu-Medrol (methylprednisolone)", "methylprednisolone"),
        ("hydrocortisone", "hydrocortisone"),
        ("cortisone acetate", "cortisone"),
        ("deflazacort", "deflazacort"),
        ("budesonide", None),
        ("hydroxychloroquine", None),
        (None, None),
    ],
)
def test_the_coded_list_recognises_systemic_corticosteroids_by_whole_word(text, found):
    assert corticosteroid_in(text) == found


def test_every_drug_of_the_equivalence_table_is_recognised():
    assert all(corticosteroid_in(drug) == drug for drug in EQUIVALENT_TO_5MG_PREDNISONE)


def test_a_single_dose_is_described_as_its_day_not_ongoing():
    pulse = steroids.Regimen("methylprednisolone", 500, "ONCE", "IV", day(20), is_pulse=True)
    assert pulse.describe().endswith(day(20).isoformat())
    assert "ongoing" not in pulse.describe()


class TestSteroidIncrease:
    def test_the_day1_dose_itself_and_equal_doses_never_fire(self):
        taper = series(pred(15, day(-30), day(10)), pred(15, day(11), day(20)), pred(10, day(21)))
        assert steroid_increase(taper, DAY1, day(56)) is None

    def test_one_day_above_the_day1_dose_fires_with_its_row(self):
        found = series(pred(10, day(-30), day(40)), pred(12.5, day(41), day(41)), pred(10, day(42)))
        trigger = steroid_increase(found, DAY1, day(56))
        assert trigger is not None and trigger.on == day(41)
        assert "12.5 mg/day" in trigger.record and "prednisone 12.5 mg QD ORAL" in trigger.record

    def test_the_window_is_the_28_days_up_to_the_visit(self):
        rows = (pred(5, day(-30), day(20)), pred(20, day(21), day(28)), pred(5, day(29)))
        assert steroid_increase(series(*rows), DAY1, day(55)) is not None  # day 28 = 55 − 27
        assert steroid_increase(series(*rows), DAY1, day(56)) is None

    def test_a_dose_rise_on_day1_itself_is_the_baseline(self):
        assert steroid_increase(series(pred(20, DAY1)), DAY1, day(14)) is None

    def test_the_optional_ceiling_counts_days_above_it(self):
        found = series(pred(15, day(-30)))
        assert days_above_ceiling(found, DAY1, day(14), 10.0)[0] == 13  # days 2…14
        assert days_above_ceiling(found, DAY1, day(14), 15.0) == (0, "")


def row(drug: str, dose: float | None, start: dt.date, stop: dt.date | None = None,
        *, frequency: str = "BID", pulse: bool = False) -> TherapyRow:  # fmt: skip
    return TherapyRow(
        f"{drug} {dose}", None if pulse else ingredient_of(drug), pulse,
        per_day(dose, frequency), "mg", start, start, stop,
    )  # fmt: skip


class TestRescue:
    def test_a_new_row_at_the_same_or_lower_dose_is_not_rescue(self):
        rows = [row("mycophenolate mofetil", 1000, day(-300), day(30)),
                row("mycophenolate mofetil", 1000, day(31), day(40)),
                row("mycophenolic acid", 720, day(41))]  # fmt: skip
        assert rescue_trigger(rows, DAY1) is None

    def test_a_raised_background_dose_is_rescue_from_the_day_it_starts(self):
        rows = [row("mycophenolate mofetil", 1000, day(-300), day(30)),
                row("mycophenolate mofetil", 1500, day(31))]  # fmt: skip
        trigger = rescue_trigger(rows, DAY1)
        assert trigger is not None and trigger.on == day(31)
        assert "raised to 3000 mg/day above its day-1 2000" in trigger.record

    def test_a_new_ingredient_is_rescue_a_background_antimalarial_never(self):
        rows = [
            row("hydroxychloroquine", 200, day(10)),
            row("belimumab", 700, day(20), frequency="ONCE"),
        ]
        trigger = rescue_trigger(rows, DAY1)
        assert trigger is not None and trigger.on == day(20) and "new belimumab" in trigger.record

    def test_an_iv_pulse_after_day1_is_rescue_one_on_day1_is_not(self):
        assert rescue_trigger([row("methylprednisolone", 500, DAY1, pulse=True)], DAY1) is None
        late = rescue_trigger([row("methylprednisolone", 500, day(9), pulse=True)], DAY1)
        assert late is not None and "IV/IM corticosteroid pulse" in late.record

    def test_the_earliest_trigger_wins(self):
        rows = [row("azathioprine", 50, day(30)), row("cyclophosphamide", 500, day(12))]
        assert rescue_trigger(rows, DAY1).on == day(12)  # type: ignore[union-attr]
