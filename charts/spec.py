"""A chart as its Vega-Lite spec (a plain, picklable dict with the data inlined).

Pages cache the spec rather than the Altair object: building and validating a many-layer Altair
chart costs a few hundred milliseconds, reading a cached dict costs almost nothing (spec §6).
"""

from __future__ import annotations

from typing import Any

import altair as alt

Spec = dict[str, Any]


def vega_lite_spec(chart: alt.TopLevelMixin) -> Spec:
    """The chart's Vega-Lite dict, any number of rows (no 5,000-row limit, spec §8).

    Not validated against the Vega-Lite schema here: validation is two thirds of the
    conversion (about 20 ms of 32 ms for a three-layer chart, paid on the first page run after
    every edit), and it checks how a builder in `charts/` writes a chart, not the data, so the
    chart tests do it, through Altair's validating `to_dict()`, for every builder.
    """
    with alt.data_transformers.disable_max_rows():
        return chart.to_dict(validate=False)
