"""Intercurrent events at a visit and the study's non-response rules (spec/scoring.md §3.3).

The rules come from the study definition's [response_rules]; what happened to the subject (a
closed window without the visit, rescue therapy, steroid days above the ceiling, withdrawal or
death) is read from the data here, so `scoring` only combines them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from records.outcomes.catalogue import is_missing
from records.outcomes.source import ClinicalData
from records.outcomes.steroids import CEILING_WINDOW_DAYS, RESCUE_DRUGS, days_above, rescue_starts
from scoring.steroids import SteroidSeries
from scoring.verdict import IntercurrentEvents, NonResponseRules
from study.schema import StudyDefinition

WITHDRAWN = ("early_termination", "lost_to_follow_up", "died")


def rules_of(study: StudyDefinition) -> NonResponseRules:
    """The §3.3 rules the study switches on (steroid rule only with a ceiling set)."""
    p = study.protocol
    return NonResponseRules(
        missing_assessment=p.missing_visit_rule,
        rescue_therapy=p.rescue_therapy_rule,
        steroid_ceiling=p.steroid_ceiling_mg is not None,
        withdrawal=p.withdrawal_rule,
    )


def rules_text(study: StudyDefinition) -> tuple[str, ...]:
    """The non-response rules in words, for the responses page."""
    p, rules = study.protocol, rules_of(study)
    lines = [
        ("missing visit: the visit was missed or its window closed without it (no imputation)",
         rules.missing_assessment),
        ("rescue therapy: a corticosteroid pulse or a new "
         f"{', '.join(RESCUE_DRUGS)} started after day 1", rules.rescue_therapy),
        (f"steroid ceiling: prednisone-equivalent above {p.steroid_ceiling_mg} mg/day on at least "
         f"{rules.steroid_ceiling_days} day(s) of the {CEILING_WINDOW_DAYS} days up to the visit",
         rules.steroid_ceiling),
        ("withdrawal or death on or before the visit", rules.withdrawal),
    ]  # fmt: skip
    return tuple(f"{'on' if on else 'off'} · {text}" for text, on in lines)


@dataclass(frozen=True)
class EventContext:
    """Per-subject facts the intercurrent events of any visit are read from."""

    series: dict[int, SteroidSeries]
    rescue: dict[int, date]
    withdrawn: dict[int, date]
    ceiling: float | None


def _withdrawal_dates(data: ClinicalData) -> dict[int, date]:
    found = {}
    for row in data.subjects.itertuples(index=False):
        if row.status in WITHDRAWN:
            when = row.status_date if not is_missing(row.status_date) else data.today
            found[int(row.subject_id)] = when
    return found


def event_context(
    data: ClinicalData, study: StudyDefinition, series: dict[int, Any]
) -> EventContext:
    """Collect the rescue starts, withdrawal dates and steroid series of every subject."""
    return EventContext(
        series=series,
        rescue=rescue_starts(data),
        withdrawn=_withdrawal_dates(data),
        ceiling=study.protocol.steroid_ceiling_mg,
    )


def events_at(ctx: EventContext, row: dict[str, Any]) -> IntercurrentEvents:
    """What happened to the subject up to this visit (its date, else its target date)."""
    sid = int(row["subject_id"])
    done = not is_missing(row["actual_date"])
    when = row["actual_date"] if done else row["target_date"]
    when = None if is_missing(when) else when
    rescue, withdrawn = ctx.rescue.get(sid), ctx.withdrawn.get(sid)
    return IntercurrentEvents(
        assessment_missing=row["calendar_status"] in ("missed", "overdue"),
        rescue_therapy=rescue is not None and (when is None or rescue <= when),
        days_above_steroid_ceiling=days_above(ctx.series.get(sid), when if done else None,
                                              ctx.ceiling),
        withdrawn_or_died=withdrawn is not None and (when is None or withdrawn <= when),
    )  # fmt: skip
