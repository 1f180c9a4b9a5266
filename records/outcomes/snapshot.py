"""Everything the outcome pages show, derived once from one data snapshot.

Pages cache an `Outcomes` keyed on the change counter (records/changes.py) and the date, so the
frames are computed once per data change and never go stale.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from records.context import Workbench
from records.outcomes.baseline import BaselineRule, baseline_rule, baselines, with_change
from records.outcomes.events import EventContext, event_context
from records.outcomes.lab_issues import lab_issues
from records.outcomes.measures import visit_measures
from records.outcomes.order import SUBJECT_KEYS, in_order, sorted_rows
from records.outcomes.responses import ResponseTable, response_table
from records.outcomes.source import ClinicalData, StudyData, load_study_data
from records.outcomes.steroids import steroid_issues, subject_series
from records.outcomes.worklist import COLUMNS as WORKLIST_COLUMNS
from records.outcomes.worklist import worklist_rows
from scoring.steroids import SteroidSeries
from study.schema import StudyDefinition


@dataclass(frozen=True)
class Outcomes:
    """The snapshot (without the measures' inputs, `MEASURE_INPUTS`), its per-visit measures
    (with baseline and change), and SRI-4…DORIS cells."""

    study: StudyDefinition
    data: StudyData
    measures: pd.DataFrame
    baseline: pd.DataFrame
    rule: BaselineRule
    series: dict[int, SteroidSeries]
    events: EventContext
    responses: ResponseTable
    steroid_issues: pd.DataFrame
    lab_issues: pd.DataFrame
    worklist_rows: pd.DataFrame
    """Each subject's visits on the site's worklist (`records.outcomes.worklist`), unsorted."""

    @property
    def safety_n(self) -> int:
        """N of the safety set: every dosed subject."""
        return int(self.data.subjects["dose_date"].notna().sum())

    def with_sri(self, ks: tuple[int, ...]) -> ResponseTable:
        """The response table with SRI-k for each k in `ks` (SRI-5…8 on demand, spec §3.2)."""
        return response_table(self.measures, self.study, self.events, ks)


@dataclass(frozen=True)
class Derived:
    """Steroid series, per-visit measures and event context: what every response reads."""

    series: dict[int, SteroidSeries]
    measures: pd.DataFrame
    events: EventContext
    steroid_issues: pd.DataFrame
    lab_issues: pd.DataFrame

    def responses(
        self,
        study: StudyDefinition,
        ks: tuple[int, ...] = (4,),
        baseline: pd.DataFrame | None = None,
    ) -> ResponseTable:
        """SRI-k (each k in `ks`), BICLA, LLDAS, DORIS, SFI and KDIGO at every evaluated visit."""
        return response_table(self.measures, study, self.events, ks, baseline)


def derive(data: ClinicalData, study: StudyDefinition) -> Derived:
    """The per-visit measures and intercurrent-event context of one data snapshot."""
    series = subject_series(data)
    measures = visit_measures(data, study, series)
    issues = steroid_issues(data)
    events = event_context(data, study, series)
    return Derived(series, measures, events, issues, lab_issues(data))


def outcomes_of(data: StudyData, study: StudyDefinition) -> Outcomes:
    """Derive every outcome frame from a loaded snapshot (of every subject, or of some: each
    subject's rows depend on that subject's data alone), rows in their canonical order."""
    derived = derive(data, study)
    rule = baseline_rule(study)
    base = baselines(derived.measures, rule)
    ordered = in_order(
        Outcomes(
            study=study,
            data=_consumed(data),
            measures=with_change(derived.measures, base),
            baseline=base,
            rule=rule,
            series=derived.series,
            events=derived.events,
            responses=derived.responses(study, baseline=base),
            steroid_issues=derived.steroid_issues,
            lab_issues=derived.lab_issues,
            worklist_rows=pd.DataFrame(columns=WORKLIST_COLUMNS),
        )
    )
    rows = worklist_rows(ordered.measures, ordered.data, study, data.today)
    return replace(ordered, worklist_rows=sorted_rows(rows, SUBJECT_KEYS))


MEASURE_INPUTS = ("items", "labs", "weights")
"""Frames only the measures read: consumed by `derive`, not kept (the largest: one row per item)."""


def _consumed(data: StudyData) -> StudyData:
    """The snapshot without the measures' inputs (their columns kept, no rows): nothing after
    the derivation reads them, and study frames assembled per subject stay small."""
    empty = {name: pd.DataFrame(columns=getattr(data, name).columns) for name in MEASURE_INPUTS}
    return replace(data, **empty)


def build_outcomes(wb: Workbench, today: date | None = None) -> Outcomes:
    """Load the snapshot and derive every outcome frame from it: the full recomputation
    (`records.outcomes.per_subject` recomputes only the subjects edited since)."""
    return outcomes_of(load_study_data(wb, today), wb.study)
