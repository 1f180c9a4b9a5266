"""AE swimmer lanes and the spaghetti plot: encodings and the pandas-side preparation."""

from __future__ import annotations

import pandas as pd

from charts.palette import SEVERITIES, SEVERITY_COLOURS
from charts.spaghetti import spaghetti, visit_means
from charts.swimmer import ae_swimmer


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
