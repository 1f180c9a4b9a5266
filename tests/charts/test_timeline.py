"""Timeline panels: encodings, fixed colour scales and the shared study-day axis (to_dict)."""

from __future__ import annotations

import pandas as pd

from charts import timeline as t
from charts.palette import BILAG_COLOURS, sledai_bands
from scoring.bilag import DOMAINS

DOMAIN = (-5.0, 30.0)


def _long(rows: list[tuple[str, float, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["visit", "study_day", "value", "measure"])


def _layers(spec: dict) -> list[dict]:
    return spec["layer"]


def test_day_domain_pads_and_handles_empty_frames():
    frame = pd.DataFrame({"study_day": [1, 14, None]})
    assert t.day_domain([frame]) == (-1.0, 16.0)
    assert t.day_domain([pd.DataFrame({"study_day": []})]) == (-1.0, 2.0)


def test_x_axis_is_the_same_fixed_domain_everywhere():
    spec = t.measure_panel(_long([("V1", 1, 8, "SLEDAI-2K total")]), DOMAIN, "x").to_dict()
    x = _layers(spec)[0]["encoding"]["x"]
    assert x["field"] == "study_day" and x["type"] == "quantitative"
    assert x["scale"] == {"domain": [-5.0, 30.0], "nice": False}


def test_sledai_panel_shades_protocol_bands_under_the_lines():
    long = _long([("V1", 1, 8, "SLEDAI-2K total"), ("V5", 14, 2, "Clinical SLEDAI")])
    spec = t.sledai_panel(long, DOMAIN).to_dict()
    bands, lines = _layers(spec)
    assert bands["mark"]["type"] == "rect" and bands["encoding"]["y2"]["field"] == "y2"
    assert bands["encoding"]["color"]["scale"]["domain"][:3] == ["none", "mild", "moderate"]
    assert lines["encoding"]["color"]["field"] == "measure"
    assert spec["resolve"]["scale"]["color"] == "independent"


def test_sledai_bands_cover_the_plotted_range():
    bands = sledai_bands(12)
    assert bands["band"].tolist() == ["none", "mild", "moderate", "high"]
    assert bands["y2"].max() == 12


def test_bilag_heatmap_uses_fixed_grade_colours_and_layered_text():
    cells = pd.DataFrame(
        {
            "visit": ["V1", "V5"],
            "study_day": [1, 14],
            "domain": ["renal", "renal"],
            "grade": ["A", "C"],
        }
    )
    spec = t.bilag_heatmap(cells, DOMAIN).to_dict()
    rect, text = _layers(spec)
    assert rect["mark"]["type"] == "rect" and text["mark"]["type"] == "text"
    assert rect["encoding"]["color"]["scale"] == {
        "domain": list("ABCDE"),
        "range": list(BILAG_COLOURS),
    }
    assert rect["encoding"]["y"]["sort"] == list(DOMAINS)
    assert text["encoding"]["text"]["field"] == "grade"
    data = pd.DataFrame(spec["datasets"][rect.get("data", spec.get("data"))["name"]])
    assert data["x0"].tolist() == [-5.0, 8.0] and data["x1"].tolist() == [7.0, 20.0]


def test_prednisone_is_a_step_line_with_pulses_and_thresholds():
    steps = pd.DataFrame({"study_day": [-10, 5, 30], "prednisone_mg": [10.0, 5.0, 5.0]})
    pulses = pd.DataFrame({"study_day": [12], "prednisone_mg": [625.0]})
    spec = t.prednisone_panel(steps, pulses, DOMAIN, [(7.5, "LLDAS")]).to_dict()
    line, marks, rule = _layers(spec)
    assert line["mark"]["interpolate"] == "step-after"
    assert marks["mark"]["shape"] == "triangle-up"
    assert rule["mark"]["type"] == "rule" and rule["encoding"]["y"]["field"] == "threshold"


def test_visit_strip_marks_window_status():
    marks = pd.DataFrame(
        {
            "visit": ["V1", "V5"],
            "study_day": [1, 17],
            "target_day": [1, 14],
            "window": ["on window", "off window"],
        }
    )
    spec = t.visit_strip(marks, DOMAIN).to_dict()
    ticks, points, labels = _layers(spec)
    assert ticks["encoding"]["x"]["field"] == "target_day"
    assert points["encoding"]["color"]["scale"]["domain"] == ["on window", "off window"]
    assert labels["encoding"]["text"]["field"] == "visit"


def test_subject_timeline_stacks_panels_with_independent_colours():
    long = _long([("V1", 1, 1.5, "PGA")])
    panels = [t.measure_panel(long, DOMAIN, "PGA"), t.measure_panel(long, DOMAIN, "again")]
    spec = t.subject_timeline(panels).to_dict()
    assert len(spec["vconcat"]) == 2
    assert spec["resolve"]["scale"]["color"] == "independent"
