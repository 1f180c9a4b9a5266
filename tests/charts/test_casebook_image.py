"""The stacked casebook chart (panels chosen, empty ones left out) and its PNG/SVG export."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from charts.casebook import PANELS, casebook_chart
from charts.spec import vega_lite_spec
from exports.chart_image import chart_png, chart_svg
from study import load_study

PROTOCOL = load_study().protocol


def _book(**frames: pd.DataFrame) -> SimpleNamespace:
    empty = {
        "measures": pd.DataFrame(columns=["visit", "study_day", "value", "key", "measure"]),
        "bilag": pd.DataFrame(columns=["visit", "study_day", "domain", "grade"]),
        "steps": pd.DataFrame(columns=["study_day", "prednisone_mg"]),
        "pulses": pd.DataFrame(columns=["study_day", "prednisone_mg"]),
        "lanes": pd.DataFrame(columns=["label", "onset_day", "end_day"]),
        "marks": pd.DataFrame(columns=["visit", "study_day", "target_day", "window"]),
        "units": {"upcr": "g/g", "pga": "0–3"},
    }
    return SimpleNamespace(**{**empty, **frames})


def _measures() -> pd.DataFrame:
    rows = [("V1", 1, 8, "sledai", "SLEDAI-2K total"), ("V1", 1, 1.5, "pga", "PGA"),
            ("V5", 14, 0.4, "upcr", "UPCR")]  # fmt: skip
    return pd.DataFrame(rows, columns=["visit", "study_day", "value", "key", "measure"])


def test_only_panels_with_data_are_drawn_in_panel_order():
    spec = casebook_chart(_book(measures=_measures()), PROTOCOL).to_dict()
    titles = [panel["title"] for panel in spec["vconcat"]]
    assert titles[0] == "SLEDAI-2K" and len(titles) == 3
    assert any("UPCR" in title for title in titles)


def test_thresholds_come_from_the_protocol_and_scoring():
    spec = casebook_chart(_book(measures=_measures()), PROTOCOL, ["PGA"]).to_dict()
    rule = spec["vconcat"][0]["layer"][1]
    values = next(v for k, v in spec["datasets"].items() if "threshold" in v[0])
    assert rule["mark"]["type"] == "rule"
    assert sorted(v["threshold"] for v in values) == [0.5, 1.0]


def test_nothing_to_draw_gives_none():
    assert casebook_chart(_book(), PROTOCOL, PANELS) is None


def test_png_and_svg_bytes_from_a_chart_or_its_spec():
    figure = casebook_chart(_book(measures=_measures()), PROTOCOL, ["SLEDAI-2K"])
    png = chart_png(figure, scale=1)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    svg = chart_svg(vega_lite_spec(figure))
    assert svg.lstrip().startswith(b"<svg") and b"SLEDAI-2K" in svg


def test_spec_has_no_row_limit():
    big = pd.DataFrame({"visit": "V1", "study_day": range(6000), "value": 1.0, "key": "pga",
                        "measure": "PGA"})  # fmt: skip
    spec = vega_lite_spec(casebook_chart(_book(measures=big), PROTOCOL, ["PGA"]))
    assert sum(len(v) for v in spec["datasets"].values()) >= 6000


def test_panels_share_one_study_day_axis_with_units_on_y_and_whole_legends():
    spec = casebook_chart(_book(measures=_measures()), PROTOCOL).to_dict()
    assert spec["resolve"]["scale"]["x"] == "shared"
    domains = {
        tuple(layer["encoding"]["x"]["scale"]["domain"])
        for panel in spec["vconcat"]
        for layer in panel["layer"]
        if "x" in layer["encoding"]
    }
    assert domains == {(-1.0, 16.0)}  # one explicit domain in every panel: days -1 … 16
    y_titles = {p["title"]: p["layer"][0]["encoding"]["y"]["title"] for p in spec["vconcat"]}
    assert y_titles["UPCR: urine protein/creatinine ratio"] == "UPCR (g/g)"
    assert y_titles["Physician global assessment"] == "PGA (0–3)"
    assert y_titles["SLEDAI-2K"] == "Score (0–105)"
    assert spec["config"]["legend"] == {"labelLimit": 0, "titleLimit": 0}


def test_a_pre_dose_event_is_marked_on_the_subject_timeline():
    lanes = pd.DataFrame(
        {
            "label": ["AE 1: Rash before dosing", "AE 2: Fever"],
            "onset_day": [-4, 5],
            "end_day": [-2, 6],
            "ongoing": [False, False],
            "severity": ["MILD", "MILD"],
            "grade": [1, 1],
            "serious": [False, False],
            "teae": [False, True],
        }
    )
    spec = casebook_chart(_book(lanes=lanes), PROTOCOL, ["Adverse events"]).to_dict()
    bars = spec["vconcat"][0]["layer"][0]
    assert bars["encoding"]["strokeDash"]["legend"]["values"] == ["treatment-emergent", "pre-dose"]
    assert bars["encoding"]["y"]["axis"]["labelLimit"] == 0
