"""A table with its CSV download, a chart with its PNG and SVG downloads (one call each).

Bytes are built only when the button is clicked (callable `data`, Streamlit ≥ 1.52), on their own
thread, so pages stay fast; `on_click="ignore"` avoids a rerun (spec/streamlit.md §7).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit.dataframe_util import convert_anything_to_arrow_bytes

from charts.spec import Spec, vega_lite_spec
from exports.chart_image import PNG_MIME, SVG_MIME, chart_png, chart_svg
from exports.csv_file import frame_to_csv_bytes


@dataclass(frozen=True)
class ChartSpecs:
    """A chart ready to cache: the spec with Arrow datasets to show, and JSON text to export."""

    display: Spec
    export: str


def prepare(figure: alt.TopLevelMixin) -> ChartSpecs:
    """Convert once: Streamlit skips its own Arrow conversion of datasets already in bytes."""
    spec = vega_lite_spec(figure)
    datasets = {
        name: convert_anything_to_arrow_bytes(pd.DataFrame(rows))
        for name, rows in spec.get("datasets", {}).items()
    }
    return ChartSpecs({**spec, "datasets": datasets}, json.dumps(spec))


def table(frame: pd.DataFrame | pa.Table, name: str, key: str, **options: Any) -> Any:
    """Show a frame (missing values stay blank, never zero) and offer it as CSV; returns what
    `st.dataframe` returns (the selection state with `on_select`)."""
    state = st.dataframe(frame, hide_index=True, key=f"{key}_table", **options)
    st.download_button(
        "Download CSV",
        data=lambda: frame_to_csv_bytes(
            frame.to_pandas() if isinstance(frame, pa.Table) else frame
        ),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/download:",
    )
    return state


def chart(figure: ChartSpecs, name: str, key: str) -> None:
    """Show a prepared chart and offer it as PNG and SVG (side by side, one layout block)."""
    st.vega_lite_chart(figure.display, key=f"{key}_chart")
    row = st.container(horizontal=True)
    row.download_button(
        "PNG",
        data=lambda: chart_png(figure.export),
        file_name=f"{name}.png",
        mime=PNG_MIME,
        key=f"{key}_png",
        on_click="ignore",
        icon=":material/image:",
    )
    row.download_button(
        "SVG",
        data=lambda: chart_svg(figure.export),
        file_name=f"{name}.svg",
        mime=SVG_MIME,
        key=f"{key}_svg",
        on_click="ignore",
        icon=":material/image:",
    )
