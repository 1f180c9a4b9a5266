"""Flares between two visits: classic SELENA-SLEDAI Flare Index categories and BILAG flare.

spec/scoring.md §4.4 (SFI) and §2.6 (BILAG flare, Gordon 2003). S2K RI-50 (§1.6) is deliberately
absent: the spec forbids implementing it without the published data retrieval form.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

from scoring import bilag, pga
from scoring.decimals import Number, measured_decimal
from scoring.errors import ScoringInputError
from scoring.sledai import check_total

MILD_FEATURES: Final[dict[str, str]] = {
    "discoid": "discoid lupus",
    "photosensitive": "photosensitive rash",
    "profundus": "lupus profundus",
    "cutaneous_vasculitis": "cutaneous vasculitis",
    "bullous_lupus": "bullous lupus",
    "nasopharyngeal_ulcers": "nasopharyngeal ulcers",
    "pleuritis": "pleuritis",
    "pericarditis": "pericarditis",
    "arthritis": "arthritis",
    "sle_fever": "SLE fever",
}
"""New or worse manifestations that make a mild/moderate flare (spec §4.4)."""
SEVERE_FEATURES: Final[dict[str, str]] = {
    "cns_sle": "CNS-SLE",
    "vasculitis": "vasculitis",
    "nephritis": "nephritis",
    "myositis": "myositis",
    "platelets_below_60": "platelets <60,000/µL",
    "haemolytic_anaemia": "haemolytic anaemia (Hb <7 g/dL or a fall of about 3 g/dL) needing "
    "hospitalisation or more prednisone",
}
"""New or worse manifestations that make a severe flare (spec §4.4)."""
SEVERE_DRUGS: Final[tuple[str, ...]] = (
    "cyclophosphamide",
    "azathioprine",
    "methotrexate",
    "mycophenolate",
)
"""New drugs that make a severe flare; mycophenolate is in later SFI versions only [MEM]."""
PREDNISONE_SEVERE_MG_PER_KG: Final = Decimal("0.5")

Category = Literal["none", "mild_moderate", "severe"]
Criterion = tuple[Literal["mild_moderate", "severe"], str, bool | None, str]


@dataclass(frozen=True, slots=True)
class SfiResult:
    """SFI category (None = not evaluable), the criteria met, and those that could not be judged.

    With severe criteria unevaluable, a "mild_moderate" category is a lower bound (see reasons).
    """

    category: Category | None
    mild_moderate: tuple[str, ...]
    severe: tuple[str, ...]
    not_evaluated: tuple[str, ...]
    reasons: tuple[str, ...]


def _sledai_criteria(previous: int | None, current: int | None) -> list[Criterion]:
    """SELENA-SLEDAI rise ≥ 3 but not to > 12 (mild); rise to > 12 (severe)."""
    if previous is None or current is None:
        text = "SELENA-SLEDAI: previous or current score missing"
        return [
            ("mild_moderate", "sledai_rise", None, text),
            ("severe", "sledai_above_12", None, text),
        ]
    start, end = check_total(previous, "previous_sledai"), check_total(current, "current_sledai")
    mild = end - start >= 3 and end <= 12
    severe = end > 12 and end > start
    return [
        ("mild_moderate", "sledai_rise", mild, f"SELENA-SLEDAI {start} → {end}: rise ≥ 3 to ≤ 12"),
        ("severe", "sledai_above_12", severe, f"SELENA-SLEDAI {start} → {end}: rise to > 12"),
    ]


def _pga_criteria(previous: Number | None, current: Number | None) -> list[Criterion]:
    """PGA rise ≥ 1.0 but not to > 2.5 (mild); rise to > 2.5 (severe)."""
    start = pga.parse_optional(previous, "previous_pga")
    end = pga.parse_optional(current, "current_pga")
    if start is None or end is None:
        text = "PGA: previous or current value missing"
        return [("mild_moderate", "pga_rise", None, text), ("severe", "pga_above_2_5", None, text)]
    mild = end - start >= pga.SFI_MILD_INCREASE and end <= pga.SFI_SEVERE_ABOVE
    severe = end > pga.SFI_SEVERE_ABOVE and end > start
    return [
        ("mild_moderate", "pga_rise", mild, f"PGA {start} → {end}: rise ≥ 1.00 to ≤ 2.50"),
        ("severe", "pga_above_2_5", severe, f"PGA {start} → {end}: rise to > 2.50"),
    ]


def _prednisone_criteria(
    previous: Number | None, current: Number | None, weight_kg: Number | None
) -> list[Criterion]:
    """Prednisone raised, not to > 0.5 mg/kg/day (mild); raised to > 0.5 mg/kg/day (severe)."""
    if previous is None or current is None:
        text = "prednisone: previous or current dose missing"
        return [
            ("mild_moderate", "prednisone_rise", None, text),
            ("severe", "prednisone_above_half_mg_kg", None, text),
        ]
    start = measured_decimal(previous, "previous_prednisone_mg")
    end = measured_decimal(current, "current_prednisone_mg")
    shown = f"prednisone {start} → {end} mg/day"
    if end <= start:
        return [
            ("mild_moderate", "prednisone_rise", False, f"{shown}: not increased"),
            ("severe", "prednisone_above_half_mg_kg", False, f"{shown}: not increased"),
        ]
    if weight_kg is None:
        return [
            ("mild_moderate", "prednisone_rise", True, f"{shown}: increased (at least mild)"),
            ("severe", "prednisone_above_half_mg_kg", None, f"{shown}: weight missing"),
        ]
    weight = measured_decimal(weight_kg, "weight_kg")
    if weight == 0:
        raise ScoringInputError("weight_kg", weight_kg, "a weight > 0 kg")
    limit = PREDNISONE_SEVERE_MG_PER_KG * weight
    above = end > limit
    return [
        ("mild_moderate", "prednisone_rise", not above, f"{shown}: raised, ≤ {limit} mg/day"),
        ("severe", "prednisone_above_half_mg_kg", above, f"{shown}: raised to > {limit} mg/day"),
    ]


def _choices(values: Iterable[str], allowed: Iterable[str], field: str) -> tuple[str, ...]:
    """The given names, each checked against the allowed vocabulary."""
    known = tuple(allowed)
    if isinstance(values, str):
        raise ScoringInputError(field, values, "an iterable of names, not one string")
    for value in values:
        if value not in known:
            raise ScoringInputError(field, value, known)
    return tuple(values)


def _flag(value: object, field: str) -> bool:
    """An investigator-reported yes/no; anything but a bool raises naming `field`."""
    if not isinstance(value, bool):
        raise ScoringInputError(field, value, "True or False")
    return value


def _event_criteria(
    features: tuple[str, ...], drugs: tuple[str, ...], nsaid_or_hcq: bool, hospitalised: bool
) -> list[Criterion]:
    """The investigator-reported manifestations, new drugs and hospitalisation (spec §4.4)."""
    criteria: list[Criterion] = [
        ("mild_moderate", f"new_or_worse:{f}", True, f"new/worse {MILD_FEATURES[f]}")
        for f in features
        if f in MILD_FEATURES
    ]
    criteria += [
        ("severe", f"new_or_worse:{f}", True, f"new/worse {SEVERE_FEATURES[f]}")
        for f in features
        if f in SEVERE_FEATURES
    ]
    criteria += [("severe", f"new_drug:{d}", True, f"new {d}") for d in drugs]
    criteria.append(
        (
            "mild_moderate",
            "nsaid_or_hcq_added",
            nsaid_or_hcq,
            "NSAID or hydroxychloroquine added for SLE activity",
        )
    )
    criteria.append(("severe", "hospitalised_for_sle", hospitalised, "hospitalisation for SLE"))
    return criteria


def _summarise(criteria: list[Criterion]) -> SfiResult:
    """Category = the worst category with a met criterion; None if none met and some unknown."""
    mild = tuple(name for level, name, met, _ in criteria if met and level == "mild_moderate")
    severe = tuple(name for level, name, met, _ in criteria if met and level == "severe")
    unknown = tuple(name for _, name, met, _ in criteria if met is None)
    category: Category | None = "severe" if severe else "mild_moderate" if mild else "none"
    if category == "none" and unknown:
        category = None
    reasons = [
        f"{'met' if met else 'not met'}: {text}" for _, _, met, text in criteria if met is not None
    ]
    reasons += [f"not evaluable: {text}" for _, _, met, text in criteria if met is None]
    if category != "severe" and any(c[0] == "severe" and c[2] is None for c in criteria):
        reasons.append("severe criteria could not all be judged: category is a lower bound")
    summary = {
        None: "not evaluable",
        "none": "no flare",
        "mild_moderate": "mild/moderate flare",
        "severe": "severe flare",
    }[category]
    return SfiResult(category, mild, severe, unknown, (f"SFI: {summary}", *reasons))


def selena_flare_index(
    *,
    previous_sledai: int | None,
    current_sledai: int | None,
    previous_pga: Number | None,
    current_pga: Number | None,
    previous_prednisone_mg: Number | None,
    current_prednisone_mg: Number | None,
    weight_kg: Number | None = None,
    new_or_worse: Iterable[str] = (),
    new_drugs: Iterable[str] = (),
    nsaid_or_hcq_added: bool = False,
    hospitalised_for_sle: bool = False,
    severe_drugs: Iterable[str] = SEVERE_DRUGS,
) -> SfiResult:
    """Classic SFI category of the current vs the previous visit; any one criterion qualifies.

    Reported booleans and lists default to "nothing reported"; `severe_drugs` narrows the drug
    list (e.g. without mycophenolate for the original form).
    """
    counted = _choices(severe_drugs, SEVERE_DRUGS, "severe_drugs")
    features = _choices(new_or_worse, (*MILD_FEATURES, *SEVERE_FEATURES), "new_or_worse")
    drugs = _choices(new_drugs, SEVERE_DRUGS, "new_drugs")
    criteria = [
        *_sledai_criteria(previous_sledai, current_sledai),
        *_pga_criteria(previous_pga, current_pga),
        *_prednisone_criteria(previous_prednisone_mg, current_prednisone_mg, weight_kg),
        *_event_criteria(
            features,
            tuple(d for d in drugs if d in counted),
            _flag(nsaid_or_hcq_added, "nsaid_or_hcq_added"),
            _flag(hospitalised_for_sle, "hospitalised_for_sle"),
        ),
    ]
    return _summarise(criteria)


Severity = Literal["none", "moderate", "severe"]


@dataclass(frozen=True, slots=True)
class BilagFlare:
    """BILAG flare vs the previous visit: new A = severe, new B (after C, D or E) = moderate."""

    flare: bool
    severity: Severity
    new_a: tuple[str, ...]
    new_b: tuple[str, ...]
    reasons: tuple[str, ...]


def bilag_flare(previous: Mapping[str, str], current: Mapping[str, str]) -> BilagFlare:
    """A flare is a new A or B in ≥ 1 domain vs the previous visit (Gordon 2003, spec §2.6)."""
    new = bilag.new_grades(previous, current)
    severity: Severity = "severe" if new.new_a else "moderate" if new.new_b else "none"
    summary = "no BILAG flare" if severity == "none" else f"{severity} BILAG flare"
    return BilagFlare(severity != "none", severity, new.new_a, new.new_b, (summary, *new.reasons))
