"""A lab result as the report prints it: a number, or a bound (<0.5, >2000, BLQ); where it falls.

A qualified result is not a number. It is an interval of the values it can be: "<0.5" is every
value from the physiological floor up to (not including) 0.5; ">2000" every value above 2000 up to
the ceiling; "BLQ" is below the assay's lower limit of quantification (LLOQ), so "<LLOQ" when the
study definition gives one. The range flag and the critical-value test then ask whether the whole
interval lies on one side of a limit. When it does not, the answer is "cannot tell", said in the
reasons, never a guess: an unplaceable result gets no flag (SDTM LBNRIND left empty) and a result
that may be critical is treated as critical, because the cost of asking for an assessment is a
sentence and the cost of missing a potassium of 6.5 is a patient.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from scoring.errors import ScoringInputError
from scoring.labs import NRIND, RangeFlag

QUALIFIERS = ("<", ">", "BLQ")
BLQ_SPELLINGS = frozenset({"BLQ", "BLOQ", "<LLOQ", "<LOQ", "BQL"})
_DIGITS = r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_BOUND = re.compile(rf"([<>])({_DIGITS})")
_NUMBER = re.compile(rf"[+-]?{_DIGITS}")


@dataclass(frozen=True, slots=True)
class LabValue:
    """A result: `qualifier` None for an exact number, else "<", ">" or "BLQ" with its bound."""

    qualifier: str | None
    number: float | None

    @property
    def exact(self) -> bool:
        return self.qualifier is None

    def text(self) -> str:
        """The result as stored and shown: "4.2", "<0.5", ">2000", "BLQ"."""
        if self.qualifier == "BLQ" or self.number is None:
            return "BLQ"
        return f"{self.qualifier or ''}{plain(self.number)}"


def plain(number: float) -> str:
    """A number as typed: no trailing '.0', full float precision (never 1.23457e+06)."""
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def parse_result(text: str) -> LabValue:
    """A typed result: a number, "<x" or ">x" (spaces allowed), or BLQ (also BLOQ, <LLOQ).

    Raises ScoringInputError naming the accepted forms for anything else ("5..1", "≤3", and
    "1,5", whose comma could be a decimal or a thousands separator: refused, not guessed).
    """
    raw = text.strip().replace(" ", "") if isinstance(text, str) else ""
    if raw.upper() in BLQ_SPELLINGS:
        return LabValue("BLQ", None)
    if match := _BOUND.fullmatch(raw):
        return LabValue(match.group(1), _finite(match.group(2)))
    if _NUMBER.fullmatch(raw):
        return LabValue(None, _finite(raw))
    raise ScoringInputError("value", text, "a number, <number, >number or BLQ")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ScoringInputError("value", text, "a finite number, <number, >number or BLQ")
    return number


@dataclass(frozen=True, slots=True)
class Bounds:
    """The values a result can be: [low, high], each end open or closed, None = unbounded."""

    low: float | None
    high: float | None
    low_open: bool = False
    high_open: bool = False

    def surely_below(self, limit: float) -> bool:
        """Every value is < limit."""
        return self.high is not None and (
            self.high < limit or (self.high == limit and self.high_open)
        )

    def surely_above(self, limit: float) -> bool:
        """Every value is > limit."""
        return self.low is not None and (self.low > limit or (self.low == limit and self.low_open))

    def never_below(self, limit: float) -> bool:
        """No value is < limit."""
        return self.low is not None and self.low >= limit

    def never_above(self, limit: float) -> bool:
        """No value is > limit."""
        return self.high is not None and self.high <= limit


def bounds_of(
    value: LabValue, floor: float | None, ceiling: float | None, lloq: float | None
) -> Bounds | None:
    """The interval of a result between the physiological floor and ceiling; None for a BLQ
    without a known LLOQ (nothing but "low" is known of it)."""
    if value.qualifier is None:
        return Bounds(value.number, value.number)
    if value.qualifier == "<" or (value.qualifier == "BLQ" and lloq is not None):
        bound = value.number if value.qualifier == "<" else lloq
        return Bounds(floor, bound, high_open=True)
    if value.qualifier == ">":
        return Bounds(value.number, ceiling, low_open=True)
    return None


def placed_flag(
    value: LabValue, bounds: Bounds | None, low: float | None, high: float | None
) -> RangeFlag:
    """H, L or N when the whole interval is on one side of the reference range, else no flag.

    An exact value gives the ordinary flag (limits inclusive, as `scoring.labs.reference_flag`).
    """
    shown = value.text()
    if low is None and high is None:
        return RangeFlag(None, None, ("no reference range",))
    if bounds is None:
        return RangeFlag(
            None, None, (f"{shown}: no limit of quantification to place it against the range",)
        )
    if low is not None and bounds.surely_below(low):
        return RangeFlag("L", NRIND["L"], (f"{shown} is below the lower limit {low:g}",))
    if high is not None and bounds.surely_above(high):
        return RangeFlag("H", NRIND["H"], (f"{shown} is above the upper limit {high:g}",))
    inside_low = low is None or bounds.never_below(low)
    inside_high = high is None or bounds.never_above(high)
    if inside_low and inside_high:
        return RangeFlag("N", NRIND["N"], (f"{shown} is within the reference range",))
    return RangeFlag(None, None, (f"{shown} could be inside or outside the reference range",))


@dataclass(frozen=True, slots=True)
class Critical:
    """Whether a result is (or may be) a critical value, and the limit it reaches, in words."""

    critical: bool
    certain: bool
    reason: str | None


def critical_value(
    bounds: Bounds | None, critical_low: float | None, critical_high: float | None, unit: str
) -> Critical:
    """Critical when the result can be ≤ critical_low or ≥ critical_high (limits inclusive,
    as laboratories phrase them: "potassium ≥ 6.0 mmol/L"); `certain` when every value is.

    A BLQ without an LLOQ can be anything down to zero, so it may be critically low.
    """
    unit_text = f" {unit}" if unit else ""
    if critical_high is not None and bounds is not None and not bounds.surely_below(critical_high):
        certain = bounds.low is not None and bounds.low >= critical_high
        return Critical(True, certain, f"≥ {critical_high:g}{unit_text}")
    if critical_low is not None and (bounds is None or not bounds.surely_above(critical_low)):
        certain = bounds is not None and bounds.high is not None and bounds.high <= critical_low
        return Critical(True, certain, f"≤ {critical_low:g}{unit_text}")
    return Critical(False, False, None)
