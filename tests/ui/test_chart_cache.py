"""Study-level charts converted once per content (`ui.chart_cache`, #18)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest
import streamlit as st

from ui.chart_cache import digest, drawn

CALLS: list[int] = []


def points(frame: pd.DataFrame, title: str = "") -> alt.Chart:
    """A chart builder that counts its calls."""
    CALLS.append(len(frame))
    return alt.Chart(frame, title=title).mark_point().encode(x="x:Q", y="n:Q")


@pytest.fixture(autouse=True)
def _fresh() -> None:
    st.cache_resource.clear()
    CALLS.clear()


def frame() -> pd.DataFrame:
    return pd.DataFrame({"x": [1, 2, 3], "n": [4.0, 5.0, 6.0], "visit": ["D1", "D28", "D56"]})


def test_the_digest_is_the_content_every_value_column_and_dtype() -> None:
    same = digest(frame())
    assert digest(frame().copy()) == same
    changed = frame()
    changed.loc[2, "n"] = 6.5
    assert digest(changed) != same
    assert digest(frame().astype({"n": "float32"})) != same
    assert digest(frame().rename(columns={"n": "count"})) != same
    assert digest(frame().iloc[::-1]) != same
    big = pd.DataFrame({"v": range(60_000)})  # Streamlit samples frames this long; we do not
    edited = big.copy()
    edited.loc[30_001, "v"] = -1
    assert digest(big) != digest(edited)


def test_a_chart_is_converted_again_only_when_its_rows_or_options_changed() -> None:
    first = drawn(points, frame(), "Visits")
    assert drawn(points, frame(), "Visits") is first  # a new frame with the same rows
    assert len(CALLS) == 1
    changed = frame()
    changed.loc[0, "n"] = 0.0
    assert drawn(points, changed, "Visits") is not first
    drawn(points, frame(), "Other title")
    assert len(CALLS) == 3
    assert '"Visits"' in first.export
