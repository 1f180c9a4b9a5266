"""Study-level charts converted once per content, not once per edit.

Every committed write gives the pages a new cache key (`ui.cache.key`), so a chart cached on
that key is converted again after any edit anywhere in the study: about 25 ms per chart for
Altair to build and serialise the spec, whatever changed. The rows a study-level chart draws
are a small aggregate (counts per date, a mean per visit), and most edits leave most of them
unchanged: a corrected PGA moves no enrolment date and no adverse event. So the aggregate is
still computed on the new key, and the chart is looked up by the aggregate's exact content
(`digest`: columns, dtypes and every value, never a sample), and converted only when it differs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from types import FunctionType

import altair as alt
import pandas as pd
import streamlit as st

from ui.downloads import ChartSpecs, prepare


def digest(frame: pd.DataFrame) -> str:
    """A fingerprint of a frame's exact content: its column names and dtypes, its index, and
    every value (Streamlit's own hashing samples frames of 50,000 rows or more)."""
    found = hashlib.sha256()
    found.update(repr([(str(c), str(d)) for c, d in frame.dtypes.items()]).encode())
    found.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return found.hexdigest()


def _named(draw: FunctionType) -> str:
    """A chart builder by its module and name (builders are module-level functions)."""
    return f"{draw.__module__}.{draw.__qualname__}"


@st.cache_resource(
    max_entries=64, show_spinner=False, hash_funcs={pd.DataFrame: digest, FunctionType: _named}
)
def drawn(
    draw: Callable[..., alt.TopLevelMixin], frame: pd.DataFrame, *options: Hashable
) -> ChartSpecs:
    """The chart `draw(frame, *options)` prepared for display and export, converted again only
    when the frame's content or the options differ (`draw` is a module-level chart builder)."""
    return prepare(draw(frame, *options))
