"""Physician Global Assessment (SELENA-SLEDAI PGA, 0–3): exact parsing, anchors and change.

spec/scoring.md §5 and Decisions: stored as an exact decimal with two places (0.00–3.00); every
downstream threshold (SRI 0.30, LLDAS ≤1, DORIS <0.5, SFI +1.0 / >2.5) compares exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from scoring.decimals import Number, exact_decimal
from scoring.errors import ScoringInputError

MINIMUM = Decimal("0.00")
MAXIMUM = Decimal("3.00")
HUNDREDTH = Decimal("0.01")

ANCHORS: tuple[tuple[Decimal, str], ...] = (
    (Decimal("0.00"), "none"),
    (Decimal("1.00"), "mild"),
    (Decimal("2.00"), "moderate"),
    (Decimal("3.00"), "severe"),
)
"""The four anchors printed on the line (spec §5): 0 none, 1 mild, 2 moderate, 3 severe activity."""

SRI_WORSENING = Decimal("0.30")
"""SRI/BICLA: an increase of this much or more is a PGA worsening (spec §3.1, §4.1)."""
LLDAS_MAXIMUM = Decimal("1.00")
"""LLDAS criterion 3: PGA ≤ 1 (spec §4.2)."""
DORIS_BELOW = Decimal("0.50")
"""DORIS 2021: PGA strictly below 0.5 (spec §4.3)."""
SFI_MILD_INCREASE = Decimal("1.00")
"""SELENA flare index: an increase ≥ 1.0 is a mild/moderate flare (spec §4.4)."""
SFI_SEVERE_ABOVE = Decimal("2.50")
"""SELENA flare index: an increase to > 2.5 is a severe flare (spec §4.4)."""

_ALLOWED = "a number from 0.00 to 3.00 with at most two decimals (str, Decimal, int or float)"


def parse(value: Number, field: str = "pga") -> Decimal:
    """The PGA as an exact two-decimal Decimal in 0.00–3.00; raise naming `field` otherwise (§5)."""
    try:
        number = exact_decimal(value, field)
    except ScoringInputError:
        raise ScoringInputError(field, value, _ALLOWED) from None
    if not MINIMUM <= number <= MAXIMUM:
        raise ScoringInputError(field, value, _ALLOWED)
    return abs(number).quantize(HUNDREDTH)


def parse_optional(value: Number | None, field: str = "pga") -> Decimal | None:
    """`parse`, passing None (not recorded) through so callers can report "not evaluable"."""
    return None if value is None else parse(value, field)


def describe(value: Number) -> str:
    """The anchor label at the value, or the two anchors it lies between (display only, §5)."""
    number = parse(value)
    for (low, low_name), (high, high_name) in pairwise(ANCHORS):
        if number == low:
            return low_name
        if number < high:
            return f"between {low_name} and {high_name}"
    return ANCHORS[-1][1]


@dataclass(frozen=True, slots=True)
class PgaChange:
    """Visit minus baseline PGA, exact to the hundredth, with the SRI worsening flag (§3.1)."""

    baseline: Decimal
    visit: Decimal
    change: Decimal
    worsened: bool
    reasons: tuple[str, ...]


def change(baseline: Number, visit: Number) -> PgaChange:
    """Change from baseline; `worsened` iff the increase is ≥ 0.30 (spec §3.1)."""
    start = parse(baseline, "baseline_pga")
    end = parse(visit, "visit_pga")
    delta = end - start
    worsened = delta >= SRI_WORSENING
    verdict = "worsening (≥ +0.30)" if worsened else "no worsening (< +0.30)"
    reason = f"PGA {start} → {end}: change {delta:+} is {verdict}"
    return PgaChange(start, end, delta, worsened, (reason,))
