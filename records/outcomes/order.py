"""The canonical row order of every outcome frame: one block of rows per subject.

A study-level frame assembled from per-subject results (`records.outcomes.per_subject`) must
equal the full recomputation's, row for row. Each frame is sorted stably by keys that begin with
the subject (or a visit, which belongs to one subject), so every subject's rows form one block,
in the order that subject's own computation gave them (the SQL reads order by id), whichever
other subjects were computed with it. Row labels are renumbered 0…n-1: nothing reads them.

After an edit, the recomputed subjects' rows are `merged` into the kept frames: each row placed
by a binary search on the frame's first key (a subject, or a visit of one subject, so no kept
row shares it), a pass over the frame instead of sorting it again.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from records.outcomes.snapshot import Outcomes

Keys = tuple[str, ...]
"""A frame's sort keys, the first naming a subject or one subject's visit."""
DATA_KEYS: dict[str, Keys] = {
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
"""Baseline, steroid and lab issues, worklist rows: one block per subject id."""


def sorted_rows(frame: pd.DataFrame, keys: Keys) -> pd.DataFrame:
    """The frame stably sorted by `keys`, labels renumbered."""
    if frame.empty:
        return frame.reset_index(drop=True)
    return frame.sort_values(list(keys), kind="stable", ignore_index=True)


def stacked(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Rows of several computations as one frame, with the dtypes one computation of them all
    gives: a part whose column is entirely missing does not turn the column into objects."""
    filled = [p for p in parts if not p.empty]
    if len(filled) <= 1:
        return (filled or parts)[-1]
    frame = pd.concat(filled, ignore_index=True)
    for column in frame.columns[[d == "object" for d in frame.dtypes]]:
        if all(p[column].dtype == "object" for p in filled):
            continue  # objects in every part: nothing was coerced
        kinds = {p[column].dtype for p in filled if p[column].notna().any()}
        if len(kinds) == 1 and (kind := kinds.pop()) != "object":
            frame[column] = frame[column].astype(kind)
    return frame


def merged(kept: pd.DataFrame, new: pd.DataFrame, keys: Keys) -> pd.DataFrame:
    """`kept` and `new`, each in canonical order and sharing no value of the first key (rows of
    different subjects), as one frame in canonical order, equal to sorting both together."""
    if new.empty or kept.empty:  # each is in order already
        return stacked([kept, new]).reset_index(drop=True)
    first = keys[0]
    old_keys, new_keys = kept[first], new[first]
    if old_keys.isna().any() or new_keys.isna().any():
        return sorted_rows(stacked([kept, new]), keys)  # a missing key sorts last: sort
    at = np.searchsorted(old_keys.to_numpy(), new_keys.to_numpy(), side="left")
    placed = at + np.arange(len(new))
    order = np.empty(len(kept) + len(new), dtype=np.intp)
    free = np.ones(len(order), dtype=bool)
    free[placed] = False
    order[placed] = np.arange(len(kept), len(order))
    order[free] = np.arange(len(kept))
    return stacked([kept, new]).take(order).reset_index(drop=True)


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
