"""The shared shape of composite-index results and the study's non-response (intercurrent) rules.

spec/scoring.md Decisions (every result names the component(s) that decided it; "not evaluable"
instead of a guess) and §3.3 (configurable non-response rules, reported by name).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from scoring import words
from scoring.errors import ScoringInputError


@dataclass(frozen=True, slots=True)
class Component:
    """One criterion of a composite index: met (True), failed (False) or not evaluable (None)."""

    name: str
    met: bool | None
    reason: str


@dataclass(frozen=True, slots=True)
class ResponseResult:
    """A composite verdict: responder True / False / None (not evaluable), and what decided it.

    `decided_by` names the failed components (False), the unevaluable ones (None), or all
    components (True); `missing` names the absent inputs. SRI and BICLA also fill the structured
    parts (SLEDAI change, new BILAG A/B domains, PGA change).
    """

    index: str
    responder: bool | None
    decided_by: tuple[str, ...]
    components: tuple[Component, ...]
    missing: tuple[str, ...]
    reasons: tuple[str, ...]
    sledai_change: int | None = None
    new_a: tuple[str, ...] = ()
    new_b: tuple[str, ...] = ()
    pga_change: Decimal | None = None


@dataclass(frozen=True, slots=True)
class NonResponseRules:
    """Which §3.3 rules make a subject a non-responder; set per study (spec §3.3, revised).

    Defaults: missing assessment, rescue therapy, a steroid dose above the day-1 dose and
    withdrawal on; the absolute steroid ceiling off (it fires when the dose was above the
    ceiling on at least `steroid_ceiling_days` days of the window; the caller counts them).
    """

    missing_assessment: bool = True
    rescue_therapy: bool = True
    steroid_above_baseline: bool = True
    steroid_ceiling: bool = False
    steroid_ceiling_days: int = 1
    withdrawal: bool = True

    def __post_init__(self) -> None:
        days = self.steroid_ceiling_days
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise ScoringInputError("steroid_ceiling_days", days, "an integer ≥ 1")


@dataclass(frozen=True, slots=True)
class IntercurrentEvents:
    """What happened to the subject up to the visit, as the records layer established it (§3.3).

    `assessment_missing` means the visit's assessment is definitively missing (window closed),
    not merely "not entered yet": the latter is "not evaluable", never imputed. `records` names,
    per rule, the record that fired it (e.g. the medication row), for the reasons.
    """

    assessment_missing: bool = False
    rescue_therapy: bool = False
    steroid_above_baseline: bool = False
    days_above_steroid_ceiling: int = 0
    withdrawn_or_died: bool = False
    records: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        days = self.days_above_steroid_ceiling
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise ScoringInputError("days_above_steroid_ceiling", days, "an integer ≥ 0")

    def record_of(self, rule: str) -> str:
        """The record that fired `rule` ("" when none was named)."""
        return dict(self.records).get(rule, "")


NO_EVENTS = IntercurrentEvents()
DEFAULT_RULES = NonResponseRules()
ALL_RULES = (
    "missing_assessment",
    "rescue_therapy",
    "steroid_above_baseline",
    "steroid_ceiling",
    "withdrawal",
)
"""Rules of SRI-k and BICLA: (a)–(d) of §3.3."""
ATTAINMENT_RULES = ("steroid_above_baseline", "steroid_ceiling", "withdrawal")
"""Rules added to LLDAS, DORIS and the KDIGO renal response (§3.3: (b)–(d) apply to every
index alike; rescue therapy already enters LLDAS and DORIS as disallowed therapy)."""


def _checks(
    events: IntercurrentEvents, rules: NonResponseRules
) -> dict[str, tuple[bool, bool, str]]:
    """rule → (enabled, fired, what the rule says)."""
    days = events.days_above_steroid_ceiling
    return {
        "missing_assessment": (rules.missing_assessment, events.assessment_missing,
                               "assessment missing at the visit, no imputation"),
        "rescue_therapy": (rules.rescue_therapy, events.rescue_therapy,
                           "rescue or prohibited therapy started after day 1"),
        "steroid_above_baseline": (rules.steroid_above_baseline, events.steroid_above_baseline,
                                   "prednisone-equivalent above the day-1 dose in the 28 days "
                                   "up to the visit"),
        "steroid_ceiling": (rules.steroid_ceiling, days >= rules.steroid_ceiling_days,
                            f"{days} day(s) above the protocol steroid ceiling "
                            f"(fires at ≥ {rules.steroid_ceiling_days})"),
        "withdrawal": (rules.withdrawal, events.withdrawn_or_died,
                       "withdrawal, lost to follow-up or death on or before the visit"),
    }  # fmt: skip


def rule_components(
    events: IntercurrentEvents, rules: NonResponseRules, names: tuple[str, ...] = ALL_RULES
) -> tuple[Component, ...]:
    """One component per enabled §3.3 rule in `names`; met is False when the rule fired, and
    its reason names the record that fired it."""
    checks = _checks(events, rules)
    found = []
    for name in names:
        enabled, fired, text = checks[name]
        if not enabled:
            continue
        record = events.record_of(name) if fired else ""
        verdict = (
            f"fired, non-responder: {record}"
            if record
            else ("fired, non-responder" if fired else "not fired")
        )
        reason = f"{words.rule(name)} ({text}): {verdict}"
        found.append(Component(f"rule:{name}", not fired, reason))
    return tuple(found)


def decide(
    index: str,
    components: Iterable[Component],
    missing: Iterable[str] = (),
    *,
    sledai_change: int | None = None,
    new_a: tuple[str, ...] = (),
    new_b: tuple[str, ...] = (),
    pga_change: Decimal | None = None,
    outcome: tuple[str, str] = ("responder", "non-responder"),
) -> ResponseResult:
    """Combine components: any failed → False; else any unevaluable → None; else True.

    `outcome` words the summary line, e.g. ("in LLDAS", "not in LLDAS").
    """
    parts = tuple(components)
    failed = tuple(c.name for c in parts if c.met is False)
    unknown = tuple(c.name for c in parts if c.met is None)
    responder: bool | None
    if failed:
        responder, decided_by = False, failed
        summary = f"{index}: {outcome[1]} ({words.criteria(failed)})"
    elif unknown:
        responder, decided_by = None, unknown
        summary = f"{index}: not evaluable ({words.criteria(unknown)})"
    else:
        responder, decided_by = True, tuple(c.name for c in parts)
        summary = f"{index}: {outcome[0]} (all criteria met)"
    reasons = (summary, *(c.reason for c in parts))
    return ResponseResult(
        index,
        responder,
        decided_by,
        parts,
        tuple(missing),
        reasons,
        sledai_change,
        new_a,
        new_b,
        pga_change,
    )
