"""SLEDAI-2K total, clinical SLEDAI, activity band and change from baseline.

spec/scoring.md §1 and the Decisions table: the score is the sum of the weights of the descriptors
the investigator confirmed; bands are labels only and never feed a derivation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

from scoring.errors import ScoringInputError
from scoring.sledai_items import (
    CLINICAL_MAXIMUM,
    DESCRIPTORS,
    INSTRUMENT,
    MAXIMUM,
    SEROLOGICAL,
    VARIANTS,
    WEIGHTS,
    WINDOWS_DAYS,
    Variant,
    check_variant,
    definition,
)
from scoring.sledai_labs import LabValue, Suggestion, suggest_from_labs

__all__ = [
    "BSR_BANDS",
    "CLINICAL_MAXIMUM",
    "DESCRIPTORS",
    "FOUR_BANDS",
    "INSTRUMENT",
    "MAXIMUM",
    "PROTOCOL_BANDS",
    "SEROLOGICAL",
    "VARIANTS",
    "WEIGHTS",
    "WINDOWS_DAYS",
    "Band",
    "BandScheme",
    "LabValue",
    "SledaiChange",
    "SledaiResult",
    "Suggestion",
    "Variant",
    "change",
    "check_descriptors",
    "check_total",
    "definition",
    "score",
    "suggest_from_labs",
]


@dataclass(frozen=True, slots=True)
class Band:
    """One activity band: totals `lower`…`upper` inclusive (`upper` None = no upper limit)."""

    lower: int
    upper: int | None
    label: str


@dataclass(frozen=True, slots=True)
class BandScheme:
    """A named, contiguous banding of 0…105 (spec §1.4); checked on construction."""

    name: str
    bands: tuple[Band, ...]

    def __post_init__(self) -> None:
        expected_lower = 0
        for band in self.bands:
            if band.lower != expected_lower or (band.upper is not None and band.upper < band.lower):
                raise ScoringInputError("bands", self.bands, "contiguous bands starting at 0")
            expected_lower = MAXIMUM + 1 if band.upper is None else band.upper + 1
        if expected_lower <= MAXIMUM:
            raise ScoringInputError("bands", self.bands, f"bands covering 0 to {MAXIMUM}")

    def label_for(self, total: int) -> str:
        """The label of the band holding `total`."""
        if isinstance(total, bool) or not isinstance(total, int) or not 0 <= total <= MAXIMUM:
            raise ScoringInputError("total", total, f"an integer from 0 to {MAXIMUM}")
        return next(b.label for b in self.bands if b.upper is None or total <= b.upper)


PROTOCOL_BANDS: Final = BandScheme(
    "protocol 5-band",
    (
        Band(0, 0, "none"),
        Band(1, 5, "mild"),
        Band(6, 10, "moderate"),
        Band(11, 19, "high"),
        Band(20, None, "very high"),
    ),
)
"""The study protocol's bands, the product default (Decisions table, spec §1.4)."""

FOUR_BANDS: Final = BandScheme(
    "4-band",
    (Band(0, 0, "remission"), Band(1, 4, "low"), Band(5, 10, "moderate"), Band(11, None, "high")),
)
BSR_BANDS: Final = BandScheme(
    "BSR", (Band(0, 5, "mild"), Band(6, 12, "moderate"), Band(13, None, "severe"))
)


@dataclass(frozen=True, slots=True)
class SledaiResult:
    """A scored SLEDAI assessment: totals, band, the descriptors that contributed, and why."""

    total: int
    clinical: int
    band: str
    descriptors: tuple[str, ...]
    reasons: tuple[str, ...]
    variant: Variant = "SLEDAI-2K"
    window_days: int | None = None
    band_scheme: str = PROTOCOL_BANDS.name


def check_descriptors(present: Iterable[str], field: str = "present") -> tuple[str, ...]:
    """The known descriptor keys in form order, duplicates dropped; unknown keys raise."""
    if isinstance(present, str):
        raise ScoringInputError(field, present, "an iterable of descriptor keys, not one string")
    chosen: set[str] = set()
    for key in present:
        if key not in WEIGHTS:
            raise ScoringInputError(field, key, DESCRIPTORS)
        chosen.add(key)
    return tuple(key for key in DESCRIPTORS if key in chosen)


def check_total(value: object, field: str) -> int:
    """A SLEDAI total as an int in 0…105; raise naming `field` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAXIMUM:
        raise ScoringInputError(field, value, f"an integer from 0 to {MAXIMUM}")
    return value


def score(
    present: Iterable[str],
    *,
    variant: str = "SLEDAI-2K",
    window_days: int | None = None,
    bands: BandScheme = PROTOCOL_BANDS,
) -> SledaiResult:
    """Total (0–105) and clinical SLEDAI (§1.5) of the confirmed descriptors, and band (§1.4)."""
    descriptors = check_descriptors(present)
    checked_variant = check_variant(variant)
    if window_days is not None and window_days not in WINDOWS_DAYS:
        raise ScoringInputError("window_days", window_days, WINDOWS_DAYS)
    total = sum(WEIGHTS[key] for key in descriptors)
    clinical = total - sum(WEIGHTS[key] for key in descriptors if key in SEROLOGICAL)
    band = bands.label_for(total)
    reasons = [f"{INSTRUMENT.item(key).label} +{WEIGHTS[key]}" for key in descriptors]
    if not descriptors:
        reasons.append("no descriptor present")
    reasons.append(f"{checked_variant} total {total} of {MAXIMUM}; band {band!r} ({bands.name})")
    reasons.append(f"clinical SLEDAI {clinical} (low complement and anti-dsDNA excluded)")
    return SledaiResult(
        total, clinical, band, descriptors, tuple(reasons), checked_variant, window_days, bands.name
    )


ChangeCategory = Literal["flare", "persistent activity", "improvement"]


@dataclass(frozen=True, slots=True)
class SledaiChange:
    """Visit minus baseline total and its descriptive category (spec §1.4, ARD change bands)."""

    baseline: int
    visit: int
    change: int
    category: ChangeCategory
    reasons: tuple[str, ...]


def change(baseline: int, visit: int) -> SledaiChange:
    """Change from baseline: rise > 3 flare, fall > 3 improvement, else persistent (spec §1.4)."""
    start = check_total(baseline, "baseline")
    end = check_total(visit, "visit")
    delta = end - start
    category: ChangeCategory = "persistent activity"
    if delta > 3:
        category = "flare"
    elif delta < -3:
        category = "improvement"
    reason = f"SLEDAI {start} → {end} ({delta:+d}): {category} (descriptive; lower is better)"
    return SledaiChange(start, end, delta, category, (reason,))
