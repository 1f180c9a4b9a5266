"""Responder indices against the subject's baseline: SRI-k (k = 4…8) and BICLA; LLDAS and DORIS.

spec/scoring.md §3 (SRI), §4.1 (BICLA), §3.3 (non-response rules); LLDAS and DORIS 2021 (§4.2–4.3)
live in scoring/remission.py and are re-exported here. Every result is a `ResponseResult`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Final

from scoring import bilag, pga, words
from scoring.decimals import Number
from scoring.errors import ScoringInputError
from scoring.remission import doris, lldas
from scoring.sledai import check_total
from scoring.verdict import (
    DEFAULT_RULES,
    NO_EVENTS,
    Component,
    IntercurrentEvents,
    NonResponseRules,
    ResponseResult,
    decide,
    rule_components,
)

__all__ = [
    "SRI_K",
    "Component",
    "IntercurrentEvents",
    "NonResponseRules",
    "ResponseResult",
    "bicla",
    "doris",
    "lldas",
    "sri",
]

SRI_K: Final[tuple[int, ...]] = (4, 5, 6, 7, 8)
"""The SLEDAI reductions of SRI-4 … SRI-8 (spec §3.2)."""

_Inputs = tuple[Component, list[str]]


def _totals(baseline: int | None, visit: int | None) -> tuple[int | None, int | None, list[str]]:
    """Validated SLEDAI totals (None passes through) and the names of the missing ones."""
    start = None if baseline is None else check_total(baseline, "baseline_sledai")
    end = None if visit is None else check_total(visit, "visit_sledai")
    missing = [n for n, v in (("baseline_sledai", start), ("visit_sledai", end)) if v is None]
    return start, end, missing


def _sledai_reduction(baseline: int | None, visit: int | None, k: int) -> _Inputs:
    """SRI criterion 1: baseline − visit ≥ k (spec §3.1–3.2)."""
    start, end, missing = _totals(baseline, visit)
    if start is None or end is None:
        return Component("sledai", None, f"{words.inputs(missing)} missing"), missing
    met = start - end >= k
    reason = f"SLEDAI {start} → {end}: reduction {start - end} {'≥' if met else '<'} {k}"
    if start < k:
        reason += f" (baseline < {k}: SRI-{k} unreachable; analyses usually need baseline ≥ {k})"
    return Component("sledai", met, reason), missing


def _sledai_not_worse(baseline: int | None, visit: int | None) -> _Inputs:
    """BICLA criterion 3: visit SLEDAI ≤ baseline (spec §4.1)."""
    start, end, missing = _totals(baseline, visit)
    if start is None or end is None:
        return Component("sledai", None, f"{words.inputs(missing)} missing"), missing
    met = end <= start
    reason = f"SLEDAI {start} → {end}: {'no worsening' if met else 'worse than baseline'}"
    return Component("sledai", met, reason), missing


def _grades(grades: Mapping[str, str] | None, field: str) -> tuple[dict[str, bilag.Grade], str]:
    """Validated (possibly partial) grades and a description of what is missing ("" if none)."""
    if grades is None:
        return {}, field
    checked = bilag.check_grades(grades, field, complete=False)
    absent = bilag.missing_domains(checked)
    return checked, (f"{field} ({', '.join(absent)})" if absent else "")


def _no_bilag_worsening(
    baseline: Mapping[str, str] | None, visit: Mapping[str, str] | None
) -> tuple[Component, list[str], bilag.NewGrades | None]:
    """No new BILAG A and at most one new B versus baseline (spec §2.6, §3.1 criterion 2)."""
    before, before_missing = _grades(baseline, "baseline_bilag")
    after, after_missing = _grades(visit, "visit_bilag")
    missing = [m for m in (before_missing, after_missing) if m]
    if missing:
        text = f"{'; '.join(words.input_name(m) for m in missing)} missing"
        return Component("bilag", None, text), missing, None
    new = bilag.new_grades(before, after)
    met = not new.new_a and len(new.new_b) <= 1
    shown = f"new A: {', '.join(new.new_a) or 'none'}; new B: {', '.join(new.new_b) or 'none'}"
    verdict = "no significant worsening" if met else "worsening (≥1 new A or ≥2 new B)"
    return Component("bilag", met, f"BILAG {shown}: {verdict}"), missing, new


def _no_pga_worsening(baseline: Number | None, visit: Number | None) -> tuple[Component, list[str]]:
    """PGA increase < 0.30, compared exactly (spec §3.1 criterion 3, §4.1 criterion 4)."""
    start = pga.parse_optional(baseline, "baseline_pga")
    end = pga.parse_optional(visit, "visit_pga")
    missing = [n for n, v in (("baseline_pga", start), ("visit_pga", end)) if v is None]
    if start is None or end is None:
        return Component("pga", None, f"{words.inputs(missing)} missing"), missing
    moved = pga.change(start, end)
    return Component("pga", not moved.worsened, moved.reasons[0]), missing


def sri(
    *,
    baseline_sledai: int | None,
    visit_sledai: int | None,
    baseline_bilag: Mapping[str, str] | None,
    visit_bilag: Mapping[str, str] | None,
    baseline_pga: Number | None,
    visit_pga: Number | None,
    k: int = 4,
    events: IntercurrentEvents = NO_EVENTS,
    rules: NonResponseRules = DEFAULT_RULES,
) -> ResponseResult:
    """SRI-k: SLEDAI fall ≥ k, no new BILAG A / ≤1 new B, PGA rise < 0.30, no §3.3 rule fired."""
    if isinstance(k, bool) or not isinstance(k, int) or k not in SRI_K:
        raise ScoringInputError("k", k, SRI_K)
    sledai_part, sledai_missing = _sledai_reduction(baseline_sledai, visit_sledai, k)
    bilag_part, bilag_missing, new = _no_bilag_worsening(baseline_bilag, visit_bilag)
    pga_part, pga_missing = _no_pga_worsening(baseline_pga, visit_pga)
    return decide(
        f"SRI-{k}",
        (sledai_part, bilag_part, pga_part, *rule_components(events, rules)),
        (*sledai_missing, *bilag_missing, *pga_missing),
        sledai_change=_change(baseline_sledai, visit_sledai),
        new_a=new.new_a if new else (),
        new_b=new.new_b if new else (),
        pga_change=_pga_change(baseline_pga, visit_pga),
    )


def _change(baseline: int | None, visit: int | None) -> int | None:
    """Visit − baseline SLEDAI (negative = improvement), or None if either is missing."""
    return None if baseline is None or visit is None else visit - baseline


def _pga_change(baseline: Number | None, visit: Number | None) -> Decimal | None:
    """Visit − baseline PGA, exact, or None if either is missing."""
    if baseline is None or visit is None:
        return None
    return pga.change(baseline, visit).change


def _bilag_improvement(
    baseline: Mapping[str, str] | None, visit: Mapping[str, str] | None
) -> tuple[Component, Component]:
    """BICLA criterion 1 and its precondition: every baseline A or B domain improves (§4.1)."""
    before, before_missing = _grades(baseline, "baseline_bilag")
    after, after_missing = _grades(visit, "visit_bilag")
    active = tuple(d for d, g in before.items() if g in ("A", "B"))
    if not active:
        met = None if before_missing else False
        reason = "no baseline BILAG A or B domain: BICLA cannot be judged (criterion 1)"
        gate = Component(
            "bilag_baseline", met, reason if met is False else "BILAG: baseline missing"
        )
        return gate, Component("bilag_improvement", None, "needs a baseline A or B domain")
    gate = Component("bilag_baseline", True, f"baseline A/B domains: {', '.join(active)}")
    if any(d not in after for d in active):
        text = f"{words.input_name(after_missing)} missing"
        return gate, Component("bilag_improvement", None, text)
    stuck = tuple(f"{d} {before[d]} → {after[d]}" for d in active if after[d] <= before[d])
    reason = f"not improved: {'; '.join(stuck)}" if stuck else "every baseline A/B domain improved"
    return gate, Component("bilag_improvement", not stuck, f"BILAG {reason}")


def bicla(
    *,
    baseline_bilag: Mapping[str, str] | None,
    visit_bilag: Mapping[str, str] | None,
    baseline_sledai: int | None,
    visit_sledai: int | None,
    baseline_pga: Number | None,
    visit_pga: Number | None,
    events: IntercurrentEvents = NO_EVENTS,
    rules: NonResponseRules = DEFAULT_RULES,
) -> ResponseResult:
    """BICLA: baseline A/B domains improve, no new A / ≤1 new B, SLEDAI not worse, PGA < +0.30,
    no treatment failure; no baseline A or B domain → not evaluable (spec §4.1)."""
    gate, improvement = _bilag_improvement(baseline_bilag, visit_bilag)
    worsening, bilag_missing, new = _no_bilag_worsening(baseline_bilag, visit_bilag)
    sledai_part, sledai_missing = _sledai_not_worse(baseline_sledai, visit_sledai)
    pga_part, pga_missing = _no_pga_worsening(baseline_pga, visit_pga)
    result = decide(
        "BICLA",
        (gate, improvement, worsening, sledai_part, pga_part, *rule_components(events, rules)),
        (*bilag_missing, *sledai_missing, *pga_missing),
        sledai_change=_change(baseline_sledai, visit_sledai),
        new_a=new.new_a if new else (),
        new_b=new.new_b if new else (),
        pga_change=_pga_change(baseline_pga, visit_pga),
    )
    if gate.met is False:
        summary = "BICLA: not evaluable (no baseline BILAG A or B domain)"
        return replace(
            result, responder=None, decided_by=(gate.name,), reasons=(summary, *result.reasons[1:])
        )
    return result
