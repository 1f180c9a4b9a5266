"""Corticosteroid regimens per subject, as scoring.steroids needs them for response indices."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from records.listings import frames as F
from records.listings.model import ListingSource
from records.listings.treatment import medication_frame

HORIZON_DAYS = 400  # one series per subject covers the whole follow-up


class Steroids:
    """Each subject's systemic corticosteroid regimens and the rows that could not be used."""

    def __init__(self, regimens: dict[int, list[Any]], skipped: dict[int, list[str]]) -> None:
        self.regimens, self.skipped = regimens, skipped
        self._cache: dict[tuple[int, date], Any] = {}

    def dose_on(self, subject_id: int, day: date | None) -> tuple[float | None, str]:
        """(prednisone-equivalent mg/day in force on the day, explanation)."""
        from scoring.steroids import current_dose

        if day is None:
            return None, "prednisone: assessment date missing"
        rows = self.regimens.get(subject_id, [])
        notes = self.skipped.get(subject_id, [])
        if not rows and notes:
            return None, "; ".join(["prednisone unknown", *notes])
        if not rows:
            return 0.0, "no corticosteroid recorded: 0 mg/day"
        summary = current_dose(rows, day)
        return summary.mg, "; ".join([*summary.reasons, *notes])

    def days_above(
        self, subject_id: int, start: date | None, end: date | None, ceiling: float | None
    ) -> int:
        """Days from start to end (inclusive) with a dose strictly above the protocol ceiling."""
        rows = self.regimens.get(subject_id, [])
        if not rows or ceiling is None or start is None or end is None or end < start:
            return 0
        series = self._series(subject_id, start, end)
        return sum(1 for day in series.days_above(ceiling) if day <= end)

    def _series(self, subject_id: int, start: date, end: date) -> Any:
        """One daily series per subject and start, reaching at least `end` (reused by visits)."""
        from scoring.steroids import daily_series

        key = (subject_id, start)
        cached = self._cache.get(key)
        if cached is None or cached.end < end:
            horizon = max(end, start + timedelta(days=HORIZON_DAYS))
            cached = self._cache[key] = daily_series(self.regimens[subject_id], start, horizon)
        return cached


def steroid_regimens(src: ListingSource) -> Steroids:
    """Regimens from the corticosteroid log (data cut applied); unusable rows are named."""
    regimens: dict[int, list[Any]] = {}
    skipped: dict[int, list[str]] = {}
    frame = medication_frame(src, steroids=True)
    for row in frame.to_dict("records"):
        try:
            regimens.setdefault(int(row["subject_id"]), []).append(_regimen(row))
        except ValueError as err:
            skipped.setdefault(int(row["subject_id"]), []).append(
                f"corticosteroid row {row['drug']} {row['start']} not used: {err}"
            )
    return Steroids(regimens, skipped)


def _regimen(row: dict[str, Any]) -> Any:
    from scoring.steroids import Regimen

    start, stop = _complete(row["start"], "start"), row["stop"]
    if str(row["dose_unit"] or "").strip().lower() != "mg" or F.missing(row["dose"]):
        raise ValueError(f"dose {row['dose']} {row['dose_unit']} is not in mg")
    return Regimen(
        drug=row["drug"],
        dose_mg=float(row["dose"]),
        frequency=str(row["frequency"] or ""),
        route=str(row["route"] or ""),
        start=start,
        stop=None if F.missing(stop) or len(str(stop)) < 10 else _complete(stop, "stop"),
        is_pulse=bool(row["pulse"]),
    )


def _complete(value: Any, name: str) -> date:
    if F.missing(value) or len(str(value)) < 10:
        raise ValueError(f"{name} date {value} is not a complete date")
    return date.fromisoformat(str(value)[:10])
