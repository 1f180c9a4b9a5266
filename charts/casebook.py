"""A subject's whole timeline as one stacked chart: the panels of `charts.timeline` in order.

Thresholds drawn as dashed rules come from the study's protocol settings and `scoring` (PGA
LLDAS ≤1 and DORIS <0.5, spec §5; prednisone LLDAS/DORIS/ceiling, §4.2–4.3, §3.3; UPCR <0.5 g/g
complete renal response, §7.3). Panels without data are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from charts import timeline as t
from charts.swimmer import ae_swimmer
from scoring import pga, renal
from study.schema import ProtocolSettings

PANELS = (
    "Visits", "SLEDAI-2K", "BILAG grades", "BILAG score", "PGA", "Prednisone", "eGFR", "UPCR",
    "Complement C3/C4", "Anti-dsDNA", "PROMIS-29", "RAND-36", "Adverse events",
)  # fmt: skip
_LINES: dict[str, tuple[str, str, str, Callable[[str], bool]]] = {
    # panel: (title, y-axis title, measure whose unit it shows, which measures)
    "BILAG score": (
        "BILAG-2004 numeric score (lower is better)", "Score", "bilag_score",
        lambda k: k == "bilag_score",
    ),
    "PGA": ("Physician global assessment", "PGA", "pga", lambda k: k == "pga"),
    "eGFR": ("eGFR, CKD-EPI 2021", "", "egfr", lambda k: k == "egfr"),
    "UPCR": ("UPCR: urine protein/creatinine ratio", "UPCR", "upcr", lambda k: k == "upcr"),
    "Complement C3/C4": ("Complement C3 and C4", "C3, C4", "c3", lambda k: k in ("c3", "c4")),
    "Anti-dsDNA": ("Anti-dsDNA", "Anti-dsDNA", "dsdna", lambda k: k == "dsdna"),
    "PROMIS-29": (
        "PROMIS-29 T-scores", "Score", "promis_physical_function",
        lambda k: k.startswith("promis_"),
    ),
    "RAND-36": (
        "RAND-36 scales", "Score", "rand36_physical_functioning",
        lambda k: k.startswith("rand36_"),
    ),
}  # fmt: skip


def y_title(name: str, units: Mapping[str, str]) -> str:
    """The panel's y-axis title with its unit, e.g. "UPCR (g/g)", or the unit alone where the
    name would not fit a short panel (eGFR)."""
    _, label, key, _ = _LINES[name]
    unit = units.get(key, "")
    return f"{label} ({unit})" if label and unit else label or unit


def _rules(name: str, protocol: ProtocolSettings) -> list[tuple[float, str]]:
    if name == "PGA":
        return [(float(pga.LLDAS_MAXIMUM), "LLDAS ≤ 1"), (float(pga.DORIS_BELOW), "DORIS < 0.5")]
    if name == "UPCR":
        return [(float(renal.KDIGO_CR_MAX_G_PER_G), "complete renal response < 0.5 g/g")]
    if name != "Prednisone":
        return []
    found = [
        (protocol.lldas_prednisone_max_mg, "LLDAS"),
        (protocol.doris_prednisone_max_mg, "DORIS"),
        (protocol.steroid_ceiling_mg, "protocol ceiling"),
    ]
    return [(float(mg), label) for mg, label in found if mg is not None]


def _panel(book: Any, name: str, domain: t.Domain, protocol: ProtocolSettings) -> Any:
    """One named panel, or None when it has nothing to draw."""
    long: pd.DataFrame = book.measures
    if name == "Visits":
        return None if book.marks.empty else t.visit_strip(book.marks, domain)
    if name == "SLEDAI-2K":
        rows = long[long["key"].isin(("sledai", "clinical_sledai"))]
        return None if rows.empty else t.sledai_panel(rows, domain)
    if name == "BILAG grades":
        return None if book.bilag.empty else t.bilag_heatmap(book.bilag, domain)
    if name == "Prednisone":
        rules = _rules(name, protocol)
        return (
            None if book.steps.empty else t.prednisone_panel(book.steps, book.pulses, domain, rules)
        )
    if name == "Adverse events":
        return None if book.lanes.empty else ae_swimmer(book.lanes, "label", domain)
    title, _, _, wanted = _LINES[name]
    rows = long[long["key"].map(wanted)] if not long.empty else long
    if rows.empty:
        return None
    return t.measure_panel(rows, domain, title, _rules(name, protocol), y_title(name, book.units))


def casebook_chart(
    book: Any, protocol: ProtocolSettings, panels: Sequence[str] = PANELS
) -> t.Figure | None:
    """The chosen panels (in PANELS order) stacked on one study-day axis; None if all empty."""
    frames = [book.measures, book.steps, book.marks, book.lanes]
    domain = t.day_domain(frames, ("study_day", "onset_day", "end_day"))
    drawn = [_panel(book, name, domain, protocol) for name in PANELS if name in panels]
    drawn = [panel for panel in drawn if panel is not None]
    return t.subject_timeline(drawn) if drawn else None
