"""Companion sheets: the data dictionary of every listing column and the codelists they use."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from records.listings.codelists import all_names, pairs, source_of
from records.listings.model import Column, Listing
from study.schema import StudyDefinition

KIND_TEXT = {
    "id": "Text (identifier, leading zeros kept)",
    "text": "Text",
    "longtext": "Text (free text, wrapped)",
    "code": "Text (code)",
    "date": "Date as ISO 8601 text (YYYY-MM-DD, right-truncated when partial)",
    "datetime": "Date/time as ISO 8601 text (YYYY-MM-DDThh:mm), site local time",
    "int": "Integer",
    "float": "Number",
    "day": "Study day (integer, no day 0)",
}
DICTIONARY_COLUMNS = (
    Column("sheet", "Sheet", "text", key=True),
    Column("listing", "Listing", "code"),
    Column("column", "Column", "code", key=True),
    Column("label", "Label (column header)", "text"),
    Column("type", "Type", "text"),
    Column("codelist", "Codelist", "code"),
    Column("origin", "Origin", "code"),
    Column("rule", "Derivation rule / source", "longtext"),
)
CODELIST_COLUMNS = (
    Column("codelist", "Codelist", "code", key=True),
    Column("source", "Defined in", "text"),
    Column("order", "Order", "int"),
    Column("code", "Code", "code", key=True),
    Column("decode", "Decode", "text"),
)


def data_dictionary(listings: Iterable[Listing]) -> Listing:
    """One row per column of every listing sheet, in sheet and column order."""
    rows = [
        {
            "sheet": listing.sheet, "listing": listing.number, "column": c.name,
            "label": c.label, "type": KIND_TEXT[c.kind], "codelist": c.codelist,
            "origin": c.origin.capitalize(), "rule": c.rule or None,
        }
        for listing in listings
        for c in listing.columns
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=[c.name for c in DICTIONARY_COLUMNS])
    return Listing(
        "DD",
        "Data dictionary",
        "Data dictionary",
        "Not applicable (describes the workbook)",
        "Workbook",
        DICTIONARY_COLUMNS,
        frame,
    )


def codelist_sheet(study: StudyDefinition, listings: Iterable[Listing]) -> Listing:
    """Every codelist a listing column names, plus all of the study's, code by code."""
    used = {
        name.strip()
        for listing in listings
        for c in listing.columns
        if c.codelist
        for name in c.codelist.split(",")
    }
    names = [n for n in all_names(study) if n in used or n in study.codelists]
    rows = [
        {"codelist": name, "source": source_of(study, name), "order": n, "code": code,
         "decode": label}
        for name in names
        for n, (code, label) in enumerate(pairs(study, name), start=1)
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=[c.name for c in CODELIST_COLUMNS])
    return Listing(
        "CL",
        "Codelists",
        "Codelists and decodes",
        "Not applicable (describes the workbook)",
        "Workbook",
        CODELIST_COLUMNS,
        frame,
    )
