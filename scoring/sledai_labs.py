"""Lab-driven SLEDAI-2K descriptor suggestions: hints for the investigator, never auto-ticked.

spec/scoring.md §1.1 [DESIGN] and the Decisions table: each definition carries attribution or
exclusion clauses (infection, stone, drug), so a lab value can only suggest a descriptor.
Thresholds are those of §1.1; UPCR is compared in g/g with the exact factor of §7.2.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from scoring.errors import ScoringInputError


@dataclass(frozen=True, slots=True)
class LabValue:
    """One lab result as entered: value, unit, reference range of the testing lab, optional text.

    `unit` None means the canonical unit of the test (10^9/L, /hpf, g/g, g/24h); `text` carries a
    qualitative result such as "positive" (urine casts). low/high are in the same unit as value.
    """

    value: float | None
    unit: str | None = None
    low: float | None = None
    high: float | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class LabEvidence:
    """The lab that triggered a suggestion and the rule it met, in words."""

    test_code: str
    lab: LabValue
    rule: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A descriptor the labs point to, the evidence, and what the investigator must confirm."""

    descriptor: str
    evidence: tuple[LabEvidence, ...]
    confirm: str
    reasons: tuple[str, ...]


_Check = Callable[[str, LabValue], str | None]

# Accepted spellings (after normalising case, spaces, ×, µ and superscripts) → factor to canonical.
# fmt: off
_COUNT_UNITS: Final = {"10^9/l": "1", "gi/l": "1", "10^3/ul": "1", "10^3/mm3": "1", "k/ul": "1",
                       "/mm3": "0.001", "/ul": "0.001", "cells/ul": "0.001", "cells/mm3": "0.001"}
_HPF_UNITS: Final = {"/hpf": "1", "hpf": "1", "cells/hpf": "1", "perhpf": "1"}
_UPCR_UNITS: Final = {"g/g": "1", "mg/mg": "1", "mg/g": "0.001", "mg/mmol": "1/113.12",
                      "g/mmol": "1000/113.12"}
_PROT24_UNITS: Final = {"g/24h": "1", "g/24hr": "1", "g/d": "1", "g/day": "1", "g": "1",
                        "mg/24h": "0.001", "mg/24hr": "0.001", "mg/d": "0.001", "mg/day": "0.001",
                        "mg": "0.001"}
# fmt: on
_POSITIVE: Final = frozenset({"positive", "pos", "present", "yes", "y", "+"})
_UNIT_SPELLING: Final = str.maketrans({"⁹": "^9", "³": "^3", "×": "x", "µ": "u", "μ": "u", " ": ""})


def _decimal(number: float) -> Decimal:
    """The decimal the number was typed as (no binary float error at thresholds)."""
    return Decimal(repr(float(number)))


def _text(number: Decimal) -> str:
    """Plain notation without trailing zeros (99000, not 9.9E+4)."""
    return format(number.normalize(), "f")


def _short(number: Decimal) -> str:
    """A converted value for display: exact when short, else "≈" and four decimals."""
    rounded = number.quantize(Decimal("0.0001"))
    return _text(number) if rounded == number else f"≈{_text(rounded)}"


def _factor(text: str) -> Decimal:
    """A conversion factor written as "n" or "n/d", computed in Decimal."""
    numerator, _, denominator = text.partition("/")
    return Decimal(numerator) / Decimal(denominator or "1")


def _canonical(code: str, lab: LabValue, units: Mapping[str, str]) -> Decimal | None:
    """The value in the canonical unit (None if no value); an unknown unit raises naming the lab."""
    if lab.value is None:
        return None
    if lab.unit is None:
        return _decimal(lab.value)
    spelled = lab.unit.translate(_UNIT_SPELLING).lower().replace("10*", "10^").removeprefix("x")
    if spelled not in units:
        raise ScoringInputError(f"labs[{code!r}].unit", lab.unit, units)
    return _decimal(lab.value) * _factor(units[spelled])


def _below_reference(code: str, lab: LabValue) -> str | None:
    """Strictly below the testing lab's lower limit (low complement, §1.1)."""
    if lab.value is None or lab.low is None or _decimal(lab.value) >= _decimal(lab.low):
        return None
    unit = f" {lab.unit}" if lab.unit else ""
    value, low = _text(_decimal(lab.value)), _text(_decimal(lab.low))
    return f"{code} {value}{unit} below reference low {low}{unit}"


def _above_reference(code: str, lab: LabValue) -> str | None:
    """Strictly above the testing lab's upper limit (anti-dsDNA, §1.1)."""
    if lab.value is None or lab.high is None or _decimal(lab.value) <= _decimal(lab.high):
        return None
    unit = f" {lab.unit}" if lab.unit else ""
    value, high = _text(_decimal(lab.value)), _text(_decimal(lab.high))
    return f"{code} {value}{unit} above reference high {high}{unit}"


