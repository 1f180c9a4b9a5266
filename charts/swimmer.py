"""Adverse events as swimmer lanes: bars from onset to end, coloured by severity (spec §8).

Serious events get a black diamond at onset; ongoing events a triangle at the data cut-off.
A bar covers its end day (drawn to end day + 1), so a one-day event stays visible.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from charts.palette import severity_scale
from charts.timeline import WIDTH, Domain, Figure, day_domain, x_axis


def ae_swimmer(lanes: pd.DataFrame, lane: str = "subject", domain: Domain | None = None) -> Figure:
    """One lane per `lane` value (subject, or AE label for one subject's timeline); events that
    are not treatment-emergent (pre-dose) are drawn faded with a dashed outline."""
    frame = lanes.assign(bar_end=lanes["end_day"] + 1)
    if "teae" in frame:
        frame = frame.assign(timing=event_timing(frame))
    domain = domain or day_domain([frame], ("onset_day", "bar_end"))
    axis = alt.Axis(labelOverlap=False, labelLimit=0)
    title = "Event" if lane == "label" else "Subject"
    y = alt.Y(f"{lane}:N", title=title, sort=alt.SortField("onset_day"), axis=axis)
    base = alt.Chart(frame)
    tooltip = ["label:N", "onset_day:Q", "end_day:Q", "severity:N", "grade:Q", "serious:N"]
    bars = base.mark_bar(height=10).encode(
        x=x_axis(domain, "onset_day"),
        x2="bar_end:Q",
        y=y,
        color=alt.Color("severity:N", scale=severity_scale(), title="Severity"),
        tooltip=[*tooltip, "ongoing:N"],
    )
    if "timing" in frame:
        bars = bars.encode(**_timing_channels(frame["timing"]))
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


def _timing_channels(timing: pd.Series) -> dict[str, Any]:
    """Opacity and dash by onset timing: TEAEs solid, the others faded and dashed."""
    shown = [t for t in TIMING if t in set(timing)] or [TIMING[0]]
    legend = alt.Legend(values=shown, symbolType="square", symbolFillColor="#cccccc")
    dashes = alt.Scale(domain=list(TIMING), range=[[1, 0], [4, 2], [4, 2]])
    return {
        "opacity": alt.Opacity(
            "timing:N", scale=alt.Scale(domain=list(TIMING), range=[1.0, 0.35, 0.35]), legend=None
        ),
        "strokeDash": alt.StrokeDash("timing:N", scale=dashes, title="Onset", legend=legend),
        "stroke": alt.value("black"),
        "strokeWidth": alt.value(0.5),
    }


DAY = "Study day (day 1 = dose)"
LANE_PX = 26
"""Height of one subject lane: every subject number fits, so no lane label is ever dropped."""
TIMING = ("treatment-emergent", "pre-dose", "after the TEAE window")
"""How an event's onset relates to the dose (spec/scoring.md §9.5), for marking non-TEAEs."""


def event_timing(lanes: pd.DataFrame) -> pd.Series:
    """treatment-emergent (the TEAE flag), pre-dose (onset before day 1), or after the window."""
    emergent = lanes["teae"].astype(bool)
    before = lanes["onset_day"] < 1
    labels = [
        TIMING[0] if e else TIMING[1] if b else TIMING[2]
        for e, b in zip(emergent, before, strict=True)
    ]
    return pd.Series(labels, index=lanes.index, dtype=object)


def _lane_axis(subjects: list[str]) -> alt.Y:
    axis = alt.Axis(labelOverlap=False, labelLimit=0, labelFontSize=11)
    scale = alt.Scale(domain=subjects)
    return alt.Y("subject:N", title="Subject", scale=scale, sort=subjects, axis=axis)


def safety_swimmer(lanes: pd.DataFrame, follow_up: pd.DataFrame, pre_dose: bool = False) -> Figure:
    """One labelled lane per dosed subject: time on study as a grey bar (day 1 to the last study
    day), its AEs on top coloured by severity. Treatment-emergent events only, unless `pre_dose`:
    then the others are drawn too, faded and dashed, and named in the legend."""
    events = lanes.assign(timing=event_timing(lanes), bar_end=lanes["end_day"] + 1)
    if not pre_dose:
        events = events[events["timing"] == TIMING[0]]
    subjects = sorted(set(follow_up["subject"]) | set(events["subject"]))
    stay = follow_up.assign(bar_end=follow_up["end_day"] + 1)
    domain = day_domain([stay, events], ("start_day", "bar_end", "onset_day"))
    y = _lane_axis(subjects)
    study = (
        alt.Chart(stay)
        .mark_bar(height=6, color="#d9d9d9")
        .encode(
            x=x_axis(domain, "start_day", DAY),
            x2="bar_end:Q",
            y=y,
            tooltip=["subject:N", "status:N", alt.Tooltip("end_day:Q", title="last study day")],
        )
    )
    base = alt.Chart(events)
    tooltip = ["subject:N", "label:N", "onset_day:Q", "end_day:Q", "severity:N", "grade:Q"]
    bars = base.mark_bar(height=14).encode(
        x=x_axis(domain, "onset_day", DAY),
        x2="bar_end:Q",
        y=y,
        color=alt.Color("severity:N", scale=severity_scale(), title="Severity"),
        tooltip=[*tooltip, "timing:N", "serious:N", "ongoing:N"],
        **_timing_channels(events["timing"]),
    )
    serious = base.transform_filter(alt.datum.serious).mark_point(
        shape="diamond", filled=True, size=90, color="black"
    )
    ongoing = base.transform_filter(alt.datum.ongoing).mark_point(
        shape="triangle-right", filled=True, size=80, color="black"
    )
    layer = alt.layer(
        study,
        bars,
        serious.encode(x=x_axis(domain, "onset_day", DAY), y=y, tooltip=tooltip),
        ongoing.encode(x=x_axis(domain, "bar_end", DAY), y=y, tooltip=tooltip),
    )
    title = "Adverse events by subject (grey: time on study; diamond: serious; triangle: ongoing)"
    sized = layer.properties(width=WIDTH, height=alt.Step(LANE_PX), title=title)
    return sized.configure_legend(labelLimit=0, titleLimit=0)
