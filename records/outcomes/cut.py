"""Clinical frames restricted to some subjects and to what was known at a data cut.

The same rules as the Excel listings (`records.listings.frames.cut_rows` / `cut_end`): rows dated
after the cut are left out, undated rows are kept, and an end after the cut is not yet known.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from records.outcomes.catalogue import is_missing
from scoring.dates import parse_partial_date
from scoring.errors import ScoringInputError

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


def _after(value: Any, cut: date) -> bool:
    """True when a (possibly partial) date certainly falls after the cut."""
    if is_missing(value):
        return False
    try:
        return parse_partial_date(str(value)[:10]).earliest().date() > cut
    except (ScoringInputError, ValueError):
        return False


def _known(frame: pd.DataFrame, column: str, cut: date) -> pd.DataFrame:
    """Rows whose date in `column` is not after the cut (an empty frame keeps its columns)."""
    keep = [not _after(d, cut) for d in frame[column]]
    return frame.loc[pd.Series(keep, index=frame.index, dtype=bool)]


def _subjects_at(subjects: pd.DataFrame, cut: date) -> pd.DataFrame:
    """Subjects consented by the cut; a later dose or status change has not happened yet."""
    frame = _known(subjects, "consent_date", cut).copy()
    late_dose = [_after(d, cut) for d in frame["dose_date"]]
    frame.loc[late_dose, "dose_date"] = None
    late_status = [_after(d, cut) for d in frame["status_date"]]
    was = frame["dose_date"].map(lambda d: "screening" if is_missing(d) else "dosed")
    frame.loc[late_status, "status"] = was[late_status]
    frame.loc[late_status, ["status_date", "status_reason"]] = None
    return frame.reset_index(drop=True)


def as_of(data: ClinicalData, cut: date | None) -> ClinicalData:
    """The data as known at the cut, with `today` = the cut (None: unchanged)."""
    if cut is None:
        return data
    subjects = _subjects_at(data.subjects, cut)
    visits = data.visits[data.visits["subject_id"].isin(set(subjects["subject_id"]))]
    visits = _known(visits, "actual_date", cut)
    meds = _known(data.medications, "start", cut).copy()
    meds.loc[[_after(d, cut) for d in meds["stop"]], "stop"] = None
    labs = _known(data.labs, "collected_on", cut)
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
