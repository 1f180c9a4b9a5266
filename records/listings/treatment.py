"""Listings 16.2.5 (UC-MSC administration), 16.2.9.1 (corticosteroids), 16.2.9.2 (con meds)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from models import AdverseEvent, DoseAdministration, Medication
from records.listings import columns as C
from records.listings import frames as F
from records.listings.model import Column, Listing, ListingSource, make_listing
from records.regimens import daily_mg, is_corticosteroid, read_regimen

DOSE_COLUMNS = (
    C.SUBJECT, C.VISIT, C.VISIT_REPEAT, C.VISIT_NAME,
    Column("product", "Product", "text"),
    Column("lot", "Lot", "id"),
    *C.dated("started_at", "Infusion start (site time)", "datetime"),
    *C.dated("stopped_at", "Infusion stop (site time)", "datetime"),
    Column("duration_min", "Duration (min)", "int", origin="derived", rule="Stop − start, minutes"),
    Column("cells_total", "Total cells", "float"),
    Column("cells_per_kg", "Cells/kg", "float"),
    *C.coded("route", "Route", "ROUTE"),
    C.yes_no("interrupted", "Interrupted"),
    Column("interruption_note", "Interruption note", "longtext"),
    C.yes_no("reaction", "Infusion reaction"),
    Column("reaction_ae", "Reaction AE number", "int"),
)  # fmt: skip


def dose_administration(src: ListingSource) -> Listing:
    """The single UC-MSC administration per dosed subject, with timing and reaction."""
    ex, ae = DoseAdministration.__table__, AdverseEvent.__table__  # type: ignore[attr-defined]
    query = select(ex, ae.c.sequence.label("reaction_ae")).outerjoin(
        ae, ae.c.id == ex.c.reaction_ae_id
    )
    frame = F.with_subject(src.read(src.only_scope(query, ex.c.subject_id)), src)
    for name in ("started_at", "stopped_at"):
        frame[name] = F.site_local(frame[name], src)
    frame = F.with_visit(F.cut_rows(frame, src, "started_at"), src)
    for name in ("started_at", "stopped_at"):
        frame[f"{name}_day"] = F.study_day(frame, name)
    frame["duration_min"] = [
        None if F.missing(stop) else int((stop - start).total_seconds() // 60)
        for start, stop in zip(frame["started_at"], frame["stopped_at"], strict=True)
    ]
    frame["route_label"] = F.decode(frame, src, "route", "ROUTE")
    for flag in ("interrupted", "reaction"):
        frame[flag] = F.yes_no(frame[flag])
    head = ("16.2.5", "L16.2.5 Dosing", "UC-MSC dose administration", "EX")
    return make_listing(src, head, DOSE_COLUMNS, F.ordered(frame, C.VISIT_SORT), "Safety set")


_MED_COLUMNS = (
    C.SUBJECT,
    Column("drug", "Medication", "text"),
    Column("dose", "Dose", "float"),
    Column("dose_unit", "Unit", "code"),
    *C.coded("route", "Route", "ROUTE"),
    *C.coded("frequency", "Frequency", "FREQ"),
    *C.dated("start", "Start"),
    *C.dated("stop", "Stop"),
    C.yes_no("ongoing", "Ongoing"),
    Column("indication", "Indication", "longtext"),
    C.ENTERED_IN_ERROR,
)  # fmt: skip
STEROID_COLUMNS = (
    *_MED_COLUMNS,
    C.yes_no("pulse", "Pulse"),
    Column("pred_eq", "Prednisone equivalent (mg/day)", "float", origin="derived",
           rule="scoring.steroids.daily_prednisone_equivalent: dose × administrations per day × "
                "potency factor (spec/scoring.md §6); systemic routes and mg doses only"),
    Column("pred_eq_note", "Prednisone-equivalent note", "longtext", origin="derived",
           rule="Why no prednisone equivalent was derived"),
)  # fmt: skip
STOP_RULE = "A stop date after the data cut is blanked and the medication shown as ongoing"
ISSUE_NOTE = (
    "A corticosteroid is recognised from its drug (spec/scoring.md §6.1) or the tick box; a row "
    'with a note "not interpreted" is counted in no steroid outcome until it is corrected'
)


IN_ERROR_NOTE = "Entered in error: counted in no outcome"


def corticosteroids(src: ListingSource) -> Listing:
    """Corticosteroid regimens (ticked, or recognised from the drug) with the daily
    prednisone-equivalent dose of each row; a row no outcome can count says why."""
    frame = medication_frame(src, steroids=True)
    derived = [
        _prednisone(row) if F.missing(row.get("error_reason")) else (None, IN_ERROR_NOTE)
        for row in frame.to_dict("records")
    ]
    frame["pred_eq"] = [d[0] for d in derived]
    frame["pred_eq_note"] = [d[1] for d in derived]
    frame["pulse"] = F.yes_no(frame["pulse"])
    head = (
        "16.2.9.1",
        "L16.2.9.1 Corticosteroids",
        "Corticosteroids with daily prednisone equivalents",
        "CM",
    )
    return make_listing(src, head, STEROID_COLUMNS, frame, notes=(STOP_RULE, ISSUE_NOTE))


def concomitant_medications(src: ListingSource) -> Listing:
    """Every medication row that is not a corticosteroid."""
    head = ("16.2.9.2", "L16.2.9.2 Con meds", "Concomitant medications", "CM")
    return make_listing(
        src, head, _MED_COLUMNS, medication_frame(src, steroids=False), notes=(STOP_RULE,)
    )


def medication_frame(src: ListingSource, steroids: bool) -> Any:
    """Medication rows (corticosteroids or not, `records.regimens.is_corticosteroid`) in scope,
    cut, decoded and sorted."""
    cm = Medication.__table__  # type: ignore[attr-defined]
    frame = src.read(src.only_scope(select(cm), cm.c.subject_id))
    kinds = [is_corticosteroid(row) == steroids for row in frame.to_dict("records")]
    frame = F.rows_where(frame, kinds)
    frame = F.with_subject(frame, src)
    frame = F.cut_end(F.cut_rows(frame, src, "start"), src, "stop", "ongoing")
    for name in ("start", "stop"):
        frame[f"{name}_day"] = F.study_day(frame, name)
    frame["route_label"] = F.decode(frame, src, "route", "ROUTE")
    frame["frequency_label"] = F.decode(frame, src, "frequency", "FREQ")
    frame["ongoing"] = F.yes_no(frame["ongoing"])
    return F.ordered(frame, ["subject", "start", "drug"])


def _prednisone(row: dict[str, Any]) -> tuple[float | None, str | None]:
    """(mg/day, None) or (None, why not) for one regimen row, as every outcome reads it."""
    mg, how = daily_mg(read_regimen(row))
    return (mg, None) if mg is not None else (None, how)
