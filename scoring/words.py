"""Plain words for the names a result carries: its criteria, its rules and its inputs.

Results keep short identifiers (`rule:withdrawal`, `visit_sledai`) because the listings,
the ADaM datasets and the tests match on them. People read these words instead: no screen
shows an identifier (#14), and the reasons a result gives are written with them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

CRITERIA: Final[dict[str, str]] = {
    "sledai": "SLEDAI-2K",
    "clinical_sledai": "clinical SLEDAI-2K",
    "new_features": "no new SLEDAI-2K features",
    "bilag": "no BILAG-2004 worsening",
    "bilag_baseline": "baseline BILAG-2004 A or B domain",
    "bilag_improvement": "BILAG-2004 improvement",
    "pga": "PGA",
    "prednisone": "prednisone-equivalent dose",
    "gi_haemolysis": "GI or haemolytic activity",
    "therapy": "background therapy",
}
"""Criteria of the composite indices (`scoring.verdict.Component.name`)."""

RULES: Final[dict[str, str]] = {
    "missing_assessment": "missing-visit rule",
    "rescue_therapy": "rescue-therapy rule",
    "steroid_above_baseline": "steroid-increase rule",
    "steroid_ceiling": "steroid-ceiling rule",
    "withdrawal": "withdrawal rule",
}
"""The study's non-response rules (`scoring.verdict.ALL_RULES`)."""

INPUTS: Final[dict[str, str]] = {
    "baseline_sledai": "baseline SLEDAI-2K",
    "visit_sledai": "visit SLEDAI-2K",
    "baseline_bilag": "baseline BILAG-2004 grades",
    "visit_bilag": "visit BILAG-2004 grades",
    "baseline_pga": "baseline PGA",
    "visit_pga": "visit PGA",
    "descriptors": "SLEDAI-2K descriptors",
    "previous_descriptors": "previous SLEDAI-2K descriptors",
    "pga": "PGA",
    "prednisone_mg": "prednisone-equivalent dose",
    "gi_or_haemolysis": "GI or haemolytic activity",
    "disallowed_therapy": "background therapy",
}
"""Inputs a result can lack (`scoring.verdict.ResponseResult.missing`)."""

RULE_PREFIX: Final = "rule:"


def criterion(name: str) -> str:
    """A criterion, rule or outcome name as words; an unknown name loses its underscores."""
    if name.startswith(RULE_PREFIX):
        return rule(name.removeprefix(RULE_PREFIX))
    return CRITERIA.get(name, name.replace("_", " "))


def rule(name: str) -> str:
    """A non-response rule as words."""
    return RULES.get(name, f"{name.replace('_', ' ')} rule")


def input_name(name: str) -> str:
    """A missing input as words; BILAG inputs may carry their absent domains in brackets."""
    head, bracket, rest = name.partition(" (")
    return INPUTS.get(head, head.replace("_", " ")) + (bracket + rest if bracket else "")


def criteria(names: Iterable[str]) -> str:
    """Several criteria, comma-separated."""
    return ", ".join(criterion(n) for n in names)


def inputs(names: Iterable[str]) -> str:
    """Several inputs, comma-separated."""
    return ", ".join(input_name(n) for n in names)
