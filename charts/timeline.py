"""One subject's timeline panels on a shared study-day axis (spec/streamlit.md §8 patterns).

Each builder takes a frame from `records.outcomes.timeline` and the x domain shared by every
panel, so the panels line up when stacked with `subject_timeline`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

import altair as alt
import pandas as pd

from charts.palette import band_scale, bilag_scale, sledai_bands, window_scale
from scoring.bilag import DOMAINS

WIDTH = 680
HEIGHT = 110
Domain = tuple[float, float]
Figure = alt.TopLevelMixin
"""What every builder returns (a layer or a stack); Altair's own annotations are looser."""


def day_domain(frames: Iterable[pd.DataFrame], columns: Sequence[str] = ("study_day",)) -> Domain:
    """The study-day range covering every frame (padded by two days; day 1 when empty)."""
    days = [
        value
        for frame in frames
        for column in columns
        if column in frame
        for value in frame[column].dropna().tolist()
    ]
    if not days:
        return (-1.0, 2.0)
    return (float(min(days)) - 2, float(max(days)) + 2)


def x_axis(domain: Domain, field: str = "study_day", title: str | None = "Study day") -> alt.X:
    """The shared study-day x encoding (no 'nice' rounding, so every panel matches)."""
    scale = alt.Scale(domain=list(domain), nice=False)
    return alt.X(f"{field}:Q", title=title, scale=scale, axis=alt.Axis(format="d", tickMinStep=1))


def _panel(chart: Figure, title: str) -> Figure:
    return chart.properties(width=WIDTH, height=HEIGHT, title=title)


def visit_strip(marks: pd.DataFrame, domain: Domain) -> Figure:
    """Visit markers at their study day, green on window and red off window; targets as ticks."""
    base = alt.Chart(marks)
    targets = base.mark_tick(color="#999999", thickness=1).encode(
        x=x_axis(domain, "target_day", None)
    )
    points = base.mark_point(filled=True, size=90).encode(
        x=x_axis(domain, title=None),
        color=alt.Color("window:N", scale=window_scale(), title="Visit"),
        tooltip=["visit:N", "study_day:Q", "target_day:Q", "window:N"],
    )
    labels = base.mark_text(dy=-12, fontSize=10).encode(
        x=x_axis(domain, title=None), text="visit:N"
    )
    layer = alt.layer(targets, points, labels)
    return layer.properties(width=WIDTH, height=40, title="Visits (tick = target day)")


def sledai_panel(long: pd.DataFrame, domain: Domain) -> Figure:
    """SLEDAI-2K total and clinical SLEDAI over protocol activity bands (spec §1.4, §1.5)."""
    top = max(float(long["value"].max()) if not long.empty else 0.0, 10.0) + 2
    y = alt.Y("y:Q", title="Score (0–105)", scale=alt.Scale(domain=[0, top], nice=False))
    bands = (
        alt.Chart(sledai_bands(top))
        .mark_rect(opacity=0.6)
        .encode(
            y=y,
            y2="y2:Q",
            color=alt.Color("band:N", scale=band_scale(), title="Activity band"),
        )
    )
    lines = measure_lines(long, domain, "Score (0–105)")
    return _panel(alt.layer(bands, lines).resolve_scale(color="independent"), "SLEDAI-2K")


def measure_lines(long: pd.DataFrame, domain: Domain, y_title: str | None = None) -> alt.Chart:
    """Lines with points per measure (long frame: study_day, value, measure, visit); the y
    title names the unit."""
    chart: alt.Chart = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=x_axis(domain),
            y=alt.Y("value:Q", title=y_title),
            color=alt.Color("measure:N", title=None),
            tooltip=["visit:N", "study_day:Q", "measure:N", alt.Tooltip("value:Q", format=".4~g")],
        )
    )
    return chart


def measure_panel(
    long: pd.DataFrame,
    domain: Domain,
    title: str,
    rules: Sequence[tuple[float, str]] = (),
    y_title: str | None = None,
) -> Figure:
    """A line panel with optional horizontal threshold rules (value, label); `y_title` carries
    the unit (e.g. "UPCR (g/g)")."""
    layers: list[alt.Chart] = [measure_lines(long, domain, y_title)]
    if rules:
        frame = pd.DataFrame(rules, columns=["threshold", "label"])
        rule = alt.Chart(frame).mark_rule(strokeDash=[4, 4], color="#666666")
        layers.append(rule.encode(y="threshold:Q", tooltip=["label:N", "threshold:Q"]))
    return _panel(alt.layer(*layers), title)


def bilag_heatmap(cells: pd.DataFrame, domain: Domain) -> Figure:
    """BILAG-2004 domains × visits in fixed A–E colours, grade letter layered (spec §2.7, §8)."""
    frame = cells.copy()
    days = sorted(frame["study_day"].unique()) if not frame.empty else []
    half = {d: min([6.0] + [abs(d - o) / 2 for o in days if o != d]) for d in days}
    frame["x0"] = frame["study_day"] - frame["study_day"].map(half)
    frame["x1"] = frame["study_day"] + frame["study_day"].map(half)
    y = alt.Y("domain:N", sort=list(DOMAINS), title="Domain", axis=alt.Axis(labelOverlap=False))
    base = alt.Chart(frame)
    rects = base.mark_rect(stroke="white", clip=True).encode(
        x=x_axis(domain, "x0"),
        x2="x1:Q",
        y=y,
        color=alt.Color("grade:N", scale=bilag_scale(), title="BILAG grade"),
        tooltip=["visit:N", "study_day:Q", "domain:N", "grade:N"],
    )
    text = base.mark_text(fontSize=10).encode(x=x_axis(domain), y=y, text="grade:N")
    layer = alt.layer(rects, text)
    return layer.properties(width=WIDTH, height=22 * len(DOMAINS), title="BILAG-2004 domain grades")


def prednisone_panel(
    steps: pd.DataFrame, pulses: pd.DataFrame, domain: Domain, rules: Sequence[tuple[float, str]]
) -> Figure:
    """Daily prednisone-equivalent as a step line, pulses as red triangles (spec §6.2)."""
    line = (
        alt.Chart(steps)
        .mark_line(interpolate="step-after")
        .encode(
            x=x_axis(domain),
            y=alt.Y("prednisone_mg:Q", title="Prednisone-equivalent (mg/day)"),
            tooltip=["study_day:Q", alt.Tooltip("prednisone_mg:Q", format=".4~g")],
        )
    )
    marks = alt.Chart(pulses).mark_point(shape="triangle-up", filled=True, size=80, color="red")
    layers = [line, marks.encode(x=x_axis(domain), y="prednisone_mg:Q", tooltip=["study_day:Q"])]
    if rules:
        frame = pd.DataFrame(rules, columns=["threshold", "label"])
        rule = alt.Chart(frame).mark_rule(strokeDash=[4, 4], color="#666666")
        layers.append(rule.encode(y="threshold:Q", tooltip=["label:N", "threshold:Q"]))
    return _panel(alt.layer(*layers), "Prednisone-equivalent dose (red triangle: pulse)")


def subject_timeline(panels: Sequence[Figure]) -> Figure:
    """Stack panels on one shared study-day x scale (every panel carries the same explicit
    domain), colour legends kept apart and never truncated (labelLimit/titleLimit 0)."""
    stacked: Figure = alt.vconcat(*cast(Any, panels), spacing=18)
    resolved: Figure = stacked.resolve_scale(x="shared", color="independent")
    legends: Figure = resolved.configure_legend(labelLimit=0, titleLimit=0)
    return legends
