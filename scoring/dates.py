"""Study day, visit windows and ISO 8601 partial dates (spec/records.md §4.3–4.4).

Study day follows SDTMIG: the reference date is day 1 and there is no day 0. Partial dates are
right-truncated ISO 8601 (`2025`, `2025-03`, `2025-03-04T09:15`) or have a hyphen in place of an
unknown month (`2025---15`); they are never imputed here, only bounded.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import re
from dataclasses import dataclass
from typing import Literal

from scoring.errors import ScoringInputError

_PARTIAL_RE = re.compile(
    r"^(?P<year>\d{4})"
    r"(?:-(?P<month>\d{2}|-)(?:-(?P<day>\d{2}))?)?"
    r"(?:T(?P<hour>\d{2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?)?$"
)
_PARTIAL_FORMS = (
    "YYYY, YYYY-MM, YYYY-MM-DD, YYYY---DD (unknown month), "
    "YYYY-MM-DDThh, YYYY-MM-DDThh:mm or YYYY-MM-DDThh:mm:ss"
)

WindowStatus = Literal["on_window", "early", "late"]


@dataclass(frozen=True, slots=True)
class PartialDate:
    """An ISO 8601 date/time known to some precision; `None` parts are unknown (records §4.3)."""

    year: int
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None

    def __post_init__(self) -> None:
        _check_structure(self)
        _check_ranges(self)

    @property
    def iso(self) -> str:
        """The ISO 8601 text, right-truncated, with `-` for an unknown month before a known day."""
        text = f"{self.year:04d}"
        if self.month is not None or self.day is not None:
            text += "-" + (f"{self.month:02d}" if self.month is not None else "-")
        if self.day is not None:
            text += f"-{self.day:02d}"
        parts = [p for p in (self.hour, self.minute, self.second) if p is not None]
        if parts:
            text += "T" + ":".join(f"{p:02d}" for p in parts)
        return text

    @property
    def is_complete_date(self) -> bool:
        """True when year, month and day are all known."""
        return self.month is not None and self.day is not None

    def earliest(self) -> dt.datetime:
        """The first instant this partial date/time could denote."""
        return dt.datetime(
            self.year,
            self.month or 1,
            self.day or 1,
            self.hour or 0,
            self.minute or 0,
            self.second or 0,
        )

    def latest(self) -> dt.datetime:
        """The last instant (to the microsecond) this partial date/time could denote."""
        month = self.month or 12
        day = self.day or _last_day(self.year, month, self.month is None)
        return dt.datetime(
            self.year,
            month,
            day,
            23 if self.hour is None else self.hour,
            59 if self.minute is None else self.minute,
            59 if self.second is None else self.second,
            999_999,
        )

    def could_be_before(self, moment: dt.date | dt.datetime) -> bool:
        """True if some instant of this partial date is before `moment` (a date compares by day)."""
        if isinstance(moment, dt.datetime):
            return self.earliest() < moment
        return self.earliest().date() < moment

    def could_be_on_or_after(self, moment: dt.date | dt.datetime) -> bool:
        """True if some instant of this partial date is on or after `moment`."""
        if isinstance(moment, dt.datetime):
            return self.latest() >= moment
        return self.latest().date() >= moment

    def certainly_before(self, moment: dt.date | dt.datetime) -> bool:
        """True only when every instant this partial date could denote is before `moment`."""
        return not self.could_be_on_or_after(moment)

    def certainly_on_or_after(self, moment: dt.date | dt.datetime) -> bool:
        """True only when every instant this partial date could denote is on or after `moment`."""
        return not self.could_be_before(moment)


def _last_day(year: int, month: int, month_unknown: bool) -> int:
    """Last day of the month; with an unknown month the day is bounded by December."""
    return 31 if month_unknown else calendar.monthrange(year, month)[1]


def parse_partial_date(text: str) -> PartialDate:
    """Parse and validate an ISO 8601 (partial) date/time; records §4.3. Rejects e.g. `2025-13`."""
    match = _PARTIAL_RE.match(text.strip()) if isinstance(text, str) else None
    if match is None or (match["month"] == "-" and match["day"] is None):
        raise ScoringInputError("date", text, _PARTIAL_FORMS)
    n = {k: None if v in (None, "-") else int(v) for k, v in match.groupdict().items()}
    return PartialDate(
        int(match["year"]), n["month"], n["day"], n["hour"], n["minute"], n["second"]
    )


def _check_structure(partial: PartialDate) -> None:
    """A time needs a complete date; minutes need hours; seconds need minutes."""
    time = (partial.hour, partial.minute, partial.second)
    if time[0] is not None and not partial.is_complete_date:
        raise ScoringInputError("date", partial.iso, "a time only after a complete date")
    if any(later is not None and earlier is None for earlier, later in itertools.pairwise(time)):
        raise ScoringInputError("date", partial.iso, "hh, hh:mm or hh:mm:ss")


def _check_ranges(partial: PartialDate) -> None:
    """Raise ScoringInputError naming the first out-of-range component."""
    text, month, day = partial.iso, partial.month, partial.day
    if not 1 <= partial.year <= 9999:
        raise ScoringInputError("date.year", text, "0001–9999")
    if month is not None and not 1 <= month <= 12:
        raise ScoringInputError("date.month", text, "01–12")
    if day is not None:
        last = 31 if month is None else calendar.monthrange(partial.year, month)[1]
        if not 1 <= day <= last:
            raise ScoringInputError("date.day", text, f"01–{last:02d}")
    limits = (("hour", partial.hour, 23), ("minute", partial.minute, 59))
    for name, value, top in (*limits, ("second", partial.second, 59)):
        if value is not None and not 0 <= value <= top:
            raise ScoringInputError(f"date.{name}", text, f"00–{top:02d}")


def _as_date(value: dt.date | str, field: str) -> dt.date:
    """A complete calendar date from a date, datetime (date part) or complete ISO 8601 text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        partial = parse_partial_date(value)
        if partial.is_complete_date:
            return partial.earliest().date()
    raise ScoringInputError(field, value, "a complete date (YYYY-MM-DD, date or datetime)")


