"""Listings 16.2.1 (disposition), 16.2.4.1 (demographics and baseline), 16.2.4.2 (history)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import select

from models import MedicalHistory, VitalSign
from records.listings import columns as C
from records.listings import frames as F
from records.listings.model import Column, Listing, ListingSource, make_listing

DISPOSITION_COLUMNS = (
    C.SUBJECT, C.SITE,
    *C.dated("consent_date", "Consent date"),
    Column("dose_date", "Dose date (day 1)", "date"),
    *C.coded("status", "Status at data cut", "SUBJECT_STATUS"),
    *C.dated("status_date", "Status date"),
    Column("status_reason", "Reason", "longtext"),
    Column("last_visit", "Last visit done", "code", origin="derived",
           rule="Latest visit with a date on or before the data cut"),
    *C.dated("last_visit_date", "Last visit date"),
    *C.dated("et_date", "Early termination visit date"),
)  # fmt: skip
STATUS_RULE = (
    "Status dated after the data cut is not yet known at the cut: shown as dosed when day 1 is "
    "on or before the cut, else screening; its date and reason are blank"
)


def disposition(src: ListingSource) -> Listing:
    """One row per subject: status at the data cut, its date and reason, last visit done."""
    frame = src.subjects.copy()
    at_cut = [_status_at_cut(row, src.scope.data_cut) for row in frame.itertuples(index=False)]
    for i, name in enumerate(("status", "status_date", "status_reason")):
        frame[name] = [values[i] for values in at_cut]
    visits = F.cut_rows(src.visits.dropna(subset=["visit_date"]), src, "visit_date")
    last = visits.sort_values(["visit_date", "visit_order"]).groupby("subject_id").tail(1)
    last = last[["subject_id", "visit_code", "visit_date"]].rename(
        columns={"visit_code": "last_visit", "visit_date": "last_visit_date"}
    )
    et = visits[visits["visit_code"].isin(_et_codes(src))].groupby("subject_id")["visit_date"].min()
    frame = frame.merge(last, on="subject_id", how="left")
    frame["et_date"] = frame["subject_id"].map(et)
    for name in ("consent_date", "status_date", "last_visit_date", "et_date"):
        frame[f"{name}_day"] = F.study_day(frame, name)
    frame["status_label"] = F.decode(frame, src, "status", "SUBJECT_STATUS")
    head = ("16.2.1", "L16.2.1 Disposition", "Disposition and early terminations", "DS")
    return make_listing(
        src, head, DISPOSITION_COLUMNS, F.ordered(frame, C.SUBJECT_SORT), notes=(STATUS_RULE,)
    )


def _status_at_cut(row: Any, cut: date | None) -> tuple[Any, Any, Any]:
    if cut is None or F.missing(row.status_date) or row.status_date <= cut:
        return row.status, row.status_date, row.status_reason
    return ("dosed" if not F.missing(row.dose_date) else "screening"), None, None


def _et_codes(src: ListingSource) -> list[str]:
    return [v.code for v in src.study.visits if v.kind == "early_termination"]


DEMOGRAPHY_COLUMNS = (
    C.SUBJECT, C.SITE,
    *C.coded("sex", "Sex", "SEX"),
    Column("birth", "Birth date", "date"),
    Column("age", "Age at consent (years)", "int", origin="derived",
           rule="Completed years from birth date to consent date; birth year only: "
                "consent year − birth year"),
    *C.dated("consent_date", "Consent date"),
    Column("dose_date", "Dose date (day 1)", "date"),
    Column("height", "Height at screening (cm)", "float"),
    Column("weight", "Baseline weight (kg)", "float",
           rule="Last weight recorded at screening or the baseline visit"),
    Column("bmi", "Baseline BMI (kg/m2)", "float", origin="derived",
           rule="Weight ÷ (height/100)², rounded to 0.1"),
)  # fmt: skip


def demographics(src: ListingSource) -> Listing:
    """One row per subject: sex, age at consent, day 1, baseline height, weight and BMI."""
    frame = src.subjects.copy()
    frame["sex_label"] = F.decode(frame, src, "sex", "SEX")
    frame["birth"] = [
        b.isoformat() if not F.missing(b) else (None if F.missing(y) else f"{int(y):04d}")
        for b, y in zip(frame["birth_date"], frame["birth_year"], strict=True)
    ]
    frame["age"] = [
        age_at(*row)
        for row in zip(frame["birth_date"], frame["birth_year"], frame["consent_date"], strict=True)
    ]
    frame["consent_date_day"] = F.study_day(frame, "consent_date")
    frame = frame.merge(_baseline_body(src), on="subject_id", how="left")
    frame["bmi"] = [
        None if F.missing(w) or F.missing(h) or not h else round(w / (h / 100) ** 2, 1)
        for w, h in zip(frame["weight"], frame["height"], strict=True)
    ]
    head = ("16.2.4.1", "L16.2.4.1 Demographics", "Demographics and baseline characteristics", "DM")
    return make_listing(src, head, DEMOGRAPHY_COLUMNS, F.ordered(frame, C.SUBJECT_SORT))


def age_at(birth_date: Any, birth_year: Any, consent: date) -> int | None:
    """Completed years at consent; from the birth year alone when the date is unknown."""
    if not F.missing(birth_date):
        before = (consent.month, consent.day) < (birth_date.month, birth_date.day)
        return int(consent.year - birth_date.year - before)
    return None if F.missing(birth_year) else int(consent.year - int(birth_year))


def _baseline_body(src: ListingSource) -> pd.DataFrame:
    """Height and weight recorded on or before the baseline visit, latest last."""
    vs = VitalSign.__table__  # type: ignore[attr-defined]
    query = select(vs.c.subject_id, vs.c.visit_id, vs.c.test_code, vs.c.value_num, vs.c.id).where(
        vs.c.test_code.in_(("HEIGHT", "WEIGHT")), vs.c.value_num.is_not(None)
    )
    frame = F.with_visit(src.read(src.only_scope(query, vs.c.subject_id)), src, ["visit_date"])
    baseline = [v.code for v in src.study.visits].index(src.study.protocol.baseline_visit)
    frame = F.cut_rows(frame[frame["visit_order"] <= baseline], src, "visit_date")
    frame = frame.sort_values(["visit_order", "id"])
    wide = frame.groupby(["subject_id", "test_code"])["value_num"].last().unstack()
    wide = wide.reindex(columns=["HEIGHT", "WEIGHT"])
    return wide.rename(columns={"HEIGHT": "height", "WEIGHT": "weight"}).reset_index()


HISTORY_COLUMNS = (
    C.SUBJECT,
    *C.coded("category", "Category", "MH_CATEGORY"),
    Column("term", "Term", "longtext"),
    *C.dated("start", "Start"),
    C.yes_no("ongoing", "Ongoing"),
    Column("note", "Note", "longtext"),
    C.ENTERED_IN_ERROR,
)  # fmt: skip


def medical_history(src: ListingSource) -> Listing:
    """General and SLE history entries; starts after the data cut are left out."""
    mh = MedicalHistory.__table__  # type: ignore[attr-defined]
    query = select(
        mh.c.subject_id, mh.c.category, mh.c.term, mh.c.start, mh.c.ongoing, mh.c.note,
        mh.c.error_reason,
    )  # fmt: skip
    frame = F.with_subject(src.read(src.only_scope(query, mh.c.subject_id)), src)
    frame = F.cut_rows(frame, src, "start")
    frame["category_label"] = F.decode(frame, src, "category", "MH_CATEGORY")
    frame["start_day"] = F.study_day(frame, "start")
    frame["ongoing"] = F.yes_no(frame["ongoing"])
    frame = F.ordered(frame, ["subject", "category", "start", "term"])
    head = ("16.2.4.2", "L16.2.4.2 Medical history", "Medical and SLE history", "MH")
    return make_listing(src, head, HISTORY_COLUMNS, frame)
