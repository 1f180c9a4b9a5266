"""Adverse events as swimmer lanes: bars from onset to end, coloured by severity (spec §8).

Serious events get a black diamond at onset; ongoing events a triangle at the data cut-off.
A bar covers its end day (drawn to end day + 1), so a one-day event stays visible.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from charts.palette import severity_scale
from charts.timeline import WIDTH, Domain, Figure, day_domain, x_axis


def ae_swimmer(lanes: pd.DataFrame, lane: str = "subject", domain: Domain | None = None) -> Figure:
    """One lane per `lane` value (subject, or AE label for one subject's timeline)."""
    frame = lanes.assign(bar_end=lanes["end_day"] + 1)
    domain = domain or day_domain([frame], ("onset_day", "bar_end"))
    y = alt.Y(f"{lane}:N", title=None, sort=alt.SortField("onset_day"))
    base = alt.Chart(frame)
    tooltip = ["label:N", "onset_day:Q", "end_day:Q", "severity:N", "grade:Q", "serious:N"]
    bars = base.mark_bar(height=10).encode(
        x=x_axis(domain, "onset_day"),
        x2="bar_end:Q",
        y=y,
        color=alt.Color("severity:N", scale=severity_scale(), title="Severity"),
        tooltip=[*tooltip, "ongoing:N"],
    )
    serious = base.transform_filter(alt.datum.serious).mark_point(
        shape="diamond", filled=True, size=90, color="black"
    )
    ongoing = base.transform_filter(alt.datum.ongoing).mark_point(
        shape="triangle-right", filled=True, size=80, color="black"
    )
    layer = alt.layer(
        bars,
        serious.encode(x=x_axis(domain, "onset_day"), y=y, tooltip=tooltip),
        ongoing.encode(x=x_axis(domain, "bar_end"), y=y, tooltip=tooltip),
    )
    lanes_n = max(frame[lane].nunique(), 1)
    title = "Adverse events (diamond: serious, triangle: ongoing)"
    return layer.properties(width=WIDTH, height=min(24 * lanes_n, 900), title=title)
