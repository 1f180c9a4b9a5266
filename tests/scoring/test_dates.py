"""Study day, visit windows and ISO 8601 partial dates (spec/records.md §4.3–4.4)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.dates import (
    PartialDate,
    date_of_study_day,
    parse_partial_date,
    study_day,
    visit_window,
)
from scoring.errors import ScoringInputError

pytestmark = pytest.mark.req("SCO-DATES")

REF = dt.date(2025, 3, 4)


# --- study day (records §4.4 examples) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2025, 3, 4), 1),
        (dt.date(2025, 3, 5), 2),
        (dt.date(2025, 3, 3), -1),
        (dt.date(2025, 2, 25), -7),
        (dt.date(2025, 8, 18), 168),
    ],
)
def test_study_day_spec_examples(day: dt.date, expected: int) -> None:
    assert study_day(day, REF) == expected


def test_study_day_uses_date_part_and_iso_text() -> None:
    assert study_day(dt.datetime(2025, 3, 4, 23, 59), dt.datetime(2025, 3, 4, 8, 0)) == 1
    assert study_day("2025-03-03T23:00", "2025-03-04") == -1
    assert study_day(date=dt.date(2025, 3, 5), reference_date=REF) == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"date": "2025-03", "reference_date": REF}, "date"),
        ({"date": REF, "reference_date": "2025"}, "reference_date"),
        ({"date": 20250304, "reference_date": REF}, "date"),
        ({"date": "2025-13-01", "reference_date": REF}, "date.month"),
    ],
)
def test_study_day_rejects_incomplete_dates(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ScoringInputError) as info:
        study_day(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field
    assert field in str(info.value)


def test_date_of_study_day_inverse_examples() -> None:
    assert date_of_study_day(1, REF) == REF
    assert date_of_study_day(168, "2025-03-04") == dt.date(2025, 8, 18)
    assert date_of_study_day(-1, REF) == dt.date(2025, 3, 3)


@pytest.mark.parametrize("bad", [0, True, 1.0])
def test_date_of_study_day_has_no_day_zero(bad: object) -> None:
    with pytest.raises(ScoringInputError, match="day"):
        date_of_study_day(bad, REF)  # type: ignore[arg-type]


dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31))


@given(dates, dates)
def test_study_day_is_never_zero_and_round_trips(day: dt.date, ref: dt.date) -> None:
    number = study_day(day, ref)
    assert number != 0
    assert (number > 0) == (day >= ref)
    assert date_of_study_day(number, ref) == day


@given(dates, dates, dates)
def test_study_day_is_monotone(a: dt.date, b: dt.date, ref: dt.date) -> None:
    if a <= b:
        assert study_day(a, ref) <= study_day(b, ref)


# --- visit windows (study.md schedule) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "status", "off"),
    [
        (11, "early", -1),
        (12, "on_window", 0),
        (14, "on_window", 0),
        (16, "on_window", 0),
        (17, "late", 1),
        (20, "late", 4),
        (-1, "early", -12),
    ],
)
def test_visit_window_day14_plus_minus_2(actual: int, status: str, off: int) -> None:
    result = visit_window(actual, 14, 2)
    assert (result.status, result.days_off) == (status, off)
    assert result.reasons


def test_visit_window_steps_over_missing_day_zero() -> None:
    assert visit_window(-1, 1, 0).days_off == -1
    assert visit_window(-1, 1, 1).status == "on_window"
    assert visit_window(1, -1, 1).status == "on_window"
    assert visit_window(2, -1, 1).days_off == 1
    assert visit_window(1, -1, 0).days_off == 1


def test_visit_window_asymmetric_screening() -> None:
    assert visit_window(-28, -1, 27, 0).status == "on_window"
    assert visit_window(-29, -1, 27, 0).days_off == -1
    assert visit_window(1, -1, 27, 0).days_off == 1


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((0, 14, 2), "actual_day"),
        ((14, 0, 2), "target_day"),
        ((True, 14, 2), "actual_day"),
        ((14, 14, -1), "window"),
        ((14, 14, 1, -2), "window"),
    ],
)
def test_visit_window_rejects_bad_input(args: tuple[int, ...], field: str) -> None:
    with pytest.raises(ScoringInputError) as info:
        visit_window(*args)
    assert info.value.field == field


# --- partial dates (records §4.3) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("2025", (2025, None, None, None, None, None)),
        ("2025-03", (2025, 3, None, None, None, None)),
        ("2025-03-04", (2025, 3, 4, None, None, None)),
        ("2025---15", (2025, None, 15, None, None, None)),
        ("2025-03-04T09", (2025, 3, 4, 9, None, None)),
        ("2025-03-04T09:15", (2025, 3, 4, 9, 15, None)),
        ("2025-03-04T09:15:30", (2025, 3, 4, 9, 15, 30)),
        ("2024-02-29", (2024, 2, 29, None, None, None)),
        (" 2025-03 ", (2025, 3, None, None, None, None)),
    ],
)
def test_parse_partial_date_valid(text: str, parts: tuple[int | None, ...]) -> None:
    parsed = parse_partial_date(text)
    assert parsed == PartialDate(*parts)  # type: ignore[arg-type]
    assert parsed.iso == text.strip()


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("2025-13", "date.month"),
        ("2025-00", "date.month"),
        ("2025-02-29", "date.day"),
        ("2025-04-31", "date.day"),
        ("2025-03-00", "date.day"),
        ("2025---32", "date.day"),
        ("0000", "date.year"),
        ("2025-03-04T24:00", "date.hour"),
        ("2025-03-04T23:60", "date.minute"),
        ("2025-03-04T23:59:60", "date.second"),
        ("2025-", "date"),
        ("2025--", "date"),
        ("2025-3", "date"),
        ("25", "date"),
        ("", "date"),
        ("2025-03T10", "date"),
        ("2025---15T10:00", "date"),
        ("2025T10", "date"),
        ("2025-03-04T09:15Z", "date"),
        ("March 2025", "date"),
    ],
)
def test_parse_partial_date_rejects(text: str, field: str) -> None:
    with pytest.raises(ScoringInputError) as info:
        parse_partial_date(text)
    assert info.value.field == field
    assert repr(text) in str(info.value)


@pytest.mark.parametrize(
    ("parts", "field"),
    [
        ((2025, 13), "date.month"),
        ((10000,), "date.year"),
        ((2025, 2, 30), "date.day"),
        ((2025, 3, 4, None, 5), "date"),
        ((2025, 3, 4, 10, None, 5), "date"),
        ((2025, 3, None, 10), "date"),
    ],
)
def test_partial_date_constructor_validates(parts: tuple[int | None, ...], field: str) -> None:
    with pytest.raises(ScoringInputError) as info:
        PartialDate(*parts)  # type: ignore[arg-type]
    assert info.value.field == field


def test_parse_partial_date_rejects_non_text() -> None:
    with pytest.raises(ScoringInputError, match="date"):
        parse_partial_date(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("2025", dt.datetime(2025, 1, 1), dt.datetime(2025, 12, 31, 23, 59, 59, 999_999)),
        ("2024-02", dt.datetime(2024, 2, 1), dt.datetime(2024, 2, 29, 23, 59, 59, 999_999)),
        ("2025-02", dt.datetime(2025, 2, 1), dt.datetime(2025, 2, 28, 23, 59, 59, 999_999)),
        ("2025---15", dt.datetime(2025, 1, 15), dt.datetime(2025, 12, 15, 23, 59, 59, 999_999)),
        ("2025-03-04T09", dt.datetime(2025, 3, 4, 9), dt.datetime(2025, 3, 4, 9, 59, 59, 999_999)),
        ("2025-03-04T09:15:30", dt.datetime(2025, 3, 4, 9, 15, 30), None),
    ],
)
def test_partial_date_bounds(text: str, earliest: dt.datetime, latest: dt.datetime | None) -> None:
    parsed = parse_partial_date(text)
    assert parsed.earliest() == earliest
    expected_latest = latest or earliest.replace(microsecond=999_999)
    assert parsed.latest() == expected_latest


def test_partial_date_comparisons_by_date_and_datetime() -> None:
    march = parse_partial_date("2025-03")
    assert march.could_be_before(dt.date(2025, 3, 2))
    assert not march.could_be_before(dt.date(2025, 3, 1))
    assert march.could_be_on_or_after(dt.date(2025, 3, 31))
    assert not march.could_be_on_or_after(dt.date(2025, 4, 1))
    assert march.certainly_before(dt.date(2025, 4, 1))
    assert march.certainly_on_or_after(dt.date(2025, 3, 1))
    assert not march.certainly_on_or_after(dt.datetime(2025, 3, 1, 0, 1))
    day = parse_partial_date("2025-03-04")
    dose = dt.datetime(2025, 3, 4, 10, 0)
    assert day.could_be_before(dose) and day.could_be_on_or_after(dose)
    assert not day.certainly_before(dose) and not day.certainly_on_or_after(dose)
    assert parse_partial_date("2025-03-04T10:00").certainly_on_or_after(dose)
    assert parse_partial_date("2025-03-04T09:59").certainly_before(dose)
    assert not parse_partial_date("2025").is_complete_date


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    moment = draw(
        st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1))
    )
    level = draw(st.integers(min_value=0, max_value=6))
    if level == 6:
        return PartialDate(moment.year, None, moment.day)
    parts = [moment.month, moment.day, moment.hour, moment.minute, moment.second]
    kept = [p if i < level else None for i, p in enumerate(parts)]
    return PartialDate(moment.year, *kept)


@given(partial_dates())
def test_partial_date_iso_round_trips_and_bounds_are_ordered(partial: PartialDate) -> None:
    assert parse_partial_date(partial.iso) == partial
    assert partial.earliest() <= partial.latest()
    assert partial.could_be_on_or_after(partial.earliest())
    assert not partial.could_be_before(partial.earliest())
