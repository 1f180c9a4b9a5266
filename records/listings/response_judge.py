"""Calling scoring.responders for one index at one visit, and wording its verdict."""

from __future__ import annotations

from typing import Any

from records.listings import frames as F
from records.listings.efficacy import optional_module

Verdict = tuple[str | None, str, str]
VERDICT = {True: "Y", False: "N", None: "NE"}
WITHDRAWN = ("early_termination", "died", "lost_to_follow_up")


def judge(code: str, visit: Any, ctx: Any) -> tuple[Verdict, str]:
    """((Y/N/NE, decided by, missing inputs), reasons) for one index at one visit."""
    try:
        result = _call(code, visit, ctx)
    except ValueError as err:
        return ("NE", "", ""), f"not derived: {err}"
    reasons = "; ".join((*result.reasons, ctx.dose[1]))
    verdict = (VERDICT[result.responder], ", ".join(result.decided_by), ", ".join(result.missing))
    return verdict, reasons


def _call(code: str, visit: Any, ctx: Any) -> Any:
    r = ctx.responders
    if code.startswith("SRI"):
        return r.sri(
            k=int(code[3:]), **_comparison(visit, ctx), events=ctx.events, rules=_rules(ctx)
        )
    if code == "BICLA":
        return r.bicla(**_comparison(visit, ctx), events=ctx.events, rules=_rules(ctx))
    if code == "LLDAS":
        previous = ctx.previous
        return r.lldas(
            descriptors=visit.descriptors,
            previous_descriptors=previous.descriptors if previous else None,
            pga=visit.pga,
            prednisone_mg=ctx.dose[0],
            gi_or_haemolysis=_gi(visit),
            new_bilag_activity=_new_bilag(visit, previous),
        )
    return r.doris(descriptors=visit.descriptors, pga=visit.pga, prednisone_mg=ctx.dose[0])


def sledai_total(descriptors: tuple[str, ...] | None) -> int | None:
    """Sum of the weights of the descriptors present (None when no SLEDAI was recorded)."""
    weights = getattr(optional_module("scoring.sledai_items"), "WEIGHTS", {})
    return None if descriptors is None else sum(weights.get(d, 0) for d in descriptors)


def _comparison(visit: Any, ctx: Any) -> dict[str, Any]:
    base = ctx.baseline
    return {
        "baseline_sledai": sledai_total(base.descriptors),
        "visit_sledai": sledai_total(visit.descriptors),
        "baseline_bilag": base.grades,
        "visit_bilag": visit.grades,
        "baseline_pga": base.pga,
        "visit_pga": visit.pga,
    }


def events_at(visit: Any, ctx: Any) -> Any:
    """Withdrawal and days above the steroid ceiling from baseline to the visit (§3.3)."""
    from scoring.verdict import IntercurrentEvents

    subject, protocol = ctx.subject, ctx.protocol
    withdrawn = (
        subject["status"] in WITHDRAWN
        and not F.missing(subject["status_date"])
        and visit.date is not None
        and subject["status_date"] <= visit.date
    )
    days = ctx.regimens.days_above(
        visit.subject_id, ctx.baseline.date, visit.date, protocol.steroid_ceiling_mg
    )
    return IntercurrentEvents(withdrawn_or_died=bool(withdrawn), days_above_steroid_ceiling=days)


def _rules(ctx: Any) -> Any:
    from scoring.verdict import NonResponseRules

    p = ctx.protocol
    return NonResponseRules(
        missing_assessment=p.missing_visit_rule,
        rescue_therapy=p.rescue_therapy_rule,
        steroid_ceiling=p.steroid_ceiling_mg is not None,
        withdrawal=p.withdrawal_rule,
    )


def _gi(visit: Any) -> bool | None:
    bilag = optional_module("scoring.bilag")
    if bilag is None or not visit.bilag_items:
        return None
    return bool(bilag.gi_or_haemolysis_activity(visit.bilag_items))


def _new_bilag(visit: Any, previous: Any) -> bool | None:
    bilag = optional_module("scoring.bilag")
    if bilag is None or previous is None or not visit.grades or not previous.grades:
        return None
    try:
        new = bilag.new_grades(previous.grades, visit.grades)
    except ValueError:
        return None
    return bool(new.new_a or new.new_b)
