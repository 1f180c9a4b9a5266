"""Chart → PNG or SVG bytes with vl-convert (offline: no browser, no network).

Takes an Altair chart, its Vega-Lite dict (charts/spec.py) or that dict as JSON; the same builder
serves the page's download buttons and any CLI export (DESIGN.md: exports).
"""

from __future__ import annotations

import json

import altair as alt
import vl_convert as vlc

from charts.spec import Spec, vega_lite_spec

PNG_MIME = "image/png"
SVG_MIME = "image/svg+xml"


Chart = alt.TopLevelMixin | Spec | str
"""An Altair chart, its Vega-Lite dict, or that dict as JSON text."""


def _json(chart: Chart) -> str:
    if isinstance(chart, str):
        return chart
    return json.dumps(chart if isinstance(chart, dict) else vega_lite_spec(chart))


def chart_png(chart: Chart, scale: float = 2.0) -> bytes:
    """The chart as a PNG image; `scale` 2 gives a sharp image for reports."""
    return bytes(vlc.vegalite_to_png(_json(chart), scale=scale))


def chart_svg(chart: Chart) -> bytes:
    """The chart as UTF-8 SVG text."""
    return vlc.vegalite_to_svg(_json(chart)).encode("utf-8")
