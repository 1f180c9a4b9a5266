"""Fixed clinical colour scales: BILAG grades A–E, AE severity, SLEDAI-2K activity bands.

Explicit `alt.Scale(domain, range)` wins over the Streamlit theme (spec/streamlit.md §8), so a
grade A is always the same strong colour.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from scoring import sledai
from scoring.ae_terms import AESEV
from scoring.bilag import GRADES

BILAG_COLOURS = ("#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#f7f7f7")
"""A severe (dark red) → E never involved (near white), in grade order."""
SEVERITIES = AESEV
SEVERITY_COLOURS = ("#fdae61", "#f46d43", "#a50026")
BAND_COLOURS = ("#ffffff", "#fff7bc", "#fee391", "#fec44f", "#fe9929")
WINDOW_COLOURS = {"on window": "#1a9850", "off window": "#d73027"}


def bilag_scale() -> alt.Scale:
    """Grades A–E in fixed colours."""
    return alt.Scale(domain=list(GRADES), range=list(BILAG_COLOURS))


def severity_scale() -> alt.Scale:
    """CDISC AESEV codes in fixed colours (spec/scoring.md §9.3)."""
    return alt.Scale(domain=list(SEVERITIES), range=list(SEVERITY_COLOURS))


def window_scale() -> alt.Scale:
    """Visit markers: green on window, red off window."""
    return alt.Scale(domain=list(WINDOW_COLOURS), range=list(WINDOW_COLOURS.values()))


def sledai_bands(top: float) -> pd.DataFrame:
    """The protocol activity bands (spec §1.4) as y ranges up to `top`, for shading."""
    rows = []
    for band in sledai.PROTOCOL_BANDS.bands:
        low = band.lower - 0.5 if band.lower else 0
        high = band.upper + 0.5 if band.upper is not None else max(top, band.lower + 1)
        if low < top:
            rows.append({"band": band.label, "y": low, "y2": min(high, top)})
    return pd.DataFrame(rows, columns=["band", "y", "y2"])


def band_scale() -> alt.Scale:
    """Activity band labels in fixed, light colours (labels only: never used in derivations)."""
    labels = [band.label for band in sledai.PROTOCOL_BANDS.bands]
    return alt.Scale(domain=labels, range=list(BAND_COLOURS[: len(labels)]))
