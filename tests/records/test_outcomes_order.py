"""Merging recomputed subjects' rows into kept study frames (`records.outcomes.order`, #18):
the merge must give exactly what sorting every row together gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from records.outcomes.order import MEASURES_KEYS, merged, sorted_rows, stacked

VISIT_KEYS = ("visit_id",)


@st.composite
def study_rows(draw: st.DrawFn) -> tuple[pd.DataFrame, set[str]]:
    """Rows of several subjects (a few visits each, repeated visits sharing an order), and the
    subjects recomputed after an edit."""
    subjects = draw(st.lists(st.integers(1, 60), min_size=1, max_size=12, unique=True))
    rows, visit_id = [], 0
    for number in draw(st.permutations(subjects)):
        for order in draw(st.lists(st.integers(1, 5), max_size=6)):
            visit_id += draw(st.integers(1, 3))
            rows.append((f"S-{number:03d}", order, draw(st.integers(0, 2)), visit_id, number))
    frame = pd.DataFrame(
        rows, columns=["subject", "visit_order", "sequence", "visit_id", "subject_id"]
    ).astype({"visit_order": "int64", "sequence": "int64", "visit_id": "int64"})
    frame["value"] = np.arange(len(frame), dtype=float)  # tells equal keys apart
    names = sorted(frame["subject"].unique())
    edited = set(draw(st.lists(st.sampled_from(names), max_size=len(names)))) if names else set()
    return frame, edited


@settings(max_examples=200, deadline=None)
@given(study_rows())
def test_merging_recomputed_subjects_equals_sorting_everything(case) -> None:
    frame, edited = case
    for keys in (MEASURES_KEYS, VISIT_KEYS):
        whole = sorted_rows(frame, keys)
        mine = frame["subject"].isin(edited)
        kept = sorted_rows(frame[~mine], keys)
        new = sorted_rows(frame[mine], keys)
        assert_frame_equal(merged(kept, new, keys), whole)


def test_a_missing_first_key_is_sorted_last_as_a_full_sort_would() -> None:
    kept = pd.DataFrame({"visit_id": [1.0, 5.0], "v": ["a", "b"]})
    new = pd.DataFrame({"visit_id": [3.0, np.nan], "v": ["c", "d"]})
    assert merged(kept, new, VISIT_KEYS)["v"].tolist() == ["a", "c", "b", "d"]


def test_stacking_keeps_the_dtype_a_part_without_values_would_have_turned_to_objects() -> None:
    values = pd.DataFrame({"x": [1.5, 2.5], "y": ["a", "b"]})
    empty_column = pd.DataFrame({"x": pd.Series([None], dtype=object), "y": ["c"]})
    both = stacked([values, empty_column])
    assert both["x"].dtype == "float64"
    assert both["x"].tolist()[:2] == [1.5, 2.5] and pd.isna(both["x"].iloc[2])
    texts = pd.DataFrame({"x": pd.Series(["p"], dtype=object), "y": ["d"]})
    assert stacked([empty_column, texts])["x"].dtype == "object"
