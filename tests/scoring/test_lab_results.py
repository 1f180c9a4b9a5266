"""Qualified lab results (<x, >x, BLQ) placed against the range and the critical values."""

from __future__ import annotations

import pytest

from scoring.errors import ScoringInputError
from scoring.lab_results import (
    Bounds,
    LabValue,
    bounds_of,
    critical_value,
    parse_result,
    placed_flag,
)
from scoring.labs import reference_flag


@pytest.mark.parametrize(
    ("typed", "qualifier", "number", "text"),
    [
        ("4.2", None, 4.2, "4.2"),
        (" 140 ", None, 140.0, "140"),
        ("<0.5", "<", 0.5, "<0.5"),
        ("< 0.5", "<", 0.5, "<0.5"),
        (">2000", ">", 2000.0, ">2000"),
        ("> 1e3", ">", 1000.0, ">1000"),
        ("BLQ", "BLQ", None, "BLQ"),
        ("blq", "BLQ", None, "BLQ"),
        ("<LLOQ", "BLQ", None, "BLQ"),
        ("1234567", None, 1234567.0, "1234567"),
        ("0.1234567", None, 0.1234567, "0.1234567"),
    ],
)
def test_results_as_printed_are_read(typed, qualifier, number, text):
    value = parse_result(typed)
    assert (value.qualifier, value.number, value.text()) == (qualifier, number, text)


@pytest.mark.parametrize(
    "typed", ["", "1,5", "≤3", "<", "<-", "5..1", "high", "<<1", "inf", "nan", "1e999"]
)
def test_anything_else_is_refused_naming_the_forms(typed):
    with pytest.raises(ScoringInputError) as err:
        parse_result(typed)
    assert "BLQ" in str(err.value)


def test_an_exact_value_flags_as_the_reference_flag_does():
    for number in (3.4, 3.5, 4.2, 5.1, 5.2):
        placed = placed_flag(LabValue(None, number), Bounds(number, number), 3.5, 5.1)
        assert placed.flag == reference_flag(number, 3.5, 5.1).flag


# (typed, floor, ceiling, lloq, low, high) -> flag; floor/ceiling are the physiological limits.
@pytest.mark.parametrize(
    ("typed", "low", "high", "lloq", "flag"),
    [
        ("<0.5", 0.0, 3.0, None, "N"),  # CRP below 0.5 with a range 0-3: normal
        ("<3.0", 0.0, 3.0, None, "N"),  # every value below 3.0 is within [0, 3.0]
        ("<3.1", 0.0, 3.0, None, None),  # 3.05 would be high: cannot tell
        ("<0.5", 1.0, 3.0, None, "L"),  # all below the lower limit
        ("<1.0", 1.0, 3.0, None, "L"),  # open bound: < 1.0 is below a limit of 1.0
        ("<2.0", 1.0, 3.0, None, None),  # 0.5 is low, 1.5 is normal
        (">3.0", 0.0, 3.0, None, "H"),  # open bound: > 3.0 is above 3.0
        (">2.0", 0.0, 3.0, None, None),
        (">2.0", 0.0, None, None, "N"),  # one-sided range, nothing can be high
        ("BLQ", 0.0, 3.0, 0.2, "N"),
        ("BLQ", 1.0, 3.0, 0.2, "L"),
        ("BLQ", 0.0, 3.0, None, None),  # no LLOQ: nothing to place it with
    ],
)
def test_a_bound_is_flagged_only_when_the_whole_interval_is_on_one_side(
    typed, low, high, lloq, flag
):
    value = parse_result(typed)
    placed = placed_flag(value, bounds_of(value, 0.0, 500.0, lloq), low, high)
    assert placed.flag == flag
    assert placed.reasons and (flag is not None or "could be" in placed.reasons[0]
                               or "limit of quantification" in placed.reasons[0])  # fmt: skip


def test_a_bound_without_a_physiological_floor_cannot_be_normal():
    value = parse_result("<0.5")
    assert placed_flag(value, bounds_of(value, None, None, None), 0.0, 3.0).flag is None


@pytest.mark.parametrize(
    ("typed", "critical", "certain", "reason"),
    [
        ("5.99", False, False, None),
        ("6.0", True, True, "≥ 6 mmol/L"),  # inclusive, as alert lists phrase it
        ("6.5", True, True, "≥ 6 mmol/L"),
        (">5.5", True, False, "≥ 6 mmol/L"),  # may be 6.2: asked
        (">6.0", True, True, "≥ 6 mmol/L"),
        ("<6.0", True, False, "≤ 2.5 mmol/L"),  # not high-critical, but may be 2.0
        ("2.51", False, False, None),
        ("2.5", True, True, "≤ 2.5 mmol/L"),
        ("<3.0", True, False, "≤ 2.5 mmol/L"),  # may be 2.2
        ("<2.5", True, True, "≤ 2.5 mmol/L"),
        ("BLQ", True, False, "≤ 2.5 mmol/L"),  # no LLOQ: may be anything down to the floor
    ],
)
def test_critical_values_inclusive_and_cautious(typed, critical, certain, reason):
    value = parse_result(typed)
    found = critical_value(bounds_of(value, 1.0, 10.0, None), 2.5, 6.0, "mmol/L")
    assert (found.critical, found.certain, found.reason) == (critical, certain, reason)


def test_a_bound_below_the_high_alert_is_not_critical():
    value = parse_result("<6.0")
    assert not critical_value(bounds_of(value, 1.0, 10.0, None), None, 6.0, "mmol/L").critical


def test_no_critical_limits_no_question():
    value = parse_result("9.5")
    assert not critical_value(bounds_of(value, 1.0, 10.0, None), None, None, "mmol/L").critical