def _threshold(units: Mapping[str, str], canonical: str, limit: str, below: bool) -> _Check:
    """A check against a fixed limit in the canonical unit: strictly below, or strictly above."""

    def check(code: str, lab: LabValue) -> str | None:
        """The rule in words if the lab meets it, else None."""
        value = _canonical(code, lab, units)
        if value is None or (value >= Decimal(limit) if below else value <= Decimal(limit)):
            return None
        sign = "<" if below else ">"
        entered = f"{_text(_decimal(lab.value or 0))} {lab.unit or canonical}"
        shown = (
            entered if lab.unit in (None, canonical) else f"{entered} ({_short(value)} {canonical})"
        )
        return f"{code} {shown} {sign} {limit} {canonical}"

    return check


def _casts(code: str, lab: LabValue) -> str | None:
    """Any cast count above 0 or a positive text result; the type is for the investigator."""
    positive_text = lab.text is not None and lab.text.strip().lower() in _POSITIVE
    if positive_text or (lab.value is not None and lab.value > 0):
        shown = lab.text if positive_text else _text(_decimal(lab.value or 0))
        return f"{code} {shown}: casts reported"
    return None


_COUNT_BELOW_100 = _threshold(_COUNT_UNITS, "10^9/L", "100", below=True)
_COUNT_BELOW_3 = _threshold(_COUNT_UNITS, "10^9/L", "3", below=True)
_HPF_ABOVE_5 = _threshold(_HPF_UNITS, "/hpf", "5", below=False)

# (descriptor, test code, check) in SLEDAI form order.
_RULES: Final[tuple[tuple[str, str, _Check], ...]] = (
    ("urinary_casts", "UCAST", _casts),
    ("hematuria", "URBC", _HPF_ABOVE_5),
    ("proteinuria", "UPCR", _threshold(_UPCR_UNITS, "g/g", "0.5", below=False)),
    ("proteinuria", "PROT24", _threshold(_PROT24_UNITS, "g/24h", "0.5", below=False)),
    ("pyuria", "UWBC", _HPF_ABOVE_5),
    ("low_complement", "C3", _below_reference),
    ("low_complement", "C4", _below_reference),
    ("low_complement", "CH50", _below_reference),
    ("increased_dna_binding", "DSDNA", _above_reference),
    ("thrombocytopenia", "PLAT", _COUNT_BELOW_100),
    ("leukopenia", "WBC", _COUNT_BELOW_3),
)

CONFIRM: Final[dict[str, str]] = {
    "urinary_casts": "only heme-granular or red-cell casts count",
    "hematuria": "exclude stone, infection and other causes",
    "proteinuria": "must be active, not fixed (damage) proteinuria; UPCR stands in for >0.5 g/24 h",
    "pyuria": "exclude infection",
    "low_complement": "attributable to SLE activity",
    "increased_dna_binding": "attributable to SLE activity",
    "thrombocytopenia": "exclude drug causes",
    "leukopenia": "exclude drug causes",
}
"""The attribution/exclusion clause of each lab-driven descriptor (spec §1.1)."""

TEST_CODES: Final[tuple[str, ...]] = tuple(dict.fromkeys(code for _, code, _ in _RULES))


def _check_lab(code: str, lab: object) -> LabValue:
    """The lab if it is a LabValue with finite, non-negative numbers; raise naming it otherwise."""
    if not isinstance(lab, LabValue):
        raise ScoringInputError(f"labs[{code!r}]", lab, "a LabValue")
    for name in ("value", "low", "high"):
        number = getattr(lab, name)
        valid = number is None or (
            isinstance(number, int | float)
            and not isinstance(number, bool)
            and math.isfinite(number)
            and number >= 0
        )
        if not valid:
            raise ScoringInputError(f"labs[{code!r}].{name}", number, "a finite number ≥ 0 or None")
    return lab


def suggest_from_labs(labs: Mapping[str, LabValue]) -> tuple[Suggestion, ...]:
    """Descriptors the entered labs suggest, with the triggering values; other tests are ignored.

    Test codes: C3, C4, CH50 (< reference low), DSDNA (> reference high), PLAT (< 100 × 10^9/L),
    WBC (< 3 × 10^9/L), URBC and UWBC (> 5 /hpf), UCAST (> 0 or positive), UPCR (> 0.5 g/g),
    PROT24 (> 0.5 g/24h).
    """
    found: dict[str, list[LabEvidence]] = {}
    for descriptor, code, check in _RULES:
        if code not in labs:
            continue
        lab = _check_lab(code, labs[code])
        rule = check(code, lab)
        if rule is not None:
            found.setdefault(descriptor, []).append(LabEvidence(code, lab, rule))
    return tuple(
        Suggestion(
            descriptor,
            tuple(evidence),
            CONFIRM[descriptor],
            (*(item.rule for item in evidence), f"confirm before ticking: {CONFIRM[descriptor]}"),
        )
        for descriptor, evidence in found.items()
    )
