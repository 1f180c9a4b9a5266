"""Listings 16.2.6.1 and 16.2.6.2: SLEDAI-2K and BILAG-2004 one row per visit (issue #15).

A reviewer reads disease activity by visit: what was present and the totals. The item-level
detail (every descriptor, "absent" included) stays in its own listings, 16.2.6.1.1 and
16.2.6.2.1, which the SDTM RS domain is built from. The rows here are folded from that same
item listing (read once per export), so a summary can never disagree with its detail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from records.listings import columns as C
from records.listings.efficacy import bilag, sledai
from records.listings.frames import missing
from records.listings.model import Column, Listing, ListingSource, make_listing
from scoring import bilag_items

DETAIL_SLEDAI = "16.2.6.1.1"
DETAIL_BILAG = "16.2.6.2.1"
NOT_PRESENT = frozenset({"0", "N", "ND"})  # BILAG "not present", "no", "not done"
VISIT_KEY = ["subject", "visit_code", "visit_sequence", "visit_name", "assessment_date",
             "assessment_date_day", "state", "state_label"]  # fmt: skip
HEAD_COLUMNS = (
    C.SUBJECT, C.VISIT, C.VISIT_REPEAT, C.VISIT_NAME,
    *C.dated("assessment_date", "Assessment date"),
    *C.coded("state", "Form status", "FORM_STATE"),
)  # fmt: skip
SLEDAI_RULE = "scoring.sledai.score of the descriptors present (protocol variant and window)"
SLEDAI_COLUMNS = (
    *HEAD_COLUMNS,
    Column("present", "Descriptors present", "longtext", origin="derived",
           rule=f"Descriptors recorded Present in {DETAIL_SLEDAI}"),
    Column("total", "SLEDAI-2K total", "int", origin="derived", rule=SLEDAI_RULE),
    Column("clinical", "Clinical SLEDAI", "int", origin="derived",
           rule="Total without low complement and anti-dsDNA"),
    Column("band", "Activity band", "text", origin="derived", rule=SLEDAI_RULE),
    Column("derivation", "Derivation", "longtext", origin="derived", rule=SLEDAI_RULE),
)  # fmt: skip
BILAG_RULE = "Domain grades as recorded; numeric score A=12, B=8, C=1, D=E=0 (Yee 2010)"


def _bilag_columns() -> tuple[Column, ...]:
    grades = tuple(
        Column(f"grade_{domain}", f"{domain.capitalize()} grade", "code",
               codelist="BILAG2004_GRADE")
        for domain in bilag_items.GRADE_CODES
    )  # fmt: skip
    return (
        *HEAD_COLUMNS,
        *grades,
        Column("score", "BILAG-2004 numeric score (0–108)", "int", origin="derived",
               rule=BILAG_RULE),
        Column("overall", "Overall grade", "code", codelist="BILAG2004_GRADE", origin="derived",
               rule="Most active domain grade"),
        Column("present", "Items present or measured", "longtext", origin="derived",
               rule=f"Items of {DETAIL_BILAG} other than not present, no and not done"),
    )  # fmt: skip


def sledai_items(src: ListingSource) -> Listing:
    """16.2.6.1.1: every SLEDAI-2K descriptor of every visit, with the derived rows."""
    return src.once(DETAIL_SLEDAI, lambda: sledai(src, DETAIL_SLEDAI))


def bilag_detail(src: ListingSource) -> Listing:
    """16.2.6.2.1: every BILAG-2004 item and domain grade of every visit."""
    return src.once(DETAIL_BILAG, lambda: bilag(src, DETAIL_BILAG))


def sledai_by_visit(src: ListingSource) -> Listing:
    """16.2.6.1: one row per SLEDAI-2K assessment: descriptors present, totals, band."""
    detail = sledai_items(src)

    def fold(rows: pd.DataFrame) -> dict[str, Any]:
        derived = _derived(rows)
        present = rows[(rows["derived"] != "Y") & (rows["value"].astype(str) == "Y")]
        return {
            "present": "; ".join(present["item"].astype(str)),
            "total": _number(derived, "S2KTOT"),
            "clinical": _number(derived, "CSLEDAI"),
            "band": _text(derived, "S2KBAND", "value"),
            "derivation": _text(derived, "S2KTOT", "reasons"),
        }

    head = ("16.2.6.1", "L16.2.6.1 SLEDAI-2K", "SLEDAI-2K by visit: descriptors present and totals",
            "RS")  # fmt: skip
    frame = _folded(detail.frame, fold)
    notes = (f"Every descriptor, absent ones included: listing {DETAIL_SLEDAI}",)
    return make_listing(src, head, SLEDAI_COLUMNS, frame, notes=notes)


def bilag_by_visit(src: ListingSource) -> Listing:
    """16.2.6.2: one row per BILAG-2004 assessment: nine domain grades, score, items present."""
    detail = bilag_detail(src)
    grade_of = {code: domain for domain, code in bilag_items.GRADE_CODES.items()}

    def fold(rows: pd.DataFrame) -> dict[str, Any]:
        derived = _derived(rows)
        out: dict[str, Any] = {f"grade_{d}": None for d in bilag_items.GRADE_CODES}
        for row in rows.itertuples(index=False):
            if row.item_code in grade_of:
                out[f"grade_{grade_of[row.item_code]}"] = row.value
        items = rows[(rows["derived"] != "Y") & ~rows["item_code"].isin(list(grade_of))]
        out["present"] = "; ".join(
            _item_text(r) for r in items.itertuples(index=False)
            if not missing(r.value) and str(r.value) not in NOT_PRESENT
        )  # fmt: skip
        out["score"] = _number(derived, "BILAGTOT")
        out["overall"] = _text(derived, "BILAGOVR", "value")
        return out

    head = ("16.2.6.2", "L16.2.6.2 BILAG-2004", "BILAG-2004 by visit: domain grades and score",
            "RS")  # fmt: skip
    frame = _folded(detail.frame, fold)
    notes = (f"Every item, not present and not done included: listing {DETAIL_BILAG}",)
    return make_listing(src, head, _bilag_columns(), frame, notes=notes)


def _folded(frame: pd.DataFrame, fold: Callable[[pd.DataFrame], dict[str, Any]]) -> pd.DataFrame:
    """One row per assessment, in the detail listing's order (subject, visit, date)."""
    if frame.empty:
        return pd.DataFrame()
    rows = [
        {**dict(zip(VISIT_KEY, key, strict=True)), **fold(group)}
        for key, group in frame.groupby(VISIT_KEY, sort=False, dropna=False)
    ]
    return pd.DataFrame(rows)


def _derived(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[rows["derived"] == "Y"].set_index("item_code")


def _number(derived: pd.DataFrame, code: str) -> int | None:
    value = derived["value_num"].get(code) if code in derived.index else None
    return None if missing(value) else int(value)


def _text(derived: pd.DataFrame, code: str, column: str) -> str | None:
    value = derived[column].get(code) if code in derived.index else None
    return None if missing(value) else str(value)


def _item_text(row: Any) -> str:
    shown = row.value_label if not missing(row.value_label) else row.value
    unit = f" {row.unit}" if not missing(row.unit) else ""
    return f"{row.item}: {shown}{unit}"
