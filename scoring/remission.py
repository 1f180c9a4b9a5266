"""Single-visit states: Lupus Low Disease Activity State (LLDAS) and DORIS 2021 remission.

spec/scoring.md §4.2 (Franklyn 2016) and §4.3 (van Vollenhoven 2021); prednisone is the current
prednisone-equivalent dose on the assessment date (§6.2), compared exactly (7.5 yes, 7.6 no).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Final

from scoring import pga as pga_module
from scoring.decimals import Number, measured_decimal
from scoring.errors import ScoringInputError
from scoring.sledai import SEROLOGICAL, WEIGHTS, check_descriptors
from scoring.verdict import (
    ATTAINMENT_RULES,
    DEFAULT_RULES,
    NO_EVENTS,
    Component,
    IntercurrentEvents,
    NonResponseRules,
    ResponseResult,
    decide,
    rule_components,
)

LLDAS_MAJOR: Final[frozenset[str]] = frozenset(
    {
        "seizure", "psychosis", "organic_brain_syndrome", "visual_disturbance",
        "cranial_nerve_disorder", "lupus_headache", "cva", "vasculitis",
        "urinary_casts", "hematuria", "proteinuria", "pyuria",
        "pleurisy", "pericarditis", "fever",
    }
)  # fmt: skip
"""SLEDAI descriptors 1–8, 11–14, 18–19 and 22 that exclude LLDAS (spec §4.2 [DESIGN])."""
LLDAS_MAX_SLEDAI: Final = 4
LLDAS_MAX_PREDNISONE: Final = Decimal("7.5")
DORIS_MAX_PREDNISONE: Final = Decimal("5")


def _flag(value: object, field: str) -> bool | None:
    """A yes/no input that may be unknown (None); anything else raises naming `field`."""
    if value is None or isinstance(value, bool):
        return value
    raise ScoringInputError(field, value, "True, False or None")


def _descriptors(present: Iterable[str] | None, field: str) -> tuple[str, ...] | None:
    """Validated descriptor keys, or None when the SLEDAI was not recorded."""
    return None if present is None else check_descriptors(present, field)


def _sledai_low(present: tuple[str, ...] | None) -> Component:
    """LLDAS 1a: SLEDAI-2K ≤ 4 without major-organ activity; serology alone is allowed."""
    if present is None:
        return Component("sledai", None, "SLEDAI: descriptors missing")
    total = sum(WEIGHTS[d] for d in present)
    major = [d for d in present if d in LLDAS_MAJOR]
    met = total <= LLDAS_MAX_SLEDAI and not major
    shown = f"; major-organ activity: {', '.join(major)}" if major else ""
    return Component("sledai", met, f"SLEDAI-2K {total} (LLDAS needs ≤ 4, no major organ){shown}")


def _other_activity(gi_or_haemolysis: bool | None) -> Component:
    """LLDAS 1b: no haemolytic anaemia or GI activity (e.g. BILAG items 56–64, 96)."""
    if gi_or_haemolysis is None:
        return Component("gi_haemolysis", None, "GI/haemolysis activity: not recorded")
    text = "present" if gi_or_haemolysis else "none"
    return Component("gi_haemolysis", not gi_or_haemolysis, f"GI or haemolytic activity: {text}")


def _no_new_features(
    present: tuple[str, ...] | None, previous: tuple[str, ...] | None, new_bilag: bool | None
) -> Component:
    """LLDAS 2: no SLEDAI descriptor absent at the previous assessment; no new BILAG activity."""
    if present is None or previous is None:
        return Component("new_features", None, "new features: this or previous SLEDAI missing")
    new = [d for d in present if d not in previous]
    if new or new_bilag:
        listed = ", ".join([*new, *(["new BILAG activity"] if new_bilag else [])])
        return Component("new_features", False, f"new since previous assessment: {listed}")
    bilag_note = "BILAG not considered" if new_bilag is None else "no new BILAG activity"
    return Component("new_features", True, f"no new SLEDAI descriptor; {bilag_note}")


def _pga_at_most(value: Number | None, limit: Decimal, strict: bool) -> Component:
    """PGA ≤ limit (LLDAS) or < limit (DORIS), exact to the hundredth (spec §5)."""
    score = pga_module.parse_optional(value, "pga")
    if score is None:
        return Component("pga", None, "PGA: missing")
    met = score < limit if strict else score <= limit
    sign = ("<" if met else "≥") if strict else ("≤" if met else ">")
    return Component("pga", met, f"PGA {score} {sign} {limit}")


def _prednisone_at_most(value: Number | None, limit: Decimal) -> Component:
    """Current prednisone-equivalent dose ≤ limit mg/day (spec §4.2–4.3, §6.2)."""
    if value is None:
        return Component("prednisone", None, "prednisone-equivalent dose: missing")
    dose = measured_decimal(value, "prednisone_mg")
    met = dose <= limit
    return Component("prednisone", met, f"prednisone {dose} mg/day {'≤' if met else '>'} {limit}")


def _therapy(disallowed: bool | None, allowed_text: str, record: str = "") -> Component:
    """Background therapy within what the definition allows (LLDAS 5; DORIS "stable")."""
    if disallowed is None:
        return Component("therapy", None, "background therapy: not recorded")
    state = "outside" if disallowed else "within"
    which = f" ({record})" if disallowed and record else ""
    text = f"therapy {state} what is allowed: {allowed_text}{which}"
    return Component("therapy", not disallowed, text)


def lldas(
    *,
    descriptors: Iterable[str] | None,
    previous_descriptors: Iterable[str] | None,
    pga: Number | None,
    prednisone_mg: Number | None,
    gi_or_haemolysis: bool | None,
    new_bilag_activity: bool | None = None,
    disallowed_therapy: bool | None = False,
    events: IntercurrentEvents = NO_EVENTS,
    rules: NonResponseRules = DEFAULT_RULES,
) -> ResponseResult:
    """LLDAS (spec §4.2): SLEDAI-2K ≤ 4 without major organ, GI or haemolytic activity, no new
    features, PGA ≤ 1, prednisone ≤ 7.5 mg/day, standard maintenance therapy only; not attained
    once a §3.3 rule (steroid increase, withdrawal) fired."""
    present = _descriptors(descriptors, "descriptors")
    previous = _descriptors(previous_descriptors, "previous_descriptors")
    gi = _flag(gi_or_haemolysis, "gi_or_haemolysis")
    new_bilag = _flag(new_bilag_activity, "new_bilag_activity")
    disallowed = _flag(disallowed_therapy, "disallowed_therapy")
    inputs = {
        "descriptors": present,
        "previous_descriptors": previous,
        "pga": pga,
        "prednisone_mg": prednisone_mg,
        "gi_or_haemolysis": gi,
        "disallowed_therapy": disallowed,
    }
    components = (
        _sledai_low(present),
        _other_activity(gi),
        _no_new_features(present, previous, new_bilag),
        _pga_at_most(pga, pga_module.LLDAS_MAXIMUM, strict=False),
        _prednisone_at_most(prednisone_mg, LLDAS_MAX_PREDNISONE),
        _therapy(
            disallowed,
            "maintenance immunosuppressants, approved biologics",
            events.record_of("rescue_therapy"),
        ),
        *rule_components(events, rules, ATTAINMENT_RULES),
    )
    missing = [name for name, v in inputs.items() if v is None]
    return decide("LLDAS", components, missing, outcome=("in LLDAS", "not in LLDAS"))


def doris(
    *,
    descriptors: Iterable[str] | None,
    pga: Number | None,
    prednisone_mg: Number | None,
    disallowed_therapy: bool | None = False,
    events: IntercurrentEvents = NO_EVENTS,
    rules: NonResponseRules = DEFAULT_RULES,
) -> ResponseResult:
    """DORIS 2021 remission (spec §4.3): clinical SLEDAI 0 (serology ignored), PGA < 0.5,
    prednisone ≤ 5 mg/day, stable antimalarials/immunosuppressants/biologics only; not attained
    once a §3.3 rule (steroid increase, withdrawal) fired."""
    present = _descriptors(descriptors, "descriptors")
    disallowed = _flag(disallowed_therapy, "disallowed_therapy")
    if present is None:
        clinical = Component("clinical_sledai", None, "SLEDAI: descriptors missing")
    else:
        active = [d for d in present if d not in SEROLOGICAL]
        score = sum(WEIGHTS[d] for d in active)
        shown = f" ({', '.join(active)})" if active else " (serology ignored)"
        clinical = Component("clinical_sledai", score == 0, f"clinical SLEDAI {score}{shown}")
    inputs = {
        "descriptors": present,
        "pga": pga,
        "prednisone_mg": prednisone_mg,
        "disallowed_therapy": disallowed,
    }
    components = (
        clinical,
        _pga_at_most(pga, pga_module.DORIS_BELOW, strict=True),
        _prednisone_at_most(prednisone_mg, DORIS_MAX_PREDNISONE),
        _therapy(
            disallowed,
            "stable antimalarials, immunosuppressants, biologics",
            events.record_of("rescue_therapy"),
        ),
        *rule_components(events, rules, ATTAINMENT_RULES),
    )
    missing = [name for name, v in inputs.items() if v is None]
    return decide("DORIS 2021", components, missing, outcome=("remission", "not in remission"))
