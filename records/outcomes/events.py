"""Intercurrent events at a visit and the study's non-response rules (spec/scoring.md §3.3).

The rules come from the study definition's [response_rules]; what happened to the subject (a
closed window without the visit, rescue therapy, a steroid dose above the day-1 dose or above an
optional ceiling, withdrawal or death) is read from the data here, with the record that fired
each rule, so `scoring` only combines them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from records import words
from records.cells import missing
from records.outcomes.source import ClinicalData
from records.outcomes.steroids import rescue_triggers
from scoring import treatment_failure
from scoring.steroids import SteroidSeries
from scoring.treatment_failure import Trigger
from scoring.verdict import IntercurrentEvents, NonResponseRules
from study.schema import StudyDefinition

WITHDRAWN = ("early_termination", "lost_to_follow_up", "died")


def rules_of(study: StudyDefinition) -> NonResponseRules:
    """The §3.3 rules the study switches on (the absolute ceiling only with a ceiling set)."""
    p = study.protocol
    return NonResponseRules(
        missing_assessment=p.missing_visit_rule,
        rescue_therapy=p.rescue_therapy_rule,
        steroid_above_baseline=p.steroid_above_baseline_rule,
        steroid_ceiling=p.steroid_ceiling_mg is not None,
        steroid_ceiling_days=p.steroid_ceiling_days,
        withdrawal=p.withdrawal_rule,
    )


def rules_text(study: StudyDefinition) -> tuple[str, ...]:
    """The non-response rules in words, for the responses page."""
    p, rules = study.protocol, rules_of(study)
    drugs = ", ".join(sorted(set(treatment_failure.RESCUE_INGREDIENTS.values())))
    window = treatment_failure.WINDOW_DAYS
    lines = [
        ("missing visit: the visit was missed or its window closed without it (no imputation)",
         rules.missing_assessment),
        ("rescue therapy after day 1: an IV/IM corticosteroid pulse; an immunosuppressant or "
         f"biologic ({drugs}) not in use on day 1; a background one raised above its day-1 dose",
         rules.rescue_therapy),
        (f"steroid increase: prednisone-equivalent above the day-1 dose on any day after day 1 "
         f"in the {window} days up to the visit", rules.steroid_above_baseline),
        (f"steroid ceiling (option): above {p.steroid_ceiling_mg} mg/day on at least "
         f"{rules.steroid_ceiling_days} day(s) of the {window} days up to the visit",
         rules.steroid_ceiling),
        ("withdrawal, lost to follow-up or death on or before the visit (SRI, BICLA, LLDAS, "
         "DORIS and the KDIGO renal response alike)", rules.withdrawal),
    ]  # fmt: skip
    return tuple(f"{'on' if on else 'off'} · {text}" for text, on in lines)


@dataclass(frozen=True)
class EventContext:
    """Per-subject facts the intercurrent events of any visit are read from."""

    series: dict[int, SteroidSeries]
    rescue: dict[int, Trigger]
    withdrawn: dict[int, Trigger]
    day1: dict[int, date]
    ceiling: float | None


def _withdrawal_triggers(data: ClinicalData) -> dict[int, Trigger]:
    found = {}
    for row in data.subjects.itertuples(index=False):
        if row.status in WITHDRAWN:
            when = row.status_date if not missing(row.status_date) else data.today
            reason = "" if missing(row.status_reason) else f" ({row.status_reason})"
            status = words.subject_status(row.status).lower()
            record = f"subject status {status} on {when.isoformat()}{reason}"
            found[int(row.subject_id)] = Trigger("withdrawal", when, record)
    return found


def withdrawal_dates(data: ClinicalData) -> dict[int, date]:
    """The date each withdrawn (early termination, lost, died) subject left the study."""
    return {sid: t.on for sid, t in _withdrawal_triggers(data).items()}


def event_context(
    data: ClinicalData, study: StudyDefinition, series: dict[int, Any]
) -> EventContext:
    """Collect the rescue starts, withdrawal dates, day 1 and steroid series of every subject."""
    day1 = {
        int(sid): d
        for sid, d in zip(data.subjects["subject_id"], data.subjects["dose_date"], strict=True)
        if not missing(d)
    }
    return EventContext(
        series=series,
        rescue=rescue_triggers(data),
        withdrawn=_withdrawal_triggers(data),
        day1=day1,
        ceiling=study.protocol.steroid_ceiling_mg,
    )


def _steroids(ctx: EventContext, sid: int, visit: date | None) -> tuple[bool, int, dict[str, str]]:
    """Whether the day-1 dose was exceeded, days above the ceiling, and the records behind them."""
    series, day1 = ctx.series.get(sid), ctx.day1.get(sid)
    if series is None or day1 is None or visit is None:
        return False, 0, {}
    records = {}
    increase = treatment_failure.steroid_increase(series, day1, visit)
    if increase is not None:
        records["steroid_above_baseline"] = increase.record
    days = 0
    if ctx.ceiling is not None:
        days, text = treatment_failure.days_above_ceiling(series, day1, visit, ctx.ceiling)
        if days:
            records["steroid_ceiling"] = text
    return increase is not None, days, records


def _fired(trigger: Trigger | None, when: date | None) -> bool:
    return trigger is not None and (when is None or trigger.on <= when)


def events_at(ctx: EventContext, row: dict[str, Any]) -> IntercurrentEvents:
    """What happened to the subject up to this visit (its date, else its target date)."""
    sid = int(row["subject_id"])
    done = not missing(row["actual_date"])
    when = row["actual_date"] if done else row["target_date"]
    when = None if missing(when) else when
    rescue, withdrawn = ctx.rescue.get(sid), ctx.withdrawn.get(sid)
    above, days, records = _steroids(ctx, sid, when if done else None)
    for trigger in (rescue, withdrawn):
        if trigger is not None and _fired(trigger, when):
            records[trigger.rule] = trigger.record
    return IntercurrentEvents(
        assessment_missing=row["calendar_status"] in ("missed", "overdue"),
        rescue_therapy=_fired(rescue, when),
        steroid_above_baseline=above,
        days_above_steroid_ceiling=days,
        withdrawn_or_died=_fired(withdrawn, when),
        records=tuple(sorted(records.items())),
    )
