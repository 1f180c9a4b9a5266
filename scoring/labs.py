"""Lab results: reference-range flag and exact unit conversions (records §4.1 LBNRIND, spec §7).

Conversions are limited to factors the spec gives (creatinine 88.4 µmol/L per mg/dL, §7.1) and
exact unit identities (g/dL = 10 g/L; mg/dL = 0.01 g/L; 10⁹/L = 10³/µL = 10³/mm³).
UPCR conversions live in `scoring.renal`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import Literal

from scoring.errors import ScoringInputError
from scoring.renal import CREATININE_UMOL_PER_MG_DL

Flag = Literal["H", "L", "N"]
NRIND: Mapping[str, str] = MappingProxyType({"H": "HIGH", "L": "LOW", "N": "NORMAL"})

# analyte -> unit -> how many of the analyte's standard unit one unit is (first unit = standard).
UNIT_FACTORS: Mapping[str, Mapping[str, Fraction]] = MappingProxyType(
    {
        "creatinine": MappingProxyType(
            {"umol/L": Fraction(1), "mg/dL": Fraction(repr(CREATININE_UMOL_PER_MG_DL))}
        ),
        "haemoglobin": MappingProxyType({"g/L": Fraction(1), "g/dL": Fraction(10)}),
        "complement": MappingProxyType({"g/L": Fraction(1), "mg/dL": Fraction(1, 100)}),
        "cell_count": MappingProxyType(
            {"10^9/L": Fraction(1), "/uL": Fraction(1, 1000), "/mm3": Fraction(1, 1000)}
        ),
    }
)
# C3 and C4 share the complement units; platelets and white cells the cell-count units.
ANALYTE_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "c3": "complement",
        "c4": "complement",
        "hemoglobin": "haemoglobin",
        "platelets": "cell_count",
        "wbc": "cell_count",
        "neutrophils": "cell_count",
        "lymphocytes": "cell_count",
    }
)
_UNIT_SPELLINGS = {"µ": "u", "μ": "u", "x10^9/l": "10^9/l", "×10^9/l": "10^9/l", "mm^3": "mm3"}


def _finite(field: str, value: float) -> float:
    """A finite real number, else ScoringInputError."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ScoringInputError(field, value, "a finite number")
    return float(value)


@dataclass(frozen=True, slots=True)
class RangeFlag:
    """H/L/N against the reference range, or None when no range applies; LBNRIND text."""

    flag: Flag | None
    nrind: str | None
    reasons: tuple[str, ...]


def reference_flag(value: float, low: float | None, high: float | None) -> RangeFlag:
    """L below `low`, H above `high`, N inside [low, high] (limits inclusive); one-sided allowed."""
    number = _finite("value", value)
    lo = None if low is None else _finite("low", low)
    hi = None if high is None else _finite("high", high)
    if lo is None and hi is None:
        return RangeFlag(None, None, ("no reference range",))
    if lo is not None and hi is not None and lo > hi:
        raise ScoringInputError("low", low, f"a lower limit ≤ high ({high})")
    if lo is not None and number < lo:
        return RangeFlag("L", NRIND["L"], (f"{number:g} < lower limit {lo:g}",))
    if hi is not None and number > hi:
        return RangeFlag("H", NRIND["H"], (f"{number:g} > upper limit {hi:g}",))
    bounds = f"[{'-∞' if lo is None else f'{lo:g}'}, {'∞' if hi is None else f'{hi:g}'}]"
    return RangeFlag("N", NRIND["N"], (f"{number:g} within {bounds}",))


def _analyte(analyte: str) -> Mapping[str, Fraction]:
    """The unit table of an analyte (aliases such as C3, platelets accepted, any case)."""
    key = analyte.strip().lower() if isinstance(analyte, str) else ""
    key = ANALYTE_ALIASES.get(key, key)
    if key not in UNIT_FACTORS:
        raise ScoringInputError("analyte", analyte, sorted((*UNIT_FACTORS, *ANALYTE_ALIASES)))
    return UNIT_FACTORS[key]


def _unit(field: str, unit: str, table: Mapping[str, Fraction]) -> Fraction:
    """The factor of a unit, matched case-insensitively with µ/μ/u and ×10^9 spellings."""
    text = unit.strip().lower().replace(" ", "") if isinstance(unit, str) else ""
    for spelling, plain in _UNIT_SPELLINGS.items():
        text = text.replace(spelling, plain)
    for known, factor in table.items():
        if known.lower() == text:
            return factor
    raise ScoringInputError(field, unit, tuple(table))


def convert(analyte: str, value: float, from_unit: str, to_unit: str) -> float:
    """Convert a lab value between units of the same analyte with exact factors."""
    table = _analyte(analyte)
    number = Fraction(repr(_finite("value", value)))
    source = _unit("from_unit", from_unit, table)
    target = _unit("to_unit", to_unit, table)
    return float(number * source / target)


def standard_unit(analyte: str) -> str:
    """The standard (SI) unit used for an analyte's LBSTRESU."""
    return next(iter(_analyte(analyte)))
