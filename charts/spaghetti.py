"""A measure over time for every subject: one thin line each, the visit mean in bold (§8).

x is the study day (unequal intervals and unscheduled visits sit in the right place); the mean
is taken per scheduled visit and drawn at its target day.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from charts.timeline import WIDTH, Figure, day_domain, x_axis


def visit_means(frame: pd.DataFrame) -> pd.DataFrame:
    """Mean and n of the value per visit with a target day (the bold line)."""
    planned = frame.dropna(subset=["target_day", "value"])
    grouped = planned.groupby(["visit", "target_day"], as_index=False)["value"]
    means = grouped.agg(mean="mean", n="count")
    return means.sort_values("target_day").reset_index(drop=True)


def spaghetti(frame: pd.DataFrame, title: str, unit: str = "") -> Figure:
    """Lines per subject (detail=subject) and the per-visit mean (frame: subject, visit,
    study_day, target_day, value)."""
    domain = day_domain([frame])
    y = alt.Y("value:Q", title=unit or None)
    lines = (
        alt.Chart(frame)
        .mark_line(point=True, opacity=0.35, strokeWidth=1)
        .encode(
            x=x_axis(domain),
            y=y,
            detail="subject:N",
            tooltip=["subject:N", "visit:N", "study_day:Q", alt.Tooltip("value:Q", format=".4~g")],
        )
    )
    dots = alt.OverlayMarkDef(color="black", size=50)
    mean = alt.Chart(visit_means(frame)).mark_line(point=dots, color="black", strokeWidth=3)
    mean = mean.encode(
        x=x_axis(domain, "target_day"),
        y=alt.Y("mean:Q", title=unit or None),
        tooltip=["visit:N", "n:Q", alt.Tooltip("mean:Q", format=".4~g")],
    )
    return alt.layer(lines, mean).properties(width=WIDTH, height=300, title=title)
