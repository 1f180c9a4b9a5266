"""One subject's timeline frames for the charts, all on the study-day axis (day 1 = dose).

Study day follows CDISC (scoring.dates.study_day: no day 0). Partial AE dates are placed at
their earliest possible day; an ongoing AE runs to the subject's last visit (the data cut-off).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

import pandas as pd

from records.cells import missing
from records.outcomes.catalogue import MEASURE_BY_KEY, MEASURES
from records.outcomes.measures import BILAG_GRADE_COLUMNS
from records.outcomes.snapshot import Outcomes
from records.outcomes.source import StudyData
from scoring.dates import parse_partial_date, study_day
from scoring.steroids import SteroidSeries


def subject_rows(measures: pd.DataFrame, subject_id: int) -> pd.DataFrame:
    """The subject's visits that have a study day (done, with day 1 known), in time order."""
    rows = measures[(measures["subject_id"] == subject_id) & measures["study_day"].notna()]
    return rows.sort_values("study_day").reset_index(drop=True)


def long_measures(rows: pd.DataFrame, keys: Iterable[str]) -> pd.DataFrame:
    """Long form (visit, study_day, measure, value) of the measures present; missing left out."""
    parts = []
    for key in keys:
        part = rows[["visit", "study_day", key]].rename(columns={key: "value"}).dropna()
        parts.append(part.assign(key=key, measure=MEASURE_BY_KEY[key].label))
    columns = ["visit", "study_day", "value", "key", "measure"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def bilag_cells(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per visit × domain with an entered grade (spec §2.7)."""
    long = rows.melt(
        id_vars=["visit", "study_day"],
        value_vars=list(BILAG_GRADE_COLUMNS.values()),
        var_name="domain",
        value_name="grade",
    ).dropna(subset=["grade"])
    long["domain"] = long["domain"].str.removeprefix("bilag_")
    return long.reset_index(drop=True)


def steroid_steps(
    series: SteroidSeries | None, dose_date: Any
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Daily prednisone-equivalent as change points (for a step line) and the pulse days (§6.2)."""
    steps: list[tuple[int, float]] = []
    pulses: list[tuple[int, float]] = []
    if series is not None and not missing(dose_date):
        last = None
        for i, day in enumerate(series.days):
            mg = day.prednisone_equivalent_mg
            if mg != last or i == len(series.days) - 1:
                steps.append((study_day(day.day, dose_date), mg))
                last = mg
            if day.pulse_mg > 0:
                pulses.append((study_day(day.day, dose_date), mg))
    return (
        pd.DataFrame(steps, columns=["study_day", "prednisone_mg"]),
        pd.DataFrame(pulses, columns=["study_day", "prednisone_mg"]),
    )


def _day(text: Any, dose_date: Any) -> int | None:
    if missing(text) or missing(dose_date):
        return None
    return study_day(parse_partial_date(str(text)).earliest().date(), dose_date)


def ae_lanes(data: StudyData, subject_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """AEs as bars from onset day to end day (ongoing: to the last visit), with their flags."""
    events = data.adverse_events.merge(
        data.subjects[["subject_id", "subject", "dose_date"]], on="subject_id", how="inner"
    )
    if subject_ids is not None:
        events = events[events["subject_id"].isin(list(subject_ids))]
    last = data.visits.dropna(subset=["actual_date"]).groupby("subject_id")["actual_date"].max()
    rows = []
    for ae in events.itertuples(index=False):
        onset = _day(ae.onset, ae.dose_date)
        if onset is None:
            continue
        end = _day(ae.end, ae.dose_date)
        cut = _day(last.get(ae.subject_id), ae.dose_date)
        if end is None:
            end = max(onset, cut or onset)
        rows.append(
            (ae.subject, ae.sequence, f"AE {ae.sequence}: {ae.term}", onset, end, bool(ae.ongoing),
             ae.severity, ae.ctcae_grade, bool(ae.serious), bool(ae.teae))
        )  # fmt: skip
    columns = ["subject", "sequence", "label", "onset_day", "end_day", "ongoing"]
    return pd.DataFrame(rows, columns=[*columns, "severity", "grade", "serious", "teae"])


ONGOING = "dosed"
"""The subject status of a dosed subject still in follow-up (records.subjects)."""


def follow_up(data: StudyData) -> pd.DataFrame:
    """Each dosed subject's time on study: day 1 to the last study day known.

    In follow-up: to today (the data cut when one is set, `cut.as_of`); after completion,
    early termination, loss or death: to the later of the status date and the last visit done.
    Never past today. Columns: subject, status, start_day (1), end_day.
    """
    dosed = data.subjects[data.subjects["dose_date"].notna()]
    visits = data.visits.dropna(subset=["actual_date"])
    last = visits.groupby("subject_id")["actual_date"].max()
    rows = []
    for s in dosed.itertuples(index=False):
        end = data.today
        if s.status != ONGOING:
            known = [_as_date(d) for d in (s.status_date, last.get(s.subject_id)) if not missing(d)]
            end = min(max(known), data.today) if known else data.today
        rows.append((s.subject, s.status, 1, max(study_day(end, _as_date(s.dose_date)), 1)))
    columns = ["subject", "status", "start_day", "end_day"]
    return pd.DataFrame(rows, columns=columns).sort_values("subject", ignore_index=True)


def _as_date(value: Any) -> date:
    return date.fromisoformat(str(value)[:10])


def visit_marks(rows: pd.DataFrame) -> pd.DataFrame:
    """Visit markers: actual study day, target day, and whether the visit was in its window."""
    marks = rows[["visit", "study_day", "target_day", "out_of_window"]].copy()
    marks["window"] = marks["out_of_window"].map({True: "off window", False: "on window"})
    return marks.drop(columns=["out_of_window"])


def cohort_values(measures: pd.DataFrame, key: str) -> pd.DataFrame:
    """Every dosed subject's observed values of one measure, for a spaghetti plot."""
    rows = measures[measures["study_day"].notna() & measures[key].notna()]
    frame = rows[["subject", "visit", "study_day", "target_day", key]].rename(
        columns={key: "value"}
    )
    return frame.sort_values(["subject", "study_day"]).reset_index(drop=True)


CASEBOOK_COLUMNS = {
    "visit": "Visit",
    "actual_date": "Date",
    "study_day": "Study day",
    "visit_status": "Status",
    "sledai": "SLEDAI-2K",
    "clinical_sledai": "Clinical SLEDAI",
    "bilag_score": "BILAG score",
    "bilag_overall": "BILAG overall",
    "pga_text": "PGA",
    "prednisone_mg": "Prednisone mg/day",
    "egfr": "eGFR",
    "upcr": "UPCR g/g",
    "c3": "C3",
    "c4": "C4",
    "dsdna": "Anti-dsDNA",
}


@dataclass(frozen=True)
class SubjectTimeline:
    """One subject's frames: the visit table and every timeline panel's data."""

    subject: str
    dosed: bool
    table: pd.DataFrame
    measures: pd.DataFrame
    bilag: pd.DataFrame
    steps: pd.DataFrame
    pulses: pd.DataFrame
    lanes: pd.DataFrame
    marks: pd.DataFrame
    units: Mapping[str, str] = field(default_factory=dict)
    """Measure key → the unit shown (lab units from the study definition), for axis titles."""


def subject_timeline(outcomes: Outcomes, subject_id: int) -> SubjectTimeline:
    """Gather one subject's timeline frames from the snapshot (no recomputation)."""
    everything = outcomes.measures[outcomes.measures["subject_id"] == subject_id]
    label = str(everything["subject"].iloc[0]) if not everything.empty else str(subject_id)
    dose = everything["dose_date"].iloc[0] if not everything.empty else None
    rows = subject_rows(outcomes.measures, subject_id)
    table = everything[everything["actual_date"].notna()][list(CASEBOOK_COLUMNS)]
    steps, pulses = steroid_steps(outcomes.series.get(subject_id), dose)
    return SubjectTimeline(
        subject=label,
        dosed=not missing(dose),
        table=table.rename(columns=CASEBOOK_COLUMNS).reset_index(drop=True),
        measures=long_measures(rows, [m.key for m in MEASURES]),
        bilag=bilag_cells(rows),
        steps=steps,
        pulses=pulses,
        lanes=ae_lanes(outcomes.data, [subject_id]),
        marks=visit_marks(rows),
        units=MappingProxyType({m.key: m.unit_in(outcomes.study) for m in MEASURES}),
    )
