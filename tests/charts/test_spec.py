"""Chart specs: the pages' conversion skips schema validation, so the builders are validated
here (and by each chart test's `to_dict()`); skipping it changes nothing in the spec."""

from __future__ import annotations

import datetime as dt

import altair as alt
import jsonschema
import pandas as pd
import pytest

from charts import headline as h
from charts.spec import vega_lite_spec
from charts.steroid_curve import steroid_curve, steroid_frame
from scoring.steroids import Regimen, daily_series


def _steroid_chart() -> alt.TopLevelMixin:
    regimens = [
        Regimen("prednisone", 20.0, "QD", "ORAL", dt.date(2025, 1, 1), dt.date(2025, 1, 20)),
        Regimen("methylprednisolone", 500.0, "ONCE", "IV", dt.date(2025, 1, 5), is_pulse=True),
    ]
    series = daily_series(regimens, dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    return steroid_curve(steroid_frame(series), [(7.5, "LLDAS 7.5 mg")], dt.date(2025, 1, 2))


def _change_chart() -> alt.TopLevelMixin:
    frame = pd.DataFrame({"visit": ["V3", "V7"], "n": [9, 8], "mean": [-2.0, -4.5],
                          "median": [-2, -4]})  # fmt: skip
    return h.change_chart(frame)


@pytest.mark.parametrize("build", [_steroid_chart, _change_chart])
def test_the_pages_spec_is_the_validated_spec(build):
    chart = build()
    assert vega_lite_spec(chart) == chart.to_dict()  # to_dict() validates (raises if invalid)


def test_validation_is_what_is_skipped():
    """An invalid chart raises only when validated: the chart tests are where it is caught."""
    broken = alt.Chart(pd.DataFrame({"x": [1]})).mark_bar().encode(x="x:Q")
    broken.width = "very wide"  # set without the check `properties()` makes
    assert vega_lite_spec(broken)["width"] == "very wide"
    with pytest.raises((jsonschema.ValidationError, alt.utils.schemapi.SchemaValidationError)):
        broken.to_dict()
