"""BILAG-2004 test inputs typed from spec/scoring.md §2, not imported from the library."""

from __future__ import annotations

DOMAINS = (
    "constitutional",
    "mucocutaneous",
    "neuropsychiatric",
    "musculoskeletal",
    "cardiorespiratory",
    "gastrointestinal",
    "ophthalmic",
    "renal",
    "haematological",
)


def grades(default: str = "E", **overrides: str) -> dict[str, str]:
    """All nine domains at `default`, with some overridden."""
    return {domain: overrides.get(domain, default) for domain in DOMAINS}
