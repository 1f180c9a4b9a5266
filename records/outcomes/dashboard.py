"""Study dashboard numbers: enrolment funnel, visit compliance, forms outstanding, entry lag.

Visit statuses are the calendar's (`records.visits`: done, due, overdue, missed, not yet due, not
expected after the subject left the study);
forms count as entered when `records.forms_status` says so (complete, or recorded as not done).
"""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from records.outcomes.catalogue import n_pct
from records.outcomes.events import WITHDRAWN
from records.outcomes.snapshot import Outcomes
from records.outcomes.source import StudyData
from records.outcomes.worklist import entered_forms
from study.schema import StudyDefinition

SITE_ORIGIN = "ui"
"""Audit origin of a save typed into the app; anything else (cli, system) is a bulk load."""
_COMPLIANCE = ("done", "out of window", "due", "overdue", "missed")
NOT_EXPECTED = "not expected (left the study)"
"""Scheduled visits after a withdrawal, loss to follow-up or death: never overdue (§3.3 (d))."""


def funnel(data: StudyData) -> pd.DataFrame:
    """Screened → eligible → dosed → follow-up / completed / early termination, n (% screened)."""
    s = data.subjects
    eligible_ids = set(
        data.eligibility.loc[
            (data.eligibility["eligibility"] == "eligible") | data.eligibility["override"],
            "subject_id",
        ]
    )
    dosed = s["dose_date"].notna()
    stages = (
        ("Screened", pd.Series(True, index=s.index)),
        ("Screen failure", s["status"] == "screen_failure"),
        ("Eligible (or override)", s["subject_id"].isin(eligible_ids) | dosed),
        ("Dosed (day 1)", dosed),
        ("In follow-up", s["status"] == "dosed"),
        ("Completed", s["status"] == "completed"),
        ("Early termination / lost / died", s["status"].isin(WITHDRAWN)),
    )
    total = len(s)
    rows = [(name, int(mask.sum()), n_pct(int(mask.sum()), total)) for name, mask in stages]
    return pd.DataFrame(rows, columns=["Stage", "Subjects", "n (% of screened)"])


def _scheduled(measures: pd.DataFrame, study: StudyDefinition) -> pd.DataFrame:
    codes = [v.code for v in study.visits if v.kind == "scheduled"]
    rows = measures[measures["visit_code"].isin(codes) & measures["dose_date"].notna()].copy()
    late = (rows["calendar_status"] == "done") & rows["out_of_window"].astype(bool)
    rows["compliance"] = rows["calendar_status"].where(~late, "out of window")
    return rows


def compliance(measures: pd.DataFrame, study: StudyDefinition) -> pd.DataFrame:
    """Scheduled visits of dosed subjects by status, per visit and in total."""
    every = _scheduled(measures, study)
    rows = every[every["compliance"].isin(_COMPLIANCE)]
    table = pd.crosstab(rows["visit_code"], rows["compliance"]).reindex(columns=list(_COMPLIANCE))
    order = [v.code for v in study.visits if v.code in set(every["visit_code"])]
    table = table.reindex(order).fillna(0).astype(int)
    gone = every[every["compliance"] == "not_expected"].groupby("visit_code").size()
    table.insert(0, "expected so far", table.sum(axis=1))
    table[NOT_EXPECTED] = [int(gone.get(code, 0)) for code in table.index]
    table.loc["All visits"] = table.sum()
    return table.rename_axis("Visit").reset_index()


def _expected(study: StudyDefinition) -> dict[str, tuple[str, ...]]:
    return {v.code: v.forms for v in study.visits}


def outstanding(measures: pd.DataFrame, data: StudyData, study: StudyDefinition) -> pd.DataFrame:
    """Expected forms not yet entered at visits that are done or due/overdue, one row per form."""
    entered = entered_forms(data)
    expected = _expected(study)
    columns = ["subject", "visit", "visit_order", "calendar_status", "visit_code", "visit_id"]
    open_visits = measures.loc[
        measures["calendar_status"].isin(("done", "due", "overdue")), columns
    ]
    rows = [
        (v.subject, v.visit, v.visit_order, v.calendar_status, form)
        for v in open_visits.itertuples(index=False)
        for form in expected.get(v.visit_code, ())
        if (v.visit_id, form) not in entered
    ]
    columns = ["subject", "visit", "visit_order", "visit_status", "form"]
    return pd.DataFrame(rows, columns=columns)


