"""Home's headline charts: encodings, units on the axes, denominators in the labels."""

from __future__ import annotations

import pandas as pd

from charts import headline as h
from charts.palette import SEVERITY_COLOURS


def _data(spec: dict) -> list[pd.DataFrame]:
    return [pd.DataFrame(rows) for rows in spec["datasets"].values()]


def test_enrolment_is_cumulative_steps_with_the_planned_rule():
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-01-20"]),
            "stage": ["Screened", "Screened", "Dosed"],
            "subjects": [1, 2, 1],
        }
    )
    spec = h.enrolment_chart(frame, planned=12).to_dict()
    lines, rule = spec["layer"]
    assert lines["mark"]["interpolate"] == "step-after"
    assert lines["encoding"]["y"]["title"] == "Subjects (cumulative)"
    assert lines["encoding"]["color"]["scale"]["domain"] == ["Screened", "Dosed"]
    assert rule["encoding"]["y"]["field"] == "planned"
    assert spec["config"]["legend"]["labelLimit"] == 0
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}  # height not squeezed


def test_change_chart_orders_visits_and_shows_n():
    frame = pd.DataFrame(
        {"visit": ["V1", "V5", "V10"], "n": [9, 8, 6], "mean": [0, -1.5, -6], "median": [0, -1, -8]}
    )
    spec = h.change_chart(frame).to_dict()
    bars, median, n = spec["layer"]
    assert bars["encoding"]["x"]["sort"] == ["V1", "V5", "V10"]
    assert bars["encoding"]["y"]["title"] == "Change from baseline (points)"
    assert median["mark"]["type"] == "tick" and median["encoding"]["y"]["field"] == "median"
    assert n["encoding"]["text"]["field"] == "n"


def test_responders_chart_is_a_percentage_of_evaluable_with_counts():
    frame = pd.DataFrame(
        {
            "visit": ["V5", "V11"],
            "responders": [0, 4],
            "evaluable": [9, 7],
            "not_evaluable": [0, 1],
            "pct": [0.0, 400 / 7],
        }
    )
    spec = h.responders_chart(frame).to_dict()
    bars, text = spec["layer"]
    assert text["encoding"]["text"]["field"] == "label"
    assert bars["encoding"]["y"]["scale"]["domain"] == [0, 100]
    assert bars["encoding"]["y"]["title"] == "Responders (% of evaluable)"
    labels = next(f for f in _data(spec) if "label" in f)["label"].tolist()
    assert labels == ["0/9", "4/7"]
    assert spec["title"]["text"] == "SRI-4 responders by visit"


def test_teae_chart_uses_severity_colours_and_the_safety_n():
    frame = pd.DataFrame(
        {"severity": ["MILD", "MODERATE", "SEVERE"], "subjects": [5, 2, 1], "events": [6, 2, 1]}
    )
    spec = h.teae_chart(frame, n=9).to_dict()
    bars, text = spec["layer"]
    assert text["encoding"]["text"]["field"] == "label"
    assert bars["encoding"]["x"]["title"] == "Subjects (of N = 9 dosed)"
    assert bars["encoding"]["color"]["scale"]["range"][:3] == list(SEVERITY_COLOURS)
    labels = next(f for f in _data(spec) if "label" in f)["label"].tolist()
    assert labels == [  # subjects over the safety N; events counted apart, by their own severity
        "5/9 · 6 events",
        "2/9 · 2 events",
        "1/9 · 1 event",
    ]
