"""Listings 16.2.7.1 and 16.2.7.2: adverse events by subject and by SOC/PT (or verbatim term)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import select

from models import AdverseEvent, DoseAdministration
from records.listings import columns as C
from records.listings import frames as F
from records.listings.model import Column, Listing, ListingSource, make_listing
from records.listings.subjects import age_at
from scoring.safety import treatment_emergent

_SERIOUS = (
    ("sae_death", "Results in death"),
    ("sae_life_threatening", "Life-threatening"),
    ("sae_hospitalisation", "Hospitalisation"),
    ("sae_disability", "Disability/incapacity"),
    ("sae_congenital_anomaly", "Congenital anomaly"),
    ("sae_medically_important", "Medically important"),
)
_FLAGS = ("ongoing", "serious", "treatment_given", *(name for name, _ in _SERIOUS))
TEAE_RULE = (
    "scoring.safety.treatment_emergent: onset on/after the start of the UC-MSC dose; a partial "
    "onset that could be on/after it counts as emergent (spec/scoring.md §9.5)"
)
_BODY = (
    Column("sequence", "AE number", "int"),
    Column("term", "Verbatim term", "longtext"),
    Column("pt", "Preferred term (MedDRA)", "text"),
    Column("pt_code", "PT code", "id"),
    Column("soc", "System organ class (MedDRA)", "text"),
    Column("soc_code", "SOC code", "id"),
    *C.dated("onset", "Onset", "datetime"),
    *C.dated("end", "End", "datetime"),
    C.yes_no("ongoing", "Ongoing"),
    *C.coded("severity", "Severity", "AESEV"),
    Column("ctcae_grade", "CTCAE grade", "int"),
    C.yes_no("serious", "Serious"),
    *(C.yes_no(name, f"SAE: {label}") for name, label in _SERIOUS),
    *C.dated("awareness_date", "SAE awareness date"),
    *C.coded("relationship", "Relationship to UC-MSC", "AEREL"),
    *C.coded("action_taken", "Action taken", "AEACN"),
    *C.coded("outcome", "Outcome", "AEOUT"),
    C.yes_no("treatment_given", "Treatment given"),
    Column("treatment_note", "Treatment", "longtext"),
    C.yes_no("teae", "Treatment-emergent", origin="derived", rule=TEAE_RULE),
    Column("teae_reason", "Treatment-emergent: reason", "longtext", origin="derived",
           rule=TEAE_RULE),
    C.ENTERED_IN_ERROR,
)  # fmt: skip
_WHO = (
    C.SUBJECT,
    *C.coded("sex", "Sex", "SEX"),
    Column("age", "Age at consent (years)", "int", origin="derived",
           rule="Completed years from birth date to consent date"),
)  # fmt: skip
BY_SUBJECT_COLUMNS = (*_WHO, *_BODY)
BY_SOC_COLUMNS = (
    Column("soc_group", "SOC (or not coded)", "text", key=True, origin="derived",
           rule="MedDRA SOC, or '(not coded)' when no SOC was entered"),
    Column("pt_group", "PT (or verbatim term)", "text", key=True, origin="derived",
           rule="MedDRA PT, or the verbatim term prefixed '(verbatim)' when not coded"),
    *_WHO,
    *_BODY,
)  # fmt: skip
END_RULE = "An end date after the data cut is blanked and the event shown as ongoing"


def ae_by_subject(src: ListingSource) -> Listing:
    """All adverse events by subject, onset and AE number, with the TEAE derivation."""
    frame = F.ordered(_events(src), ["subject", "onset", "sequence"])
    head = ("16.2.7.1", "L16.2.7.1 AE by subject", "Adverse events by subject", "AE")
    return make_listing(src, head, BY_SUBJECT_COLUMNS, frame, notes=(END_RULE,))


def ae_by_soc(src: ListingSource) -> Listing:
    """The same events ordered by system organ class and preferred term (or verbatim)."""
    frame = _events(src)
    frame["soc_group"] = frame["soc"].map(lambda s: "(not coded)" if F.missing(s) else s)
    frame["pt_group"] = [
        f"(verbatim) {term}" if F.missing(pt) else pt
        for pt, term in zip(frame["pt"], frame["term"], strict=True)
    ]
    frame["uncoded"] = frame["soc"].map(F.missing)
    frame = F.ordered(frame, ["uncoded", "soc_group", "pt_group", "subject", "onset", "sequence"])
    head = ("16.2.7.2", "L16.2.7.2 AE by SOC-PT", "Adverse events by SOC and PT", "AE")
    return make_listing(src, head, BY_SOC_COLUMNS, frame, notes=(END_RULE,))


def _events(src: ListingSource) -> pd.DataFrame:
    ae = AdverseEvent.__table__  # type: ignore[attr-defined]
    extra = ["sex", "birth_date", "birth_year", "consent_date"]
    frame = F.with_subject(src.read(src.only_scope(select(ae), ae.c.subject_id)), src, extra)
    frame = F.cut_end(F.cut_rows(frame, src, "onset"), src, "end", "ongoing")
    frame["age"] = [
        age_at(*r)
        for r in zip(frame["birth_date"], frame["birth_year"], frame["consent_date"], strict=True)
    ]
    for name in ("onset", "end", "awareness_date"):
        frame[f"{name}_day"] = F.study_day(frame, name)
    for name, codelist in (
        ("sex", "SEX"),
        ("severity", "AESEV"),
        ("relationship", "AEREL"),
        ("action_taken", "AEACN"),
        ("outcome", "AEOUT"),
    ):
        frame[f"{name}_label"] = F.decode(frame, src, name, codelist)
    for name in _FLAGS:
        frame[name] = F.yes_no(frame[name])
    starts = _dose_starts(src)
    teae = [
        _teae(onset, starts.get(sid))
        for onset, sid in zip(frame["onset"], frame["subject_id"], strict=True)
    ]
    frame["teae"] = [t[0] for t in teae]
    frame["teae_reason"] = [t[1] for t in teae]
    return frame


def _dose_starts(src: ListingSource) -> dict[int, datetime]:
    """Each dosed subject's infusion start as site wall-clock time (what TEAE compares)."""
    ex = DoseAdministration.__table__  # type: ignore[attr-defined]
    query = src.only_scope(select(ex.c.subject_id, ex.c.started_at), ex.c.subject_id)
    cut = src.scope.data_cut
    starts = {int(sid): F.to_site_local(start, src) for sid, start in src.conn.execute(query)}
    return {
        sid: start
        for sid, start in starts.items()
        if start is not None and (cut is None or start.date() <= cut)
    }


def _teae(onset: Any, dose_start: datetime | None) -> tuple[str | None, str | None]:
    try:
        result = treatment_emergent(str(onset), dose_start)
    except ValueError as err:
        return None, f"not derived: {err}"
    return result.aetrtem, "; ".join(result.reasons)
