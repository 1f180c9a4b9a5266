"""Efficacy summaries: change from baseline per visit, BILAG grades, SRI-4 at the primary endpoint.

Descriptive statistics of observed values only (no imputation): a visit with no value has n = 0
and blank statistics, never zeros; SD needs n ≥ 2. Secondary outcomes of spec/study.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from records.outcomes.catalogue import MEASURE_BY_KEY, n_pct
from records.outcomes.measures import BILAG_GRADE_COLUMNS
from records.outcomes.responses import ResponseTable
from scoring import bilag, words
from study.schema import StudyDefinition

STATS = ("n", "mean", "sd", "median", "min", "max")


def _stats(values: pd.Series, prefix: str = "") -> dict[str, float]:
    present = values.dropna()
    return {
        f"{prefix}n": len(present),
        f"{prefix}mean": present.mean() if len(present) else float("nan"),
        f"{prefix}sd": present.std(ddof=1) if len(present) > 1 else float("nan"),
        f"{prefix}median": present.median() if len(present) else float("nan"),
        f"{prefix}min": present.min() if len(present) else float("nan"),
        f"{prefix}max": present.max() if len(present) else float("nan"),
    }


_VISIT_COLUMNS = ("subject_id", "visit_code", "visit_order", "sequence", "actual_date", "dose_date")


def _visit_rows(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Visits done by dosed subjects in visit order, with only the columns asked for (the
    measures frame is wide: taking all its columns for each measure cost most of the time)."""
    frame = frame[[*_VISIT_COLUMNS, *columns]]
    done = frame[frame["actual_date"].notna() & frame["dose_date"].notna()]
    return done.sort_values(["visit_order", "sequence"], kind="stable")


def change_summary(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Per visit done: n, mean, SD, median, min, max of the value and its change from baseline."""
    measure = MEASURE_BY_KEY[key]
    rows = []
    for visit, group in _visit_rows(frame, [key, f"{key}_change"]).groupby(
        "visit_code", sort=False
    ):
        if group[key].notna().sum() == 0:
            continue
        line = {"measure": measure.label, "visit": visit}
        line.update(_stats(group[key]))
        line.update(_stats(group[f"{key}_change"], "change_"))
        rows.append(line)
    columns = ["measure", "visit", *STATS, *(f"change_{s}" for s in STATS)]
    return pd.DataFrame(rows, columns=columns)


def all_changes(frame: pd.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    """change_summary of several measures stacked, for one CSV."""
    parts = [change_summary(frame, key) for key in keys]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def bilag_grades(frame: pd.DataFrame, base: pd.DataFrame) -> pd.DataFrame:
    """Per domain and visit: subjects with each grade A–E, and improved / worse vs baseline
    (a move towards E is an improvement, spec §2.4, §2.6)."""
    columns = list(BILAG_GRADE_COLUMNS.values())
    renamed = base[["subject_id", *columns]].rename(columns={c: f"{c}_baseline" for c in columns})
    rows = []
    merged = _visit_rows(frame, columns).merge(renamed, on="subject_id", how="left")
    for visit, group in merged.groupby("visit_code", sort=False):
        for domain, column in BILAG_GRADE_COLUMNS.items():
            grades = group[column].dropna()
            if grades.empty:
                continue
            line: dict[str, object] = {"visit": visit, "domain": domain}
            line.update({g: int((grades == g).sum()) for g in bilag.GRADES})
            base = group.loc[grades.index, f"{column}_baseline"]
            paired = base.notna()
            line["improved"] = int((grades[paired] > base[paired]).sum())
            line["worse"] = int((grades[paired] < base[paired]).sum())
            rows.append(line)
    return pd.DataFrame(rows, columns=["visit", "domain", *bilag.GRADES, "improved", "worse"])


@dataclass(frozen=True)
class EndpointSummary:
    """SRI-4 at the primary endpoint: counts over N dosed subjects and who did not respond why."""

    visit: str
    n: int
    counts: pd.DataFrame
    non_responders: pd.DataFrame


def sri_endpoint(
    table: ResponseTable, study: StudyDefinition, n: int, index: str = "SRI-4"
) -> EndpointSummary:
    """Responders n/N (%), non-responders, not evaluable and not yet reached (spec §3, study)."""
    visit = study.protocol.primary_endpoint_visit
    rows = table.frame[table.frame["visit_code"] == visit]
    labels = rows[index].value_counts()
    reached = len(rows)
    counts = pd.DataFrame(
        [
            (name, n_pct(int(labels.get(key, 0)), n))
            for name, key in (
                ("Responders", "responder"),
                ("Non-responders", "non-responder"),
                ("Not evaluable", "not evaluable"),
            )
        ]
        + [("Endpoint visit not reached yet", n_pct(n - reached, n))],
        columns=["Outcome", f"n (%) of N = {n}"],
    )
    failed = []
    for row in rows[rows[index] == "non-responder"].itertuples(index=False):
        result = table.explain(int(row.subject_id), int(row.visit_id), index)
        if result is not None:
            decided = words.criteria(result.decided_by)
            failed.append((row.subject, decided, "; ".join(result.reasons)))
    reasons = pd.DataFrame(failed, columns=["subject", "decided by", "reasons"])
    return EndpointSummary(visit, n, counts, reasons)
