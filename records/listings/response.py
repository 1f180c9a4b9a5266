"""Listing 16.2.6.4: response status per visit — SRI-4…8, BICLA, LLDAS, DORIS with reasons.

Inputs are gathered per subject and visit (SLEDAI descriptors, BILAG grades and items, PGA,
current prednisone-equivalent dose, withdrawal) and judged by `scoring.responders`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from records.listings import columns as C
from records.listings import frames as F
from records.listings.assessments import read_items
from records.listings.efficacy import forms_of, optional_module
from records.listings.model import Column, Listing, ListingSource, make_listing
from records.listings.response_inputs import Steroids, steroid_regimens
from records.listings.response_judge import events_at, judge, sledai_total

INDICES = (
    ("SRI4", "SRI-4"),
    ("SRI5", "SRI-5"),
    ("SRI6", "SRI-6"),
    ("SRI7", "SRI-7"),
    ("SRI8", "SRI-8"),
    ("BICLA", "BICLA"),
    ("LLDAS", "LLDAS"),
    ("DORIS", "DORIS 2021"),
)
RULE = "scoring.responders (spec/scoring.md §3–4) against the baseline visit of the protocol"
COLUMNS = (
    C.SUBJECT, C.VISIT, C.VISIT_NAME,
    *C.dated("visit_date", "Assessment date"),
    Column("index", "Index", "code", key=True, origin="derived", rule=RULE),
    *C.coded("result", "Result", "RESPONSE", origin="derived", rule=RULE),
    Column("decided_by", "Decided by", "text", origin="derived", rule=RULE),
    Column("missing", "Missing inputs", "text", origin="derived", rule=RULE),
    Column("sledai_total", "SLEDAI-2K total", "int", origin="derived",
           rule="Sum of the weights of the descriptors present (scoring.sledai_items)"),
    Column("pga", "PGA", "float"),
    Column("prednisone_mg", "Prednisone equivalent on the day (mg/day)", "float",
           origin="derived", rule="scoring.steroids.current_dose on the assessment date"),
    Column("reasons", "Reasons", "longtext", origin="derived", rule=RULE),
)  # fmt: skip
NOTES = (
    "Rescue therapy and disallowed therapy are not recorded in the data model yet: those rules "
    "never fire",
    "SRI and BICLA are judged at post-baseline visits; LLDAS and DORIS at every visit",
)


@dataclass
class VisitInputs:
    """Everything the indices need at one visit of one subject."""

    subject_id: int
    visit_id: int
    keys: dict[str, Any]
    date: date | None = None
    descriptors: tuple[str, ...] | None = None
    grades: dict[str, str] | None = None
    bilag_items: dict[str, Any] = field(default_factory=dict)
    pga: str | None = None


def response_status(src: ListingSource) -> Listing:
    """One row per subject, visit and index with the verdict, what decided it and why."""
    head = ("16.2.6.4", "L16.2.6.4 Response", "Response status per visit", "RS")
    responders = optional_module("scoring.responders")
    visits = _inputs(src)
    if responders is None or not visits:
        return make_listing(src, head, COLUMNS, pd.DataFrame(), "Dosed subjects", NOTES)
    regimens = steroid_regimens(src)
    people = src.subjects.set_index("subject_id").to_dict("index")
    rows: list[dict[str, Any]] = []
    for subject_id, subject_visits in _by_subject(visits).items():
        rows += _subject_rows(src, responders, subject_visits, regimens, people[subject_id])
    frame = F.with_subject(pd.DataFrame(rows), src)
    frame["visit_date_day"] = F.study_day(frame, "visit_date")
    frame["result_label"] = F.decode(frame, src, "result", "RESPONSE")
    frame = F.ordered(frame, [*C.VISIT_SORT, "index_order"])
    return make_listing(src, head, COLUMNS, frame, "Dosed subjects", NOTES)


def _by_subject(visits: list[VisitInputs]) -> dict[int, list[VisitInputs]]:
    out: dict[int, list[VisitInputs]] = {}
    for v in sorted(visits, key=lambda v: (v.keys["visit_order"], v.keys["visit_sequence"])):
        out.setdefault(v.subject_id, []).append(v)
    return out


def _inputs(src: ListingSource) -> list[VisitInputs]:
    """SLEDAI descriptors, BILAG grades/items and PGA per subject visit, complete forms only."""
    sledai, bilag, pga = (forms_of(src, n) for n in ("SLEDAI2K", "BILAG2004", "PGA"))
    frame = read_items(src, (*sledai, *bilag, *pga))
    frame = frame[(frame["state"] != "not_done") & frame["item_code"].notna()]
    grade_codes = getattr(optional_module("scoring.bilag_items"), "GRADE_CODES", {})
    domain_of = {code: domain for domain, code in grade_codes.items()}
    found: dict[tuple[int, int], VisitInputs] = {}
    for row in frame.to_dict("records"):
        key = (int(row["subject_id"]), int(row["visit_id"]))
        keys = {k: row[k] for k in ("visit_code", "visit_name", "visit_order", "visit_sequence")}
        v = found.setdefault(key, VisitInputs(*key, keys=keys))
        v.date = v.date or row["assessment_date"]
        _add_item(v, row, sledai, bilag, domain_of)
    return list(found.values())


def _add_item(
    v: VisitInputs,
    row: Mapping[str, Any],
    sledai: tuple[str, ...],
    bilag: tuple[str, ...],
    domain_of: Mapping[str, str],
) -> None:
    code, value = row["item_code"], row["value"]
    if row["form_code"] in sledai:
        v.descriptors = (*(v.descriptors or ()), *([code] if str(value).upper() == "Y" else []))
    elif row["form_code"] in bilag:
        v.bilag_items[code] = value
        if code in domain_of and not F.missing(value):
            v.grades = {**(v.grades or {}), domain_of[code]: str(value)}
    elif not F.missing(value):
        v.pga = str(value)


def _subject_rows(
    src: ListingSource,
    responders: Any,
    visits: list[VisitInputs],
    regimens: Steroids,
    subject: Mapping[str, Any],
) -> list[dict[str, Any]]:
    baseline_code = src.study.protocol.baseline_visit
    baseline = next((v for v in visits if v.keys["visit_code"] == baseline_code), None)
    rows, previous = [], None
    for visit in visits:
        dose = regimens.dose_on(visit.subject_id, visit.date)
        context = _Context(
            responders, baseline, previous, dose, subject, regimens, src.study.protocol
        )
        if baseline is not None:
            context.events = events_at(visit, context)
        for n, (code, label) in enumerate(INDICES):
            if code.startswith(("SRI", "BICLA")) and (baseline is None or visit is baseline):
                continue
            rows.append(_row(visit, n, code, label, context))
        previous = visit
    return rows


@dataclass
class _Context:
    responders: Any
    baseline: VisitInputs | None
    previous: VisitInputs | None
    dose: tuple[float | None, str]
    subject: Any
    regimens: Steroids
    protocol: Any
    events: Any = None


def _row(visit: VisitInputs, n: int, code: str, label: str, ctx: _Context) -> dict[str, Any]:
    result, reasons = judge(code, visit, ctx)
    return {
        "subject_id": visit.subject_id,
        **visit.keys,
        "visit_date": visit.date,
        "index": label,
        "index_order": n,
        "result": result[0],
        "decided_by": result[1],
        "missing": result[2],
        "sledai_total": sledai_total(visit.descriptors),
        "pga": None if visit.pga is None else _float(visit.pga),
        "prednisone_mg": ctx.dose[0],
        "reasons": reasons,
    }


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
