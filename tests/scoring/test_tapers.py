"""A taper written out as dated rows (spec/scoring.md §6, "Tapers"): steps, their dates, the
end dose reached exactly, stopping, bad input; and the rows read back as the same daily doses."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.errors import ScoringInputError
from scoring.steroids import Regimen, daily_series
from scoring.tapers import MAX_STEPS, taper_steps

pytestmark = pytest.mark.req("SCO-STEROIDS")

D = dt.date(2025, 1, 1)


def _rows(steps):
    return [(s.dose_mg, s.start.isoformat(), s.stop and s.stop.isoformat()) for s in steps]


def test_steps_down_every_interval_to_an_ongoing_maintenance_dose():
    assert _rows(taper_steps(D, 30, 5, 7, 20)) == [
        (30, "2025-01-01", "2025-01-07"),
        (25, "2025-01-08", "2025-01-14"),
        (20, "2025-01-15", None),  # the dose it ends on: ongoing
    ]


def test_the_end_dose_is_reached_exactly_never_passed():
    assert [s.dose_mg for s in taper_steps(D, 30, 7.5, 7, 10)] == [30, 22.5, 15, 10]
    assert [s.dose_mg for s in taper_steps(D, 10, 2.5, 3, 5)] == [10, 7.5, 5]


def test_tapering_to_zero_stops_after_the_last_dose_without_a_zero_row():
    steps = taper_steps(D, 10, 5, 14, 0)
    assert _rows(steps) == [(10, "2025-01-01", "2025-01-14"), (5, "2025-01-15", "2025-01-28")]
    assert "then stopped" in steps[-1].why and "step 1" in steps[0].why


def test_one_day_steps_and_a_single_step():
    assert _rows(taper_steps(D, 2, 1, 1, 0)) == [(2, "2025-01-01", "2025-01-01"),
                                                 (1, "2025-01-02", "2025-01-02")]  # fmt: skip
    assert _rows(taper_steps(D, 5, 10, 7, 0)) == [(5, "2025-01-01", "2025-01-07")]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((D, 0, 5, 7, 0), "start_mg"),
        ((D, -5, 5, 7, 0), "start_mg"),
        ((D, float("nan"), 5, 7, 0), "start_mg"),
        ((D, 30, 0, 7, 0), "step_mg"),
        ((D, 30, 5, 0, 0), "every_days"),
        ((D, 30, 5, 1.5, 0), "every_days"),
        ((D, 30, 5, True, 0), "every_days"),
        ((D, 30, 5, 7, 30), "until_mg"),  # not below the start dose
        ((D, 30, 5, 7, 40), "until_mg"),
        ((D, 30, 5, 7, -1), "until_mg"),
        (("2025-01-01", 30, 5, 7, 0), "start"),
        ((D, 1000, 0.001, 1, 0), "step_mg"),  # more rows than any real taper
    ],
)
def test_bad_input_names_the_field(args, field):
    with pytest.raises(ScoringInputError) as err:
        taper_steps(*args)
    assert err.value.field == field


@given(
    start=st.integers(1, 200),
    step=st.integers(1, 50),
    every=st.integers(1, 30),
    until=st.integers(0, 199),
)
def test_rows_are_contiguous_decreasing_and_read_back_as_the_taper(start, step, every, until):
    if until >= start or (start - until) / step > MAX_STEPS - 1:
        return
    steps = taper_steps(D, start, step, every, until)
    pairs = list(itertools.pairwise(steps))
    assert steps[0].dose_mg == start and all(a.dose_mg > b.dose_mg for a, b in pairs)
    assert all(b.start == a.stop + dt.timedelta(days=1) for a, b in pairs)
    assert (steps[-1].stop is None) == (until > 0)
    assert until == 0 or steps[-1].dose_mg == until
    end = D + dt.timedelta(days=every * len(steps) + 3)
    regimens = [Regimen("prednisone", s.dose_mg, "QD", "ORAL", s.start, s.stop) for s in steps]
    days = {d.day: d.prednisone_equivalent_mg for d in daily_series(regimens, D, end).days}
    for s in steps:
        assert days[s.start] == s.dose_mg and days[s.stop or end] == s.dose_mg
    assert days[end] == until  # after the taper: the end dose (0 once stopped)
