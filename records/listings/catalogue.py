"""The ordered set of listings (ICH E3 appendix 16.2 numbering) and reading them all at once."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from records.listings.activity import bilag_by_visit, bilag_detail, sledai_by_visit, sledai_items
from records.listings.deviations import deviations
from records.listings.efficacy import pga
from records.listings.labs import egfr_listing, lab_panel
from records.listings.model import Listing, ListingSource, Scope
from records.listings.observations import items_form, vital_signs
from records.listings.pros import promis29, rand36
from records.listings.response import response_status
from records.listings.review import queries_listing, sdv_listing
from records.listings.safety import ae_by_soc, ae_by_subject
from records.listings.signatures import signatures
from records.listings.subjects import demographics, disposition, medical_history
from records.listings.treatment import (
    concomitant_medications,
    corticosteroids,
    dose_administration,
)
from study.schema import StudyDefinition

ListingFunction = Callable[[ListingSource], Listing]
RESEARCH_CATEGORIES = ("CYTOKINES",)
_BAD_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(number: str, *names: str) -> str:
    """`L<number> <name>` within Excel's 31 characters, without []:*?/\\.

    The first name that fits is used; otherwise the last is cut at a word ("and" dropped).
    """
    texts = [_BAD_SHEET_CHARACTERS.sub("-", f"L{number} {name}") for name in names]
    for text in texts:
        if len(text) <= 31:
            return text
    text = texts[-1]
    while (len(text) > 31 or text.endswith((" and", " of", ","))) and " " in text:
        text = text.rsplit(" ", 1)[0]
    return text[:31]


def _panel_names(study: StudyDefinition, panel: Any) -> tuple[str, ...]:
    forms = [f.name for f in study.forms if f.kind == "labs" and f.panel == panel.code]
    return (*forms[:1], panel.name)


def _labs(study: StudyDefinition) -> list[ListingFunction]:
    """Clinical panels, then eGFR, then research panels (cytokines), numbered 16.2.8.n."""
    clinical = [p for p in study.lab_panels if p.category not in RESEARCH_CATEGORIES]
    research = [p for p in study.lab_panels if p.category in RESEARCH_CATEGORIES]
    out: list[ListingFunction] = []
    for p in clinical:
        number = f"16.2.8.{len(out) + 1}"
        out.append(lab_panel(p.code, number, sheet_name(number, *_panel_names(study, p))))
    out.append(egfr_listing(f"16.2.8.{len(out) + 1}"))
    for p in research:
        number = f"16.2.8.{len(out) + 1}"
        out.append(lab_panel(p.code, number, sheet_name(number, *_panel_names(study, p))))
    return out


def _item_forms(study: StudyDefinition) -> list[ListingFunction]:
    forms = [f for f in study.forms if f.kind == "items"]
    return [
        items_form(f"16.2.9.{n}", sheet_name(f"16.2.9.{n}", f.name), f.code, f.domain)
        for n, f in enumerate(forms, start=4)
    ]


def catalogue(study: StudyDefinition) -> tuple[ListingFunction, ...]:
    """Every listing function in workbook order."""
    return (
        disposition, deviations, demographics, medical_history, dose_administration,
        sledai_by_visit, sledai_items, bilag_by_visit, bilag_detail, pga, response_status,
        promis29, rand36,
        ae_by_subject, ae_by_soc, *_labs(study),
        corticosteroids, concomitant_medications, vital_signs, *_item_forms(study),
        queries_listing, sdv_listing, signatures,
    )  # fmt: skip


def read_listings(conn: Connection, study: StudyDefinition, scope: Scope) -> list[Listing]:
    """Read every listing through one connection (one snapshot when inside a transaction)."""
    src = ListingSource(conn, study, scope)
    return [function(src) for function in catalogue(study)]
