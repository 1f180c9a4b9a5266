"""Listings 16.2.6.x: SLEDAI-2K, BILAG-2004, PGA, PROMIS-29 and RAND-36, items and scores.

Item catalogues and every score come from `scoring/`; a value the scoring library refuses is
listed with a derived row that says why it was not derived.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from records.listings.assessments import DerivedValue, ItemInfo, item_listing
from records.listings.model import Listing, ListingSource
from scoring import bilag_items, sledai_items
from scoring.bilag import numeric_score, overall_grade
from scoring.pga import describe, parse
from scoring.sledai import score

SLEDAI_CODELISTS = {"yes_no": "SLEDAI2K_ITEM"}
BILAG_CODELISTS = {
    "ordinal": "BILAG2004_ORDINAL",
    "yes_no": "BILAG2004_YN",
    "choice": "BILAG2004_DIPSTICK",
}


def catalogue(
    items: Iterable[Any], codelists: Mapping[str, str], start: int = 0, step: int = 10
) -> dict[str, ItemInfo]:
    """ItemInfo per code from scoring.items.InstrumentItem objects, in catalogue order."""
    out = {}
    for n, item in enumerate(items):
        decodes = {o.code: o.label for o in item.options if o.label != o.code}
        out[item.code] = ItemInfo(
            order=start + step * (item.number or n + 1),
            label=item.label,
            number=item.number,
            group=item.group,
            codelist=codelists.get(item.value_type) if decodes else None,
            decodes=decodes,
            unit=item.unit,
        )
    return out


def forms_of(src: ListingSource, instrument: str) -> tuple[str, ...]:
    """The study's form codes that collect an instrument."""
    return tuple(f.code for f in src.study.forms if f.instrument == instrument) or (instrument,)


def not_derived(code: str, label: str, err: Exception) -> list[DerivedValue]:
    """One derived row that names why the value could not be derived."""
    return [DerivedValue(code, label, None, None, f"not derived: {err}")]


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def sledai(src: ListingSource, number: str) -> Listing:
    """SLEDAI-2K descriptors per visit with total, clinical SLEDAI and activity band."""
    info = catalogue(sledai_items.INSTRUMENT.items, SLEDAI_CODELISTS)
    head = (number, f"L{number} SLEDAI-2K items", "SLEDAI-2K descriptors and totals", "RS")
    return item_listing(src, head, forms_of(src, "SLEDAI2K"), info, _sledai_deriver(src))


def _sledai_deriver(src: ListingSource) -> Callable[..., list[DerivedValue]]:
    def derive(values: Mapping[str, Any], head: Mapping[str, Any]) -> list[DerivedValue]:
        """Total, clinical SLEDAI and band of one assessment (variant and window as stored)."""
        present = [c for c, v in values.items() if str(v).strip().upper() == "Y"]
        window = _number(head.get("window_days"))
        try:
            result = score(
                present,
                variant=head.get("variant") or src.study.protocol.sledai_variant,
                window_days=int(window) if window else src.study.protocol.sledai_window_days,
            )
        except ValueError as err:
            return not_derived("S2KTOT", "SLEDAI-2K total", err)
        return [
            DerivedValue(
                "S2KTOT",
                f"{result.variant} total",
                str(result.total),
                result.total,
                "; ".join(result.reasons),
            ),
            DerivedValue(
                "CSLEDAI",
                "Clinical SLEDAI",
                str(result.clinical),
                result.clinical,
                "Total without low complement and anti-dsDNA",
            ),
            DerivedValue("S2KBAND", "Activity band", result.band, None, result.band_scheme),
        ]

    return derive


def bilag(src: ListingSource, number: str) -> Listing:
    """BILAG-2004 items, activity flags and domain grades, with numeric score and overall grade."""
    grades = {"choice": "BILAG2004_GRADE"}
    info = {
        **catalogue(bilag_items.INSTRUMENT.items, BILAG_CODELISTS),
        **catalogue(bilag_items.ACTIVITY_FLAG_ITEMS, BILAG_CODELISTS, start=1),
        **catalogue(bilag_items.GRADE_ITEMS, grades, start=5000, step=1),
    }
    head = (number, f"L{number} BILAG items", "BILAG-2004 items and domain grades", "RS")
    return item_listing(src, head, forms_of(src, "BILAG2004"), info, _bilag_derive)


def _bilag_derive(values: Mapping[str, Any], _head: Mapping[str, Any]) -> list[DerivedValue]:
    grades = {d: str(values[c]) for d, c in bilag_items.GRADE_CODES.items() if c in values}
    try:
        total = numeric_score(grades)
        overall = overall_grade(grades)
    except ValueError as err:
        return not_derived("BILAGTOT", "BILAG-2004 numeric score", err)
    return [
        DerivedValue(
            "BILAGTOT",
            "BILAG-2004 numeric score (0–108)",
            str(total),
            total,
            "A=12, B=8, C=1, D=0, E=0 summed over 9 domains (Yee 2010)",
        ),
        DerivedValue("BILAGOVR", "Overall grade", overall, None, "Most active domain grade"),
    ]


def pga(src: ListingSource) -> Listing:
    """Physician global assessment (0–3) per visit with its anchor description."""
    info = {"PGA": ItemInfo(order=1, number=1, label="Physician global assessment (0–3)")}
    head = ("16.2.6.3", "L16.2.6.3 PGA", "Physician global assessment", "RS")
    return item_listing(src, head, forms_of(src, "PGA"), info, _pga_derive)


def _pga_derive(values: Mapping[str, Any], _head: Mapping[str, Any]) -> list[DerivedValue]:
    raw = next((v for v in values.values() if _number(v) is not None), None)
    if raw is None:
        return []
    try:
        value = parse(str(raw))
        return [
            DerivedValue(
                "PGAANCH",
                "PGA anchor description",
                describe(value),
                None,
                f"PGA {value} on the 0 none – 3 severe line",
            )
        ]
    except ValueError as err:
        return not_derived("PGAANCH", "PGA anchor description", err)
