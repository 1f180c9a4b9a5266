"""Kidney: CKD-EPI 2021 eGFR, UPCR units and KDIGO 2024 renal response (spec/scoring.md §7).

eGFR is returned at full precision (round only for display). UPCR arithmetic is done on exact
fractions of the values as typed, so thresholds such as <0.5 g/g and a 50% fall compare exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from scoring.errors import ScoringInputError

CREATININE_UMOL_PER_MG_DL = 88.4  # spec §7.1: µmol/L ÷ 88.4 = mg/dL
CREATININE_G_PER_MOL = Fraction("113.12")  # spec §7.2
CREATININE_UNITS: tuple[str, ...] = ("mg/dL", "umol/L", "µmol/L")
SEXES: tuple[str, ...] = ("F", "M")

# g/g per unit of each UPCR unit (spec §7.2); mg/mmol uses creatinine 113.12 g/mol exactly.
UPCR_G_PER_G: dict[str, Fraction] = {
    "g/g": Fraction(1),
    "mg/mg": Fraction(1),
    "mg/g": Fraction(1, 1000),
    "mg/mmol": 1 / CREATININE_G_PER_MOL,
}
UPCR_UNITS: tuple[str, ...] = tuple(UPCR_G_PER_G)

_KAPPA = {"F": 0.7, "M": 0.9}
_ALPHA = {"F": -0.241, "M": -0.302}
_ALPHA_CR_CYS = {"F": -0.219, "M": -0.144}

KDIGO_CR_MAX_G_PER_G = Fraction(1, 2)  # complete: UPCR < 0.5 g/g
KDIGO_PR_MAX_G_PER_G = Fraction(3)  # partial: UPCR < 3 g/g and ≥50% fall
KDIGO_PR_MIN_FALL = Fraction(1, 2)
EGFR_TOLERANCE_DEFAULT = 0.10  # "±10–15% of baseline" [DESIGN: the stricter end]

Category = Literal["complete", "partial", "no_response", "not_evaluable"]


def _positive(field: str, value: float, allowed: str, *, zero_ok: bool = False) -> float:
    """A finite number > 0 (or ≥ 0 with `zero_ok`), else ScoringInputError naming `field`."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ScoringInputError(field, value, allowed)
    if value < 0 or (value == 0 and not zero_ok):
        raise ScoringInputError(field, value, allowed)
    return float(value)


def creatinine_mg_dl(creatinine: float, unit: str) -> float:
    """Serum creatinine in mg/dL from mg/dL or µmol/L (÷ 88.4), spec §7.1."""
    value = _positive("creatinine", creatinine, "a number > 0")
    normal = unit.strip().replace("μ", "u").replace("µ", "u") if isinstance(unit, str) else ""
    if normal.lower() == "mg/dl":
        return value
    if normal.lower() == "umol/l":
        return value / CREATININE_UMOL_PER_MG_DL
    raise ScoringInputError("unit", unit, CREATININE_UNITS)


def _check_sex_age(sex: str, age: float) -> str:
    """Validated sex code and adult age for the CKD-EPI equations."""
    if sex not in SEXES:
        raise ScoringInputError("sex", sex, SEXES)
    years = _positive("age", age, "years ≥ 18 (CKD-EPI is for adults)")
    if years < 18:
        raise ScoringInputError("age", age, "years ≥ 18 (CKD-EPI is for adults)")
    return sex


def egfr_ckd_epi_2021(creatinine: float, unit: str, age: float, sex: str) -> float:
    """CKD-EPI 2021 race-free creatinine eGFR, mL/min/1.73 m², full precision (spec §7.1)."""
    _check_sex_age(sex, age)
    ratio = creatinine_mg_dl(creatinine, unit) / _KAPPA[sex]
    egfr: float = 142 * min(ratio, 1) ** _ALPHA[sex] * max(ratio, 1) ** -1.200 * 0.9938**age
    return egfr * 1.012 if sex == "F" else egfr


def egfr_ckd_epi_2021_cr_cys(
    creatinine: float, unit: str, cystatin_c_mg_l: float, age: float, sex: str
) -> float:
    """CKD-EPI 2021 creatinine–cystatin C eGFR (spec §7.1); cystatin C in mg/L."""
    _check_sex_age(sex, age)
    ratio = creatinine_mg_dl(creatinine, unit) / _KAPPA[sex]
    cys = _positive("cystatin_c_mg_l", cystatin_c_mg_l, "a number > 0 (mg/L)") / 0.8
    egfr: float = (
        135
        * min(ratio, 1) ** _ALPHA_CR_CYS[sex]
        * max(ratio, 1) ** -0.544
        * min(cys, 1) ** -0.323
        * max(cys, 1) ** -0.778
        * 0.9961**age
    )
    return egfr * 0.963 if sex == "F" else egfr


