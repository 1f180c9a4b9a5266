"""Per-subject daily prednisone-equivalent series, steroid data issues and rescue therapy.

The series is built with `scoring.steroids.daily_series` from `records.regimens.read_regimen`,
the same conversion the medications page uses, from consent to the last visit done (§6.2). Rows
that cannot be interpreted are listed by `steroid_issues`, never skipped silently (issue #10).
Rescue therapy (spec/scoring.md §3.3 (b)) is found by `scoring.treatment_failure`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from records.cells import earliest_day, latest_day, missing
from records.outcomes.source import ClinicalData
from records.regimens import RegimenReading, is_corticosteroid, steroid_readings
from scoring import steroids, treatment_failure

ISSUE_COLUMNS = ["subject_id", "medication_id", "drug", "issue"]


def readings(data: ClinicalData) -> dict[int, list[RegimenReading]]:
    """Every corticosteroid row of each subject, read once (regimen or issue)."""
    found: dict[int, list[RegimenReading]] = {}
    for reading in steroid_readings(data.medications.to_dict("records")):
        found.setdefault(int(reading.subject_id or 0), []).append(reading)
    return found


def steroid_issues(data: ClinicalData) -> pd.DataFrame:
    """Corticosteroid rows no steroid outcome could count, and why (shown on pages, listings)."""
    rows = [
        (r.subject_id, r.medication_id, r.drug, r.issue)
        for found in readings(data).values()
        for r in found
        if r.issue is not None
    ]
    return pd.DataFrame(rows, columns=ISSUE_COLUMNS)


def subject_series(data: ClinicalData) -> dict[int, steroids.SteroidSeries]:
    """Daily prednisone-equivalent mg per subject, from consent to the last visit done."""
    by_subject = readings(data)
    last_visit = data.visits.dropna(subset=["actual_date"]).groupby("subject_id")["actual_date"]
    last = last_visit.max().to_dict()
    series = {}
    for sid, consent in zip(
        data.subjects["subject_id"], data.subjects["consent_date"], strict=True
    ):
        end = max(consent, last.get(sid, consent))
        found = [r.regimen for r in by_subject.get(int(sid), []) if r.regimen is not None]
        series[int(sid)] = steroids.daily_series(found, consent, end)
    return series


def dose_on(series: steroids.SteroidSeries | None, day: Any) -> float | None:
    """The prednisone-equivalent mg on a day, or None when the day is unknown or not covered."""
    if series is None or missing(day) or not series.start <= day <= series.end:
        return None
    return series.on(day).prednisone_equivalent_mg


def _therapy_row(row: dict[str, Any]) -> treatment_failure.TherapyRow | None:
    """A medication row as the rescue rule reads it; None when its start cannot be read."""
    start, start_latest = earliest_day(row.get("start")), latest_day(row.get("start"))
    if start is None or start_latest is None:
        return None
    steroid = is_corticosteroid(row)
    route = str(row.get("route") or "").strip().upper()
    pulse = steroid and (bool(row.get("pulse")) or route in treatment_failure.PULSE_ROUTES)
    dose = None if missing(row.get("dose")) else float(row["dose"])
    unit = None if missing(row.get("dose_unit")) else str(row["dose_unit"]).strip().lower()
    frequency = None if missing(row.get("frequency")) else str(row["frequency"])
    text = f"medication {row.get('id')}: {row.get('drug')} {dose if dose is not None else ''}"
    description = f"{text} {unit or ''} {frequency or ''} from {row.get('start')}".split()
    return treatment_failure.TherapyRow(
        description=" ".join(description),
        ingredient=None if steroid else treatment_failure.ingredient_of(row.get("drug")),
        steroid_pulse=pulse,
        daily_dose=treatment_failure.per_day(dose, frequency),
        unit=unit,
        start=start,
        start_latest=start_latest,
        stop=latest_day(row.get("stop")),
    )


def rescue_triggers(data: ClinicalData) -> dict[int, treatment_failure.Trigger]:
    """The first rescue therapy after day 1 of each dosed subject (§3.3 (b)), with its record."""
    rows: dict[int, list[treatment_failure.TherapyRow]] = {}
    for row in data.medications.to_dict("records"):
        made = _therapy_row(row)
        if made is not None:
            rows.setdefault(int(row["subject_id"]), []).append(made)
    found = {}
    for sid, day1 in zip(data.subjects["subject_id"], data.subjects["dose_date"], strict=True):
        if missing(day1):
            continue
        trigger = treatment_failure.rescue_trigger(rows.get(int(sid), []), day1)
        if trigger is not None:
            found[int(sid)] = trigger
    return found
