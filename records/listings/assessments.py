"""Item-level listings of assessments (instruments and study forms): one row per item value.

Derived parameters (totals, grades, T-scores) follow the collected items of each assessment as
extra rows flagged Derived = Y, the SDTM RS/QS shape (--DRVFL) reviewers know.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import select

from models import Assessment, AssessmentItem
from records.listings import columns as C
from records.listings import frames as F
from records.listings.model import Column, Listing, ListingSource, make_listing

DERIVED_ORDER = 100_000


@dataclass(frozen=True, slots=True)
class ItemInfo:
    """What a listing needs to know about one item code: order, label, group, decodes, unit."""

    order: int
    label: str
    number: int | None = None
    group: str = ""
    codelist: str | None = None
    decodes: Mapping[str, str] = field(default_factory=dict)
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class DerivedValue:
    """One derived parameter of an assessment, with the reasons the scoring library gave."""

    code: str
    label: str
    value: str | None
    number: float | None
    reasons: str


Deriver = Callable[[Mapping[str, Any], Mapping[str, Any]], list[DerivedValue]]


def item_columns(codelists: str | None) -> tuple[Column, ...]:
    """Columns of every item-level listing."""
    return (
        C.SUBJECT, C.VISIT, C.VISIT_REPEAT, C.VISIT_NAME,
        Column("assessment_date", "Assessment date", "date",
               rule="Assessment date as entered, else the visit date"),
        C.day("assessment_date_day", "Assessment date"),
        *C.coded("state", "Form status", "FORM_STATE"),
        Column("item_no", "Item number", "int", origin="assigned"),
        Column("item_code", "Parameter code", "code", key=True),
        Column("item", "Parameter", "text", origin="assigned",
               rule="Item label from the instrument catalogue or study definition"),
        Column("group", "Group / domain", "text", origin="assigned"),
        Column("value", "Result", "text"),
        Column("value_label", "Result (decode)", "text", codelist=codelists, origin="derived",
               rule="Decode of the result through the item's options"),
        Column("value_num", "Numeric result", "float"),
        Column("unit", "Unit", "code", origin="assigned"),
        C.yes_no("due_to_sle", "Due to SLE"),
        C.yes_no("derived", "Derived", origin="derived",
                 rule="Y when derived by the scoring library, blank when collected (--DRVFL)"),
        Column("reasons", "Derivation / comment", "longtext", origin="derived",
               rule="Reasons returned by the scoring library; not-done reason for forms not done"),
    )  # fmt: skip


def read_items(src: ListingSource, forms: tuple[str, ...]) -> pd.DataFrame:
    """Assessments of the forms with their items (an assessment without items keeps one row)."""
    a, i = Assessment.__table__, AssessmentItem.__table__  # type: ignore[attr-defined]
    query = select(
        a.c.id.label("assessment_id"), a.c.subject_id, a.c.visit_id, a.c.form_code,
        a.c.assessment_date, a.c.state, a.c.not_done_reason, a.c.variant, a.c.window_days,
        i.c.item_code, i.c.value, i.c.value_num, i.c.due_to_sle,
    ).outerjoin(i, i.c.assessment_id == a.c.id).where(a.c.form_code.in_(forms))  # fmt: skip
    frame = F.with_subject(src.read(src.only_scope(query, a.c.subject_id)), src)
    frame = F.with_visit(frame, src, ["visit_date"])
    frame["assessment_date"] = frame["assessment_date"].where(
        frame["assessment_date"].notna(), frame["visit_date"]
    )
    return F.cut_rows(frame, src, "assessment_date")


def item_listing(
    src: ListingSource,
    head: tuple[str, str, str, str],
    forms: tuple[str, ...],
    items: Mapping[str, ItemInfo],
    derive: Deriver | None = None,
) -> Listing:
    """The long-form listing of the forms' items, with derived rows from `derive`."""
    frame = read_items(src, forms)
    frame = pd.concat([frame, _derived_rows(frame, derive)], ignore_index=True)
    for name in ("derived", "reasons", "item", "item_order"):
        if name not in frame.columns:
            frame[name] = None
    frame = _describe(frame, src, items)
    frame["sort_date"] = frame["assessment_date"].map(lambda d: None if F.missing(d) else str(d))
    frame = F.ordered(frame, [*C.VISIT_SORT, "sort_date", "form_code", "item_order", "item_code"])
    names = sorted({i.codelist for i in items.values() if i.codelist})
    return make_listing(src, head, item_columns(", ".join(names) or None), frame)


def _describe(frame: pd.DataFrame, src: ListingSource, items: Mapping[str, ItemInfo]) -> Any:
    """Labels, order, units and decodes of each item row; derived rows keep their own label."""
    info = [None if F.missing(code) else items.get(code) for code in frame["item_code"]]
    frame["item_no"] = [i.number if i else None for i in info]
    frame["item_order"] = [
        i.order if i else (order if not F.missing(order) else DERIVED_ORDER - 1)
        for i, order in zip(info, frame["item_order"], strict=True)
    ]
    frame["item"] = [
        i.label if i else (code if F.missing(label) else label)
        for i, label, code in zip(info, frame["item"], frame["item_code"], strict=True)
    ]
    frame["group"] = [i.group if i else None for i in info]
    frame["unit"] = [i.unit if i else None for i in info]
    frame["value_label"] = [
        i.decodes.get(str(v), str(v)) if i and i.decodes and not F.missing(v) else None
        for i, v in zip(info, frame["value"], strict=True)
    ]
    frame["state_label"] = F.decode(frame, src, "state", "FORM_STATE")
    frame["due_to_sle"] = F.yes_no(frame["due_to_sle"])
    frame["derived"] = F.flag_y(frame["derived"])
    frame["reasons"] = frame["reasons"].where(frame["reasons"].notna(), frame["not_done_reason"])
    frame["assessment_date_day"] = F.study_day(frame, "assessment_date")
    return frame


def _derived_rows(frame: pd.DataFrame, derive: Deriver | None) -> pd.DataFrame:
    """One row per derived value of each complete assessment, after its items."""
    if derive is None or frame.empty:
        return pd.DataFrame()
    values: dict[int, dict[str, Any]] = {}
    for aid, code, value in zip(
        frame["assessment_id"], frame["item_code"], frame["value"], strict=True
    ):
        if not F.missing(code):
            values.setdefault(int(aid), {})[code] = value
    heads = frame.drop_duplicates("assessment_id")
    heads = heads[heads["state"] != "not_done"]
    rows = []
    for head in heads.to_dict("records"):
        for n, d in enumerate(derive(values.get(int(head["assessment_id"]), {}), head)):
            rows.append(
                {
                    **head,
                    "item_code": d.code,
                    "item": d.label,
                    "value": d.value,
                    "value_num": d.number,
                    "due_to_sle": None,
                    "derived": True,
                    "reasons": d.reasons,
                    "item_order": DERIVED_ORDER + n,
                }
            )
    return pd.DataFrame(rows)
