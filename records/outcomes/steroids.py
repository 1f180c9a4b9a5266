"""Per-subject daily prednisone-equivalent series and rescue-therapy starts (spec §6, §3.3).

The series is built with `scoring.steroids.daily_series` from the same regimen conversion the
medication form uses (`records.medications.regimen`), from consent to the last visit done.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd

from records.medications import regimen
from records.outcomes.catalogue import is_missing
from records.outcomes.source import ClinicalData
from scoring import flares, steroids
from scoring.dates import parse_partial_date
from scoring.errors import ScoringInputError

CEILING_WINDOW_DAYS = 28
"""[DESIGN] The steroid-ceiling rule counts days above the ceiling in the 28 days up to a visit
(the BILAG-2004 look-back), spec §3.3 (c)."""
RESCUE_DRUGS = flares.SEVERE_DRUGS
"""[DESIGN] Drugs whose start after day 1 counts as rescue therapy (spec §3.3 (b)), with any
corticosteroid pulse after day 1."""


def _regimens(rows: pd.DataFrame) -> list[steroids.Regimen]:
    found = []
    for row in rows.itertuples(index=False):
        try:
            made = regimen(row)
        except (ScoringInputError, ValueError):
            continue
        if made is not None:
            found.append(made)
    return found


def subject_series(data: ClinicalData) -> dict[int, steroids.SteroidSeries]:
    """Daily prednisone-equivalent mg per subject, from consent to the last visit done."""
    meds = data.medications
    steroid_rows = meds[meds["corticosteroid"].astype(bool)] if not meds.empty else meds
    by_subject = dict(tuple(steroid_rows.groupby("subject_id"))) if not meds.empty else {}
    last_visit = data.visits.dropna(subset=["actual_date"]).groupby("subject_id")["actual_date"]
    last = last_visit.max().to_dict()
    series = {}
    for sid, consent in zip(
        data.subjects["subject_id"], data.subjects["consent_date"], strict=True
    ):
        end = max(consent, last.get(sid, consent))
        rows = by_subject.get(sid)
        found = _regimens(rows) if rows is not None else []
        series[int(sid)] = steroids.daily_series(found, consent, end)
    return series


def dose_on(series: steroids.SteroidSeries | None, day: Any) -> float | None:
    """The prednisone-equivalent mg on a day, or None when the day is unknown or not covered."""
    if series is None or is_missing(day) or not series.start <= day <= series.end:
        return None
    return series.on(day).prednisone_equivalent_mg


def days_above(series: steroids.SteroidSeries | None, day: Any, ceiling: float | None) -> int:
    """Days above the ceiling in the CEILING_WINDOW_DAYS up to `day` (0 with no ceiling/day)."""
    if series is None or ceiling is None or is_missing(day):
        return 0
    first = max(series.start, day - timedelta(days=CEILING_WINDOW_DAYS - 1))
    last = min(series.end, day)
    window = series.days[(first - series.start).days : (last - series.start).days + 1]
    return sum(1 for d in window if d.prednisone_equivalent_mg > ceiling)


def _is_rescue(row: Any) -> bool:
    if bool(row.corticosteroid) and bool(row.pulse):
        return True
    drug = str(row.drug or "").lower()
    return any(name in drug for name in RESCUE_DRUGS)


def rescue_starts(data: ClinicalData) -> dict[int, date]:
    """First day after day 1 each subject could have started rescue therapy (§3.3 (b))."""
    dose = dict(zip(data.subjects["subject_id"], data.subjects["dose_date"], strict=True))
    found: dict[int, date] = {}
    for row in data.medications.itertuples(index=False):
        day1 = dose.get(row.subject_id)
        if day1 is None or is_missing(day1) or not _is_rescue(row):
            continue
        after = day1 + timedelta(days=1)
        start = parse_partial_date(str(row.start))
        if start.certainly_before(after):
            continue
        when = max(start.earliest().date(), after)
        found[int(row.subject_id)] = min(when, found.get(int(row.subject_id), when))
    return found
