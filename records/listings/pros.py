"""Listings 16.2.6.5 (PROMIS-29 v2.1) and 16.2.6.6 (RAND-36): item responses and scale scores."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from records.listings.assessments import DerivedValue, ItemInfo, item_listing
from records.listings.efficacy import catalogue, forms_of, not_derived
from records.listings.model import Listing, ListingSource
from scoring import promis
from scoring import rand36 as rand36_scoring


def _answers(values: Mapping[str, Any]) -> dict[str, int]:
    out = {}
    for code, value in values.items():
        try:
            out[code] = int(float(value))
        except (TypeError, ValueError):
            continue
    return out


def promis29(src: ListingSource) -> Listing:
    """PROMIS-29 item scores with the seven domain T-scores and pain intensity."""
    info: dict[str, ItemInfo] = catalogue(promis.PROMIS29.items, {})
    head = ("16.2.6.5", "L16.2.6.5 PROMIS-29", "PROMIS-29 v2.1 items and T-scores", "QS")
    return item_listing(src, head, forms_of(src, "PROMIS29"), info, _promis_derive)


def _promis_derive(values: Mapping[str, Any], _head: Mapping[str, Any]) -> list[DerivedValue]:
    known = {item.code for item in promis.PROMIS29.items}
    try:
        result = promis.score_profile({c: v for c, v in _answers(values).items() if c in known})
    except ValueError as err:
        return not_derived("P29TSCOR", "PROMIS-29 T-scores", err)
    return [
        DerivedValue(
            f"T_{d.domain.upper()}",
            f"{d.domain.replace('_', ' ').capitalize()} T-score",
            None if d.t is None else f"{d.t:g}",
            d.t,
            "; ".join(d.reasons),
        )
        for d in result.domains
    ]


def rand36(src: ListingSource) -> Listing:
    """RAND-36 item responses with the eight 0–100 scale scores (RAND scoring, not SF-36v2)."""
    info: dict[str, ItemInfo] = catalogue(rand36_scoring.INSTRUMENT.items, {})
    head = ("16.2.6.6", "L16.2.6.6 RAND-36", "SF-36 items and RAND-36 scale scores", "QS")
    return item_listing(src, head, forms_of(src, "RAND36"), info, _rand_derive)


def _rand_derive(values: Mapping[str, Any], _head: Mapping[str, Any]) -> list[DerivedValue]:
    numbered = {
        int(c[4:]): v
        for c, v in _answers(values).items()
        if c.startswith("RAND") and c[4:].isdigit()
    }
    try:
        result = rand36_scoring.score(numbered)
    except ValueError as err:
        return not_derived("RANDSCAL", "RAND-36 scales", err)
    return [
        DerivedValue(
            f"RAND_{s.scale.upper()}",
            f"{s.scale.replace('_', ' ').capitalize()} (0–100)",
            None if s.score is None else f"{s.score:g}",
            s.score,
            "; ".join(s.reasons),
        )
        for s in result.scales
    ]
