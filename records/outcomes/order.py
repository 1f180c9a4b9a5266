"""The canonical row order of every outcome frame: one block of rows per subject.

A study-level frame assembled from per-subject results (`records.outcomes.per_subject`) must
equal the full recomputation's, row for row. Each frame is sorted stably by keys that begin with
the subject (or a visit, which belongs to one subject), so every subject's rows form one block,
in the order that subject's own computation gave them (the SQL reads order by id), whichever
other subjects were computed with it. Row labels are renumbered 0…n-1: nothing reads them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from records.outcomes.snapshot import Outcomes

DATA_KEYS: dict[str, tuple[str, ...]] = {
    "subjects": ("subject",),
    "visits": ("subject_id", "visit_order", "sequence"),
    "items": ("visit_id",),
    "labs": ("subject_id",),
    "medications": ("subject_id",),
    "weights": ("visit_id",),
    "forms": ("visit_id",),
    "adverse_events": ("subject_id",),
    "eligibility": ("subject_id",),
    "doses": ("subject_id",),
    "entries": ("visit_id",),  # within a visit: form order, as read
}
"""Sort keys of each `StudyData` frame."""
MEASURES_KEYS = ("subject", "visit_order", "sequence")
RESPONSES_KEYS = ("subject", "visit_order")
SUBJECT_KEYS = ("subject_id",)
"""Baseline and steroid issues: one block per subject id."""


def sorted_rows(frame: pd.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    """The frame stably sorted by `keys`, labels renumbered."""
    if frame.empty:
        return frame.reset_index(drop=True)
    return frame.sort_values(list(keys), kind="stable", ignore_index=True)


def in_order(o: Outcomes) -> Outcomes:
    """The outcomes with every frame in its canonical order."""
    data = replace(
        o.data, **{name: sorted_rows(getattr(o.data, name), k) for name, k in DATA_KEYS.items()}
    )
    responses = replace(o.responses, frame=sorted_rows(o.responses.frame, RESPONSES_KEYS))
    return replace(
        o,
        data=data,
        measures=sorted_rows(o.measures, MEASURES_KEYS),
        baseline=sorted_rows(o.baseline, SUBJECT_KEYS),
        responses=responses,
        steroid_issues=sorted_rows(o.steroid_issues, SUBJECT_KEYS),
        lab_issues=sorted_rows(o.lab_issues, SUBJECT_KEYS),
    )
