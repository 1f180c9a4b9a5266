"""The sponsor's headline numbers for Home: enrolment over time, SLEDAI-2K change from baseline,
SRI-4 responders and treatment-emergent AEs by visit or severity. Pure reads of one snapshot.

Observed values only, as in `efficacy` (no imputation); responders are counted over the
subjects evaluable at that visit (responder or non-responder), never over N.
"""

from __future__ import annotations

import pandas as pd

from records.outcomes.efficacy import change_summary
from records.outcomes.responses import ResponseTable
from records.outcomes.safety import counts_by_worst, teae_frame
from records.outcomes.source import StudyData
from scoring.ae_terms import AESEV

STAGES = ("Screened", "Dosed")
NOT_GRADED = "not recorded"


def enrolment_over_time(data: StudyData) -> pd.DataFrame:
    """Cumulative subjects screened (consent date) and dosed (day 1) by date, one row per date
    and stage where the count changed. Columns: date, stage, subjects."""
    parts = []
    for stage, column in zip(STAGES, ("consent_date", "dose_date"), strict=True):
        dates = pd.to_datetime(data.subjects[column].dropna().astype(str)).sort_values()
        counts = dates.value_counts().sort_index().cumsum()
        parts.append(pd.DataFrame({"date": counts.index, "stage": stage, "subjects": counts}))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    frame = frame.reindex(columns=["date", "stage", "subjects"])
    return frame.astype({"subjects": int}).sort_values(["stage", "date"], ignore_index=True)


def sledai_change(measures: pd.DataFrame) -> pd.DataFrame:
    """SLEDAI-2K change from baseline per visit done: n, mean, median (visit order kept)."""
    summary = change_summary(measures, "sledai")
    frame = summary[["visit", "change_n", "change_mean", "change_median"]].rename(
        columns={"change_n": "n", "change_mean": "mean", "change_median": "median"}
    )
    return frame[frame["n"] > 0].reset_index(drop=True)


def responders_by_visit(table: ResponseTable, index: str = "SRI-4") -> pd.DataFrame:
    """Per evaluated visit: responders, evaluable (responder or non-responder), not evaluable,
    and the percentage of evaluable subjects who responded."""
    frame = table.frame.sort_values("visit_order", kind="stable")
    rows = []
    for visit, group in frame.groupby("visit", sort=False):
        labels = group[index].value_counts()
        responders = int(labels.get("responder", 0))
        evaluable = responders + int(labels.get("non-responder", 0))
        pct = 100 * responders / evaluable if evaluable else float("nan")
        rows.append((visit, responders, evaluable, int(labels.get("not evaluable", 0)), pct))
    columns = ["visit", "responders", "evaluable", "not_evaluable", "pct"]
    return pd.DataFrame(rows, columns=columns)


def teae_by_severity(data: StudyData) -> pd.DataFrame:
    """Treatment-emergent AEs by severity: events, and subjects counted once at their worst
    severity (spec/scoring.md §9.5). Columns: severity, subjects, events; every severity listed,
    "not recorded" only when some event has no severity."""
    counted = counts_by_worst(teae_frame(data), "severity", AESEV)
    rows = [
        (NOT_GRADED if value is None else value, subjects, events)
        for value, subjects, events in counted
        if value is not None or subjects or events
    ]
    return pd.DataFrame(rows, columns=["severity", "subjects", "events"])