def study_day(date: dt.date | str, reference_date: dt.date | str) -> int:
    """SDTM --DY: date − reference + 1 when on/after the reference, else date − reference.

    records §4.4: no day 0; computed on the date part only.
    """
    diff = (_as_date(date, "date") - _as_date(reference_date, "reference_date")).days
    return diff + 1 if diff >= 0 else diff


def date_of_study_day(day: int, reference_date: dt.date | str) -> dt.date:
    """The calendar date of a study day (inverse of `study_day`); day 0 does not exist."""
    if isinstance(day, bool) or not isinstance(day, int) or day == 0:
        raise ScoringInputError("day", day, "a non-zero integer study day (no day 0)")
    reference = _as_date(reference_date, "reference_date")
    return reference + dt.timedelta(days=day - 1 if day > 0 else day)


def _day_offset(day: int) -> int:
    """Calendar days from the reference date, so differences step over the missing day 0."""
    return day - 1 if day > 0 else day


@dataclass(frozen=True, slots=True)
class WindowResult:
    """Where a visit fell against its target day and window (study.md visit schedule)."""

    status: WindowStatus
    days_off: int
    actual_day: int
    target_day: int
    reasons: tuple[str, ...]


def visit_window(
    actual_day: int, target_day: int, minus_days: int, plus_days: int | None = None
) -> WindowResult:
    """Classify a visit as on window, early or late; `days_off` counts calendar days (no day 0).

    `days_off` is negative when early, positive when late, 0 when inside the window.
    """
    plus = minus_days if plus_days is None else plus_days
    for field, value in (("actual_day", actual_day), ("target_day", target_day)):
        if isinstance(value, bool) or not isinstance(value, int) or value == 0:
            raise ScoringInputError(field, value, "a non-zero integer study day (no day 0)")
    if minus_days < 0 or plus < 0:
        raise ScoringInputError("window", (minus_days, plus), "non-negative day counts")
    delta = _day_offset(actual_day) - _day_offset(target_day)
    window = f"day {target_day} (−{minus_days}/+{plus})"
    if delta < -minus_days:
        off = delta + minus_days
        return WindowResult(
            "early", off, actual_day, target_day, (f"{-off} day(s) before {window}",)
        )
    if delta > plus:
        off = delta - plus
        return WindowResult("late", off, actual_day, target_day, (f"{off} day(s) after {window}",))
    return WindowResult("on_window", 0, actual_day, target_day, (f"inside {window}",))
