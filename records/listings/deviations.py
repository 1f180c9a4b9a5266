"""Listing 16.2.2: protocol deviations derived from the data (visit windows, eligibility)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import select

from models import Assessment, AssessmentItem
from records.listings import columns as C
from records.listings import frames as F
from records.listings.model import Column, Listing, ListingSource, make_listing
from scoring.dates import date_of_study_day

CATEGORY_RULE = "From the source of the deviation: visit window flag, missed visit, eligibility"
COLUMNS = (
    C.SUBJECT, C.VISIT, C.VISIT_REPEAT, C.VISIT_NAME,
    *C.coded("category", "Deviation category", "DVCAT", origin="derived", rule=CATEGORY_RULE),
    Column("term", "Deviation", "longtext", origin="derived",
           rule="Out-of-window and missed visits from the visit record; eligibility criteria "
                "answered as not met for a subject who went on past screening"),
    *C.dated("deviation_date", "Date"),
    Column("days_off_window", "Days outside window", "int"),
    Column("reason", "Reason / comment", "longtext"),
)  # fmt: skip
NOT_MET = {"inclusion": {"N", "NO", "NOT MET", "FALSE"}, "exclusion": {"Y", "YES", "MET", "TRUE"}}
ENROLLED_OUT = ("screening", "screen_failure")
OVERRIDE_ITEM, NOTE_SUFFIX = "OVERRIDE", "_NOTE"  # storage codes of records/eligibility


def deviations(src: ListingSource) -> Listing:
    """Out-of-window visits, missed visits and eligibility overrides, by subject and visit."""
    parts = [_window(src), _missed(src), _eligibility(src)]
    frame = pd.concat([p for p in parts if not p.empty] or [pd.DataFrame()], ignore_index=True)
    if not frame.empty:
        frame = F.with_subject(frame, src)
        frame = F.cut_rows(frame, src, "deviation_date")
        frame["deviation_date_day"] = F.study_day(frame, "deviation_date")
        frame["category_label"] = F.decode(frame, src, "category", "DVCAT")
        frame["sort_date"] = frame["deviation_date"].map(lambda d: None if F.missing(d) else str(d))
        frame = F.ordered(frame, [*C.VISIT_SORT, "sort_date", "category"])
    head = ("16.2.2", "L16.2.2 Deviations", "Protocol deviations", "DV")
    return make_listing(src, head, COLUMNS, frame)


def _window(src: ListingSource) -> pd.DataFrame:
    visits = src.visits
    frame = visits[visits["out_of_window"].fillna(False).astype(bool)].copy()
    frame["category"] = "VISIT WINDOW"
    frame["deviation_date"] = frame["visit_date"]
    frame["term"] = [
        f"{name} done outside its window"
        + ("" if F.missing(off) else f" by {int(off):+d} day(s)")
        + ("" if F.missing(day) else f" (planned day {int(day)})")
        for name, off, day in zip(
            frame["visit_name"], frame["days_off_window"], frame["planned_day"], strict=True
        )
    ]
    frame["reason"] = frame["visit_reason"]
    return frame


def _missed(src: ListingSource) -> pd.DataFrame:
    frame = src.visits[src.visits["visit_status"] == "missed"].copy()
    refs = frame.merge(src.subjects[["subject_id", "dose_date"]], on="subject_id", how="left")
    frame["deviation_date"] = [
        None if F.missing(day) or F.missing(ref) or not day else date_of_study_day(int(day), ref)
        for day, ref in zip(refs["planned_day"], refs["dose_date"], strict=True)
    ]
    frame["category"] = "MISSED VISIT"
    frame["term"] = frame["visit_name"].map(lambda n: f"{n} missed (date shown is the target date)")
    frame["reason"] = frame["visit_reason"]
    frame["days_off_window"] = None
    return frame


def _eligibility(src: ListingSource) -> pd.DataFrame:
    """Failed criteria of subjects dosed or enrolled anyway (with the override reason if any)."""
    forms = [f.code for f in src.study.forms if f.kind == "eligibility"]
    a, i = Assessment.__table__, AssessmentItem.__table__  # type: ignore[attr-defined]
    query = select(a.c.subject_id, a.c.visit_id, a.c.assessment_date, i.c.item_code, i.c.value)
    query = query.join(i, i.c.assessment_id == a.c.id).where(a.c.form_code.in_(forms))
    frame = src.read(src.only_scope(query, a.c.subject_id))
    answers = {
        (int(s), c): v
        for s, c, v in zip(frame["subject_id"], frame["item_code"], frame["value"], strict=True)
    }
    criteria = {c.code: c for c in src.study.eligibility}
    enrolled = set(src.subjects.loc[~src.subjects["status"].isin(ENROLLED_OUT), "subject_id"])
    keep = [
        _not_met(criteria.get(code), value)
        and (sid in enrolled or not F.missing(answers.get((int(sid), OVERRIDE_ITEM))))
        for code, value, sid in zip(
            frame["item_code"], frame["value"], frame["subject_id"], strict=True
        )
    ]
    frame = F.with_visit(F.rows_where(frame, keep).copy(), src)
    frame["category"] = "ELIGIBILITY"
    frame["deviation_date"] = frame["assessment_date"]
    frame["term"] = [
        f"{code} ({criteria[code].kind}) not met: {criteria[code].text}"
        for code in frame["item_code"]
    ]
    frame["reason"] = [
        _override_text(answers, int(sid), code)
        for sid, code in zip(frame["subject_id"], frame["item_code"], strict=True)
    ]
    frame["days_off_window"] = None
    return frame


def _override_text(answers: dict[tuple[int, str], Any], subject_id: int, code: str) -> str:
    override = answers.get((subject_id, OVERRIDE_ITEM))
    note = answers.get((subject_id, f"{code}{NOTE_SUFFIX}"))
    parts = [
        f"Override: {override}"
        if not F.missing(override)
        else "No override recorded; subject continued past screening"
    ]
    if not F.missing(note):
        parts.append(f"Evidence: {note}")
    return "; ".join(parts)


def _not_met(criterion: Any, value: Any) -> bool:
    if criterion is None or F.missing(value):
        return False
    return str(value).strip().upper() in NOT_MET.get(criterion.kind, set())
