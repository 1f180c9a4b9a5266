"""Exact decimal conversion for entered numbers (PGA, prednisone mg), so thresholds compare exactly.

spec/scoring.md Decisions ("PGA … comparisons are exact") and §3.1: a float such as 1.3 is read as
the decimal the user typed, never as its binary approximation.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from scoring.errors import ScoringInputError

Number = str | Decimal | int | float

_FLOAT_NOISE = 1e-9
_MEASURED_PLACES = 6


def exact_decimal(value: object, field: str, *, places: int = 2) -> Decimal:
    """Read `value` as a finite decimal with at most `places` decimals; raise naming `field`.

    Floats are read through their shortest repr; binary noise beyond `places`
    (1.2999999999999998) is rounded away, a genuine extra decimal (1.234) is refused.
    """
    allowed = f"a finite number with at most {places} decimal places"
    if isinstance(value, bool) or not isinstance(value, str | Decimal | int | float):
        raise ScoringInputError(field, value, allowed)
    number = _float_to_decimal(value, places) if isinstance(value, float) else _to_decimal(value)
    if number is None or not number.is_finite():
        raise ScoringInputError(field, value, allowed)
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        raise ScoringInputError(field, value, allowed)
    return number


def measured_decimal(value: object, field: str) -> Decimal:
    """A finite, non-negative measurement (e.g. prednisone mg/day) as a Decimal, any precision.

    Floats are rounded to 6 decimals first so binary noise (7.500000000000001) cannot cross a
    clinical threshold such as 7.5 mg/day.
    """
    allowed = "a finite number ≥ 0"
    if isinstance(value, bool) or not isinstance(value, str | Decimal | int | float):
        raise ScoringInputError(field, value, allowed)
    number = (
        _float_to_decimal(value, _MEASURED_PLACES)
        if isinstance(value, float)
        else _to_decimal(value)
    )
    if number is None or not number.is_finite() or number < 0:
        raise ScoringInputError(field, value, allowed)
    return number


def _to_decimal(value: str | Decimal | int) -> Decimal | None:
    """Decimal from a str, Decimal or int; None when the text is not a number."""
    try:
        return Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        return None


def _float_to_decimal(value: float, places: int) -> Decimal | None:
    """The decimal a float was typed as: its repr, or its rounding if only binary noise differs."""
    if value != value or value in (float("inf"), float("-inf")):
        return None
    rounded = round(value, places)
    if abs(value - rounded) <= _FLOAT_NOISE:
        return Decimal(repr(rounded))
    return Decimal(repr(value))
