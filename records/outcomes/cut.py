"""Clinical frames restricted to some subjects and to what was known at a data cut.

THE data cut of `records.data_cut`, the same the Excel listings apply: rows dated after the cut
are left out, undated rows are kept, and an end after the cut is not yet known (ongoing).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from records.cells import missing
from records.data_cut import after_cut, known_rows, unknown_ends

if TYPE_CHECKING:
    from records.outcomes.source import ClinicalData


def in_scope(data: ClinicalData, subject_ids: tuple[int, ...] | None) -> ClinicalData:
    """Only the rows of the selected subjects (all subjects when `subject_ids` is None)."""
    if subject_ids is None:
        return data
    keep = set(subject_ids)
    subjects = data.subjects[data.subjects["subject_id"].isin(keep)]
    visits = data.visits[data.visits["subject_id"].isin(keep)]
    return _with_visits(replace(data, subjects=subjects.reset_index(drop=True)), visits)


def _subjects_at(subjects: pd.DataFrame, cut: date) -> pd.DataFrame:
    """Subjects consented by the cut; a later dose or status change has not happened yet."""
    frame = known_rows(subjects, "consent_date", cut).copy()
    late_dose = [after_cut(d, cut) for d in frame["dose_date"]]
    frame.loc[late_dose, "dose_date"] = None
    late_status = [after_cut(d, cut) for d in frame["status_date"]]
    was = frame["dose_date"].map(lambda d: "screening" if missing(d) else "dosed")
    frame.loc[late_status, "status"] = was[late_status]
    frame.loc[late_status, ["status_date", "status_reason"]] = None
    return frame.reset_index(drop=True)


def as_of(data: ClinicalData, cut: date | None) -> ClinicalData:
    """The data as known at the cut, with `today` = the cut (None: unchanged)."""
    if cut is None:
        return data
    subjects = _subjects_at(data.subjects, cut)
    visits = data.visits[data.visits["subject_id"].isin(set(subjects["subject_id"]))]
    visits = known_rows(visits, "actual_date", cut)
    meds = unknown_ends(known_rows(data.medications, "start", cut), "stop", cut, "ongoing")
    labs = known_rows(data.labs, "collected_on", cut)
    today = min(data.today, cut)
    cut_data = replace(data, subjects=subjects, medications=meds, labs=labs, today=today)
    return _with_visits(cut_data, visits)


def _with_visits(data: ClinicalData, visits: pd.DataFrame) -> ClinicalData:
    """Keep the visit-keyed frames (items, labs, weights) of the kept visits only."""
    ids = set(visits["visit_id"])
    subject_ids = set(data.subjects["subject_id"])
    return replace(
        data,
        visits=visits,
        items=data.items[data.items["visit_id"].isin(ids)],
        labs=data.labs[data.labs["visit_id"].isin(ids)],
        medications=data.medications[data.medications["subject_id"].isin(subject_ids)],
        weights=data.weights[data.weights["visit_id"].isin(ids)],
    )