def _upcr_fraction(value: float, unit: str) -> Fraction:
    """UPCR in g/g as an exact fraction of the value as typed."""
    number = _positive("upcr", value, "a number ≥ 0", zero_ok=True)
    if unit not in UPCR_G_PER_G:
        raise ScoringInputError("unit", unit, UPCR_UNITS)
    return Fraction(repr(number)) * UPCR_G_PER_G[unit]


def upcr_g_per_g(value: float, unit: str) -> float:
    """UPCR in g/g from g/g, mg/mg, mg/g or mg/mmol with the exact factors (spec §7.2)."""
    return float(_upcr_fraction(value, unit))


def convert_upcr(value: float, unit: str, to_unit: str) -> float:
    """UPCR converted between any two of g/g, mg/mg, mg/g, mg/mmol (spec §7.2)."""
    grams = _upcr_fraction(value, unit)
    if to_unit not in UPCR_G_PER_G:
        raise ScoringInputError("to_unit", to_unit, UPCR_UNITS)
    return float(grams / UPCR_G_PER_G[to_unit])


@dataclass(frozen=True, slots=True)
class Upcr:
    """A UPCR as entered: value and unit (spec Decisions: stored as entered)."""

    value: float
    unit: str

    @property
    def g_per_g(self) -> float:
        """The value in g/g."""
        return upcr_g_per_g(self.value, self.unit)


@dataclass(frozen=True, slots=True)
class KidneyResponse:
    """KDIGO 2024 complete/partial renal response vs baseline; tri-state flags (spec §7.3)."""

    category: Category
    complete: bool | None
    partial: bool | None
    upcr_change_pct: float | None
    egfr_change_pct: float | None
    reasons: tuple[str, ...]


def _egfr_stable(baseline: float, visit: float, tolerance: float) -> tuple[bool, float, str]:
    """Stable/improved iff visit ≥ baseline × (1 − tolerance), compared exactly."""
    base = Fraction(repr(_positive("baseline_egfr", baseline, "a number > 0")))
    now = Fraction(repr(_positive("visit_egfr", visit, "a number ≥ 0", zero_ok=True)))
    tol = Fraction(repr(tolerance))
    change = float((now - base) / base * 100)
    stable = now >= base * (1 - tol)
    verb = "stable/improved" if stable else "worse than"
    return stable, change, f"eGFR {change:+.1f}% vs baseline: {verb} −{float(tol * 100):g}% limit"


def _upcr_reasons(base: Fraction, now: Fraction) -> tuple[tuple[str, ...], float | None, bool]:
    """Reasons for the UPCR part, the % change (None from a zero baseline), and the PR test."""
    pct = float((now - base) / base * 100) if base else None
    fell = base > 0 and now <= base * (1 - KDIGO_PR_MIN_FALL)
    pr_upcr = fell and now < KDIGO_PR_MAX_G_PER_G
    change = "" if pct is None else f" ({pct:+.1f}%)"
    reasons = (
        f"UPCR {float(base):.3g} → {float(now):.3g} g/g{change}",
        f"UPCR {'<' if now < KDIGO_CR_MAX_G_PER_G else '≥'} 0.5 g/g",
        f"UPCR fall ≥50% and to < 3 g/g: {'yes' if pr_upcr else 'no'}",
    )
    return reasons, pct, pr_upcr


def kdigo_2024_response(
    baseline_upcr: Upcr | None,
    visit_upcr: Upcr | None,
    baseline_egfr: float | None,
    visit_egfr: float | None,
    *,
    egfr_tolerance: float = EGFR_TOLERANCE_DEFAULT,
) -> KidneyResponse:
    """Complete: UPCR <0.5 g/g; partial: ≥50% fall to <3 g/g; both need stable eGFR (§7.3).

    The 6–12-month timing is the caller's: at day 168 report it as an early response.
    """
    if not 0 <= egfr_tolerance < 1:
        raise ScoringInputError("egfr_tolerance", egfr_tolerance, "a fraction in [0, 1)")
    if baseline_upcr is None or visit_upcr is None or baseline_egfr is None or visit_egfr is None:
        inputs = {
            "baseline_upcr": baseline_upcr,
            "visit_upcr": visit_upcr,
            "baseline_egfr": baseline_egfr,
            "visit_egfr": visit_egfr,
        }
        why = tuple(f"missing input: {name}" for name, value in inputs.items() if value is None)
        return KidneyResponse("not_evaluable", None, None, None, None, why)
    base = _upcr_fraction(baseline_upcr.value, baseline_upcr.unit)
    now = _upcr_fraction(visit_upcr.value, visit_upcr.unit)
    stable, egfr_pct, egfr_reason = _egfr_stable(baseline_egfr, visit_egfr, egfr_tolerance)
    upcr_reasons, upcr_pct, pr_upcr = _upcr_reasons(base, now)
    complete = now < KDIGO_CR_MAX_G_PER_G and stable
    partial = not complete and pr_upcr and stable
    category: Category = "complete" if complete else "partial" if partial else "no_response"
    return KidneyResponse(
        category, complete, partial, upcr_pct, egfr_pct, (*upcr_reasons, egfr_reason)
    )
