"""The outcome measures and response indices the workbench summarises, with labels and direction.

Labels come from the scoring catalogues (never typed twice); the measures follow the registry's
outcome list (spec/study.md "Outcome measures") and spec/scoring.md §1, §2.5, §5, §6, §7, §8.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from scoring import promis, rand36
from study.schema import StudyDefinition

Better = Literal["lower", "higher", ""]
MISSING = "—"
"""How a missing value is shown in formatted tables: never as zero."""


@dataclass(frozen=True, slots=True)
class Measure:
    """One numeric measure of the per-visit frame: column, label, unit, and which way is better."""

    key: str
    label: str
    group: str
    unit: str
    better: Better
    lab_test: str | None = None

    def unit_in(self, study: StudyDefinition) -> str:
        """The unit shown: lab measures use the entry unit of the study definition."""
        if self.lab_test is None:
            return self.unit
        test = next((t for t in study.lab_tests if t.code == self.lab_test), None)
        return (test.unit if test else None) or self.unit


def _promis_label(domain: str) -> str:
    first = promis.domain_item_codes(domain)[0]
    return promis.PROMIS29.item(first).label.rsplit(" item", 1)[0]


def _rand36_label(scale: str) -> str:
    first = rand36.item_code(rand36.SCALES[scale][0])
    return rand36.INSTRUMENT.item(first).label.rsplit(" item", 1)[0]


MEASURES: tuple[Measure, ...] = (
    Measure("sledai", "SLEDAI-2K total", "Disease activity", "0–105", "lower"),
    Measure("clinical_sledai", "Clinical SLEDAI", "Disease activity", "0–101", "lower"),
    Measure("bilag_score", "BILAG-2004 numeric score", "Disease activity", "0–108", "lower"),
    Measure("pga", "Physician global assessment", "Disease activity", "0–3", "lower"),
    *(
        Measure(
            f"promis_{d}",
            f"PROMIS-29 {_promis_label(d).lower()}",
            "PROMIS-29",
            "T-score",
            "higher" if d in promis.HIGHER_IS_BETTER else "lower",
        )
        for d in promis.DOMAINS
    ),
    *(
        Measure(f"rand36_{s}", f"RAND-36 {_rand36_label(s).lower()}", "RAND-36", "0–100", "higher")
        for s in rand36.SCALES
    ),
    Measure("prednisone_mg", "Prednisone-equivalent dose", "Steroids", "mg/day", "lower"),
    Measure("egfr", "eGFR (CKD-EPI 2021)", "Kidney", "mL/min/1.73 m²", "higher"),
    Measure("upcr", "UPCR", "Kidney", "g/g", "lower"),
    Measure("c3", "Complement C3", "Serology", "", "higher", "C3"),
    Measure("c4", "Complement C4", "Serology", "", "higher", "C4"),
    Measure("dsdna", "Anti-dsDNA", "Serology", "", "lower", "DSDNA"),
)
MEASURE_BY_KEY: dict[str, Measure] = {m.key: m for m in MEASURES}

INDICES: tuple[str, ...] = ("SRI-4", "BICLA", "LLDAS", "DORIS", "SFI", "KDIGO")
"""Response indices of the status table; SRI-5…SRI-8 are added on demand (spec §3.2)."""
INDEX_TITLES: dict[str, str] = {
    "BICLA": "BICLA",
    "LLDAS": "LLDAS",
    "DORIS": "DORIS 2021 remission",
    "SFI": "SELENA flare index vs previous visit",
    "KDIGO": "KDIGO 2024 renal response vs baseline, early",
}


def index_title(index: str) -> str:
    """A readable title of a response index (SRI-k titles are built from k); where each is
    specified (spec/scoring.md §3–§4, §7.3) stays in the code, not on screen."""
    if index.startswith("SRI-"):
        return f"{index} (SLEDAI-2K reduction ≥ {index.removeprefix('SRI-')})"
    return INDEX_TITLES[index]


def n_pct(n: int, total: int) -> str:
    """ "n (%)" with one decimal; the percentage is "—" when the denominator is 0."""
    if total == 0:
        return f"{n} ({MISSING})"
    return f"{n} ({100 * n / total:.1f})"