def outstanding_grid(measures: pd.DataFrame, missing_forms: pd.DataFrame) -> pd.DataFrame:
    """Subject × visit count of forms outstanding; blank where the visit is not open."""
    open_visits = measures[measures["calendar_status"].isin(("done", "due", "overdue"))]
    counts = missing_forms.groupby(["subject", "visit"]).size().to_dict()
    cells = open_visits[["subject", "visit", "visit_order", "sequence"]].copy()
    cells["outstanding"] = [
        int(counts.get((s, v), 0)) for s, v in zip(cells["subject"], cells["visit"], strict=True)
    ]
    order = cells.sort_values(["visit_order", "sequence"])["visit"].drop_duplicates().tolist()
    grid = cells.pivot_table(index="subject", columns="visit", values="outstanding", aggfunc="sum")
    grid = grid.reindex(columns=order).astype("Int64")
    return grid.rename_axis(None, axis=1).reset_index()


def entry_lag(data: StudyData, measures: pd.DataFrame, study: StudyDefinition) -> pd.DataFrame:
    """Days from each visit's date to the first save of each of its forms (site-local dates,
    read with the entries: `records.outcomes.source`);
    `bulk` marks a first save not typed in the app (origin cli/system: the demo builder, an
    import), whose timestamp says when the batch ran, not when the site entered the visit."""
    visits = measures[["visit_id", "subject", "visit", "actual_date"]].dropna(
        subset=["actual_date"]
    )
    rows = data.entries.merge(visits, on="visit_id", how="inner")
    rows["lag_days"] = [
        (entered - done).days
        for entered, done in zip(rows["entered_on"], rows["actual_date"], strict=True)
    ]
    rows["bulk"] = rows["origin"] != SITE_ORIGIN
    columns = ["subject", "visit", "form_code", "actual_date", "entered_on", "lag_days", "bulk"]
    return rows[columns].sort_values(["subject", "visit", "form_code"]).reset_index(drop=True)


def lag_summary(lags: pd.DataFrame) -> pd.DataFrame:
    """Entry lag per form: forms entered, median, mean, 90th percentile and maximum days."""
    if lags.empty:
        return pd.DataFrame(columns=["Form", "Forms entered", "Median", "Mean", "P90", "Max"])
    grouped = lags.groupby("form_code")["lag_days"]
    table = pd.DataFrame(
        {
            "Forms entered": grouped.size(),
            "Median": grouped.median(),
            "Mean": grouped.mean().round(1),
            "P90": grouped.quantile(0.9),
            "Max": grouped.max(),
        }
    )
    table.loc["All forms"] = [
        len(lags),
        lags["lag_days"].median(),
        round(lags["lag_days"].mean(), 1),
        lags["lag_days"].quantile(0.9),
        lags["lag_days"].max(),
    ]
    return table.rename_axis("Form").reset_index()


class Dashboard:
    """Every dashboard table of the home page, from one snapshot, each built when first read:
    Home shows one view at a time, so the first run after an edit builds only the one shown."""

    def __init__(self, outcomes: Outcomes) -> None:
        self._o = outcomes

    @cached_property
    def funnel(self) -> pd.DataFrame:
        return funnel(self._o.data)

    @cached_property
    def compliance(self) -> pd.DataFrame:
        return compliance(self._o.measures, self._o.study)

    @cached_property
    def _missing(self) -> pd.DataFrame:
        return outstanding(self._o.measures, self._o.data, self._o.study)

    @cached_property
    def outstanding(self) -> pd.DataFrame:
        return self._missing.drop(columns=["visit_order"])

    @cached_property
    def grid(self) -> pd.DataFrame:
        return outstanding_grid(self._o.measures, self._missing)

    @cached_property
    def lags(self) -> pd.DataFrame:
        return entry_lag(self._o.data, self._o.measures, self._o.study)

    @cached_property
    def lag_summary(self) -> pd.DataFrame:
        return lag_summary(self.lags[~self.lags["bulk"]])

    @property
    def bulk_entries(self) -> int:
        """Forms whose first save was a bulk load, left out of the lag summary."""
        return int(self.lags["bulk"].sum())


def study_dashboard(outcomes: Outcomes) -> Dashboard:
    """Funnel, visit compliance, forms outstanding (long and grid) and entry lag."""
    return Dashboard(outcomes)
