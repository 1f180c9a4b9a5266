"""AE swimmer lanes and the spaghetti plot: encodings and the pandas-side preparation."""

from __future__ import annotations

import pandas as pd

from charts.palette import SEVERITIES, SEVERITY_COLOURS
from charts.spaghetti import spaghetti, visit_means
from charts.swimmer import LANE_PX, TIMING, ae_swimmer, event_timing, safety_swimmer


def _lanes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "subject": ["001", "002"],
            "sequence": [1, 1],
            "label": ["AE 1: Headache", "AE 1: Fever"],
            "onset_day": [3, 8],
            "end_day": [3, 20],
            "ongoing": [False, True],
            "severity": ["MILD", "SEVERE"],
            "grade": [1, 3],
            "serious": [True, False],
            "teae": [True, True],
        }
    )


def test_swimmer_bars_run_from_onset_through_end_day():
    spec = ae_swimmer(_lanes()).to_dict()
    bars = spec["layer"][0]
    assert (
        bars["encoding"]["x"]["field"] == "onset_day"
        and bars["encoding"]["x2"]["field"] == "bar_end"
    )
    assert bars["encoding"]["y"]["field"] == "subject"
    scale = bars["encoding"]["color"]["scale"]
    assert scale == {"domain": list(SEVERITIES), "range": list(SEVERITY_COLOURS)}
    data = pd.DataFrame(next(iter(spec["datasets"].values())))
    assert data["bar_end"].tolist() == [4, 21]  # a one-day event stays visible


def test_swimmer_marks_serious_at_onset_and_ongoing_at_cut_off():
    spec = ae_swimmer(_lanes(), lane="label", domain=(0.0, 30.0)).to_dict()
    _, serious, ongoing = spec["layer"]
    assert (
        serious["mark"]["shape"] == "diamond"
        and serious["transform"][0]["filter"] == "datum.serious"
    )
    assert serious["encoding"]["x"]["field"] == "onset_day"
    assert (
        ongoing["mark"]["shape"] == "triangle-right"
        and ongoing["encoding"]["x"]["field"] == "bar_end"
    )
    assert spec["layer"][0]["encoding"]["y"]["field"] == "label"


def _values() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "subject": ["A", "A", "B", "B", "B"],
            "visit": ["V1", "V5", "V1", "V5", "UNS"],
            "study_day": [1, 15, 1, 13, 40],
            "target_day": [1, 14, 1, 14, None],
            "value": [8.0, 2.0, 4.0, 4.0, 9.0],
        }
    )


def test_visit_means_use_scheduled_visits_only():
    means = visit_means(_values())
    assert means["visit"].tolist() == ["V1", "V5"]
    assert means["mean"].tolist() == [6.0, 3.0] and means["n"].tolist() == [2, 2]


def test_spaghetti_draws_one_line_per_subject_and_a_mean_line():
    spec = spaghetti(_values(), "SLEDAI-2K", "score").to_dict()
    lines, mean = spec["layer"]
    assert lines["encoding"]["detail"]["field"] == "subject"
    assert lines["encoding"]["x"]["field"] == "study_day"
    assert (
        mean["encoding"]["x"]["field"] == "target_day" and mean["encoding"]["y"]["field"] == "mean"
    )
    assert spec["title"] == "SLEDAI-2K"


def _cohort() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three dosed subjects; 002 has no AE, 003 only a pre-dose one; 001 has two TEAEs."""
    lanes = pd.DataFrame(
        {
            "subject": ["001", "001", "003"],
            "sequence": [1, 2, 1],
            "label": ["AE 1: Headache", "AE 2: Fever", "AE 1: Rash before dosing"],
            "onset_day": [3, 40, -6],
            "end_day": [3, 45, -2],
            "ongoing": [False, False, False],
            "severity": ["MILD", "SEVERE", "MILD"],
            "grade": [1, 3, 1],
            "serious": [False, True, False],
            "teae": [True, True, False],
        }
    )
    stay = pd.DataFrame(
        {
            "subject": ["001", "002", "003"],
            "status": ["completed", "dosed", "early_termination"],
            "start_day": [1, 1, 1],
            "end_day": [168, 90, 30],
        }
    )
    return lanes, stay


def _datasets(spec: dict) -> list[pd.DataFrame]:
    return [pd.DataFrame(rows) for rows in spec["datasets"].values()]


def test_safety_swimmer_labels_every_dosed_subject_lane():
    lanes, stay = _cohort()
    spec = safety_swimmer(lanes, stay).to_dict()
    layers = spec["layer"]
    for layer in layers:
        y = layer["encoding"]["y"]
        assert y["field"] == "subject" and y["scale"]["domain"] == ["001", "002", "003"]
        assert y["axis"]["labelOverlap"] is False and y["axis"]["labelLimit"] == 0
    assert spec["height"] == {"step": LANE_PX}  # a fixed height per lane: no label dropped
    x = layers[1]["encoding"]["x"]
    assert x["title"] == "Study day (day 1 = dose)"
    assert x["scale"]["domain"][0] < 1 and x["scale"]["domain"][1] >= 169


def test_safety_swimmer_draws_follow_up_and_teaes_only_by_default():
    lanes, stay = _cohort()
    spec = safety_swimmer(lanes, stay).to_dict()
    follow, bars = spec["layer"][:2]
    assert bars["encoding"]["color"]["field"] == "severity"
    assert follow["encoding"]["x"]["field"] == "start_day"
    assert follow["encoding"]["x2"]["field"] == "bar_end"
    frames = _datasets(spec)
    stays = next(f for f in frames if "status" in f)
    assert stays["bar_end"].tolist() == [169, 91, 31]
    events = next(f for f in frames if "label" in f)
    assert events["label"].tolist() == ["AE 1: Headache", "AE 2: Fever"]  # pre-dose left out
    assert set(events["timing"]) == {"treatment-emergent"}


def test_safety_swimmer_marks_pre_dose_events_when_asked():
    lanes, stay = _cohort()
    spec = safety_swimmer(lanes, stay, pre_dose=True).to_dict()
    bars = spec["layer"][1]
    events = next(f for f in _datasets(spec) if "label" in f)
    assert events.set_index("label").loc["AE 1: Rash before dosing", "timing"] == "pre-dose"
    dash = bars["encoding"]["strokeDash"]
    assert dash["field"] == "timing" and dash["legend"]["values"] == list(TIMING[:2])
    assert bars["encoding"]["opacity"]["scale"]["range"][1] < 1  # faded
    assert spec["config"]["legend"] == {"labelLimit": 0, "titleLimit": 0}


def test_event_timing_distinguishes_pre_dose_from_after_the_window():
    frame = pd.DataFrame({"teae": [True, False, False, True], "onset_day": [5, -3, 200, -1]})
    assert event_timing(frame).tolist() == [TIMING[0], TIMING[1], TIMING[2], TIMING[0]]
