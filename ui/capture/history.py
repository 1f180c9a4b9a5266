"""Medical and SLE history rows of a subject (records.history): what began before consent."""

from __future__ import annotations

from typing import Any

import pandas as pd

from models import Actor
from records.context import Workbench
from records.history import HistoryRead, save_history
from ui.capture import logs
from ui.capture.fields import Field

FIELDS = (
    Field("category", "Category", "choice", codelist="MH_CATEGORY"),
    Field("term", "Condition or SLE manifestation"),
    Field("start", "Start (partial date)", "partial"),
    Field("ongoing", "Ongoing", "flag"),
    Field("note", "Note", "long"),
)
VALUES = tuple(f.name for f in FIELDS)


def form(wb: Workbench, actor: Actor, subject_id: int) -> logs.LogForm:
    """The history log form of a subject."""

    def save(row_id: int | None, values: dict, reason: str | None, expected: int | None) -> Any:
        return save_history(
            wb,
            actor,
            subject_id=subject_id,
            values=values,
            history_id=row_id,
            reason=reason,
            expected_version=expected,
        )

    return logs.LogForm("MH", "history entry", "medicalhistory", FIELDS, save, width=2)


def values(row: HistoryRead | None) -> dict[str, Any]:
    return {} if row is None else {name: getattr(row, name) for name in VALUES}


def describe(row: HistoryRead) -> str:
    return f"{row.term} ({row.category.lower()}, from {row.start or 'unknown'})"


def table(wb: Workbench, rows: list[HistoryRead]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Category": wb.study.decode("MH_CATEGORY", r.category),
                "Term": logs.struck(r.term, r),
                "Start": r.start or "",
                "Ongoing": "yes" if r.ongoing else "",
                "Note": r.note or "",
                **logs.error_column(r),
            }
            for r in rows
        ]
    )
