"""Home's four headline charts for a sponsor, from the frames of `records.outcomes.headline`.

Small multiples sized for two columns: enrolment over time, SLEDAI-2K change from baseline by
visit, SRI-4 responders by visit, treatment-emergent AEs by worst severity. Every chart names
its unit on the axis and carries its n, so a reader never has to guess the denominator.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from charts.palette import SEVERITIES, SEVERITY_COLOURS
from records.outcomes.headline import NOT_GRADED, STAGES

WIDTH = 300
HEIGHT = 140
STAGE_COLOURS = ("#9ecae1", "#08519c")


def _sized(chart: alt.TopLevelMixin, title: str, subtitle: str = "") -> alt.TopLevelMixin:
    """Plot size, title, whole legends; width fits the column (fit-x) while the height stays
    the plot's own, so titles and axes are not squeezed into it (Streamlit's default `fit`)."""
    heading = alt.TitleParams(title, subtitle=subtitle) if subtitle else title
    fit_x = alt.AutoSizeParams(type="fit-x", contains="padding")
    sized = chart.properties(width=WIDTH, height=HEIGHT, title=heading, autosize=fit_x)
    return sized.configure_legend(labelLimit=0, titleLimit=0, orient="top-left")


def enrolment_chart(frame: pd.DataFrame, planned: int | None = None) -> alt.TopLevelMixin:
    """Cumulative subjects screened and dosed as step lines over calendar dates; the planned
    enrolment as a dashed rule."""
    colour = alt.Color(
        "stage:N", scale=alt.Scale(domain=list(STAGES), range=list(STAGE_COLOURS)), title=None
    )
    lines = (
        alt.Chart(frame)
        .mark_line(interpolate="step-after", point=True)
        .encode(
            x=alt.X("date:T", title="Date", axis=alt.Axis(format="%b %Y", labelAngle=-30)),
            y=alt.Y("subjects:Q", title="Subjects (cumulative)", axis=alt.Axis(tickMinStep=1)),
            color=colour,
            tooltip=["stage:N", alt.Tooltip("date:T"), "subjects:Q"],
        )
    )
    layers: list[alt.Chart] = [lines]
    if planned:
        rule = pd.DataFrame({"planned": [planned], "label": [f"planned: {planned}"]})
        mark = alt.Chart(rule).mark_rule(strokeDash=[4, 4], color="#666666")
        layers.append(mark.encode(y="planned:Q", tooltip=["label:N"]))
    subtitle = "screened: consent date; dosed: day 1" + (
        f"; dashed: planned {planned}" if planned else ""
    )
    return _sized(alt.layer(*layers), "Enrolment over time", subtitle)


def change_chart(frame: pd.DataFrame) -> alt.TopLevelMixin:
    """Mean SLEDAI-2K change from baseline per visit as bars (below zero = improvement), the
    median as a tick, n above each visit."""
    x = alt.X("visit:N", sort=frame["visit"].tolist(), title="Visit", axis=alt.Axis(labelAngle=0))
    base = alt.Chart(frame)
    tooltip = ["visit:N", "n:Q", alt.Tooltip("mean:Q", format=".2f"), "median:Q"]
    bars = base.mark_bar(color="#4575b4").encode(
        x=x,
        y=alt.Y("mean:Q", title="Change from baseline (points)"),
        tooltip=tooltip,
    )
    median = base.mark_tick(color="black", thickness=2).encode(x=x, y="median:Q", tooltip=tooltip)
    n = base.mark_text(dy=-6, fontSize=9, color="#555555").encode(
        x=x, y=alt.value(0), text=alt.Text("n:Q", format="d")
    )
    subtitle = "bar: mean, tick: median, n on top; below 0 = less active"
    return _sized(alt.layer(bars, median, n), "SLEDAI-2K change from baseline", subtitle)


def responders_chart(frame: pd.DataFrame, index: str = "SRI-4") -> alt.TopLevelMixin:
    """Percentage of evaluable subjects responding per visit, labelled responders/evaluable."""
    shown = frame.assign(
        label=[f"{r}/{e}" for r, e in zip(frame["responders"], frame["evaluable"], strict=True)]
    )
    x = alt.X("visit:N", sort=shown["visit"].tolist(), title="Visit", axis=alt.Axis(labelAngle=0))
    y = alt.Y("pct:Q", title="Responders (% of evaluable)", scale=alt.Scale(domain=[0, 100]))
    base = alt.Chart(shown)
    tooltip = ["visit:N", "responders:Q", "evaluable:Q", "not_evaluable:Q"]
    bars = base.mark_bar(color="#1a9850").encode(x=x, y=y, tooltip=tooltip)
    text = base.mark_text(dy=-6, fontSize=9).encode(x=x, y=y, text="label:N")
    title = f"{index} responders by visit"
    return _sized(alt.layer(bars, text), title, "labels: responders/evaluable subjects")


def teae_chart(frame: pd.DataFrame, n: int) -> alt.TopLevelMixin:
    """Subjects with a TEAE by their worst severity (of the safety set N), events labelled."""
    order = [*SEVERITIES, NOT_GRADED]
    colours = alt.Scale(domain=order, range=[*SEVERITY_COLOURS, "#bdbdbd"])
    shown = frame.assign(label=[
        f"{s}/{n} · {e} event{'s' * (e != 1)}"
        for s, e in zip(frame["subjects"], frame["events"], strict=True)
    ])  # fmt: skip
    y = alt.Y("severity:N", sort=order, title="Worst severity")
    base = alt.Chart(shown)
    bars = base.mark_bar().encode(
        x=alt.X("subjects:Q", title=f"Subjects (of N = {n} dosed)", axis=alt.Axis(tickMinStep=1)),
        y=y,
        color=alt.Color("severity:N", scale=colours, legend=None),
        tooltip=["severity:N", "subjects:Q", "events:Q"],
    )
    text = base.mark_text(align="left", dx=4, fontSize=10).encode(
        x="subjects:Q", y=y, text="label:N"
    )
    title = "Treatment-emergent AEs"
    subtitle = "subjects/N at their worst severity · every TEAE of that severity"
    return _sized(alt.layer(bars, text), title, subtitle)
