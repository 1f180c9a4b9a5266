"""Everything the outcome builders read, loaded in one read transaction as plain frames.

Core selects into pandas (spec/streamlit.md §6: never ORM objects for bulk reads); the frames are
picklable so pages can cache them keyed on `records.changes.change_counter`. Every read can be
limited to some subjects in SQL (`Ids`), so recomputing one edited subject reads that subject's
rows only (`records.outcomes.per_subject`), and orders its rows by id, so a subject's rows come
in the same order whichever subjects are read with it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, TypeAlias
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from models import (
    Assessment,
    AssessmentItem,
    AuditEvent,
    DoseAdministration,
    LabResult,
    Medication,
    Subject,
    Visit,
    VitalSign,
)
from records.adverse_events import FIELDS, adverse_events_in
from records.context import Workbench
from records.eligibility import status_in
from records.entered_in_error import valid
from records.forms_status import form_states
from records.outcomes.cut import as_of, in_scope
from scoring import bilag, sledai
from study.schema import StudyDefinition

LAB_TESTS = ("CREAT", "UPCR", "C3", "C4", "DSDNA")
"""Lab tests the outcome measures use: eGFR, UPCR, complement and anti-dsDNA."""
_BILAG_CODES = (
    *bilag.GRADE_CODES.values(),
    *bilag.ITEMS_BY_DOMAIN["gastrointestinal"],
    "BILAG96",
    "BILAG96S",
)
_OTHER_CODES = ("PGA", *sledai.DESCRIPTORS)
Ids: TypeAlias = tuple[int, ...] | None
"""The subjects to read (None: every subject)."""


@dataclass(frozen=True)
class ClinicalData:
    """The frames measures and response indices read: subjects, visits, items, labs, steroids."""

    subjects: pd.DataFrame
    visits: pd.DataFrame
    items: pd.DataFrame
    labs: pd.DataFrame
    medications: pd.DataFrame
    weights: pd.DataFrame
    today: date


@dataclass(frozen=True)
class StudyData(ClinicalData):
    """A consistent snapshot of the study's clinical data, as frames (one per source table)."""

    forms: pd.DataFrame
    adverse_events: pd.DataFrame
    eligibility: pd.DataFrame
    doses: pd.DataFrame
    entries: pd.DataFrame


def _read(conn: Connection, query: Any) -> pd.DataFrame:
    return pd.read_sql(query, conn)


def _of(query: Any, column: Any, ids: Ids) -> Any:
    """The query limited to some subjects (`column` holds the subject id)."""
    return query if ids is None else query.where(column.in_(ids))


def _subjects(conn: Connection, ids: Ids = None) -> pd.DataFrame:
    s = Subject.__table__  # type: ignore[attr-defined]
    cols = ("sex", "birth_date", "birth_year", "consent_date", "status", "dose_date")
    query = select(
        s.c.id.label("subject_id"),
        s.c.screening_number.label("subject"),
        *(s.c[c] for c in cols),
        s.c.status_date,
        s.c.status_reason,
    ).order_by(s.c.screening_number)
    return _read(conn, _of(query, s.c.id, ids))


def _visits(conn: Connection, study: StudyDefinition, ids: Ids = None) -> pd.DataFrame:
    v = Visit.__table__  # type: ignore[attr-defined]
    query = select(
        v.c.id.label("visit_id"),
        v.c.subject_id,
        v.c.visit_code,
        v.c.sequence,
        v.c.actual_date,
        v.c.status.label("visit_status"),
        v.c.out_of_window,
        v.c.days_off_window,
    ).order_by(v.c.id)
    frame = _read(conn, _of(query, v.c.subject_id, ids))
    order = {visit.code: i for i, visit in enumerate(study.visits)}
    frame["visit_order"] = frame["visit_code"].map(order).fillna(len(order)).astype(int)
    frame["visit"] = [
        code if seq == 1 else f"{code}.{seq}"
        for code, seq in zip(frame["visit_code"], frame["sequence"], strict=True)
    ]
    return frame.sort_values(["subject_id", "visit_order", "sequence"], kind="stable")


def _items(conn: Connection, study: StudyDefinition, ids: Ids = None) -> pd.DataFrame:
    """Item values of complete instrument forms (only the codes outcome measures need)."""
    a, i = Assessment.__table__, AssessmentItem.__table__  # type: ignore[attr-defined]
    instruments = {"SLEDAI2K", "BILAG2004", "PGA", "PROMIS29", "RAND36"}
    forms = [f.code for f in study.forms if f.instrument in instruments]
    wide = {f.code for f in study.forms if f.instrument in ("PROMIS29", "RAND36")}
    query = (
        select(a.c.visit_id, a.c.form_code, i.c.item_code, i.c.value)
        .join(i, i.c.assessment_id == a.c.id)
        .where(a.c.state == "complete", a.c.form_code.in_(forms), i.c.value.is_not(None))
        .where(i.c.item_code.in_((*_BILAG_CODES, *_OTHER_CODES)) | a.c.form_code.in_(wide))
        .order_by(a.c.visit_id, a.c.form_code, i.c.id)
    )
    return _read(conn, _of(query, a.c.subject_id, ids))


def _forms(conn: Connection, wb: Workbench, subject_ids: list[int]) -> pd.DataFrame:
    """State of every stored form per visit, as `records.forms_status` (the visit page) sees it."""
    rows = [
        (visit_id, form_code, state, subject_id)
        for subject_id in subject_ids
        for (visit_id, form_code), state in form_states(conn, wb.study, subject_id).items()
    ]
    return pd.DataFrame(rows, columns=["visit_id", "form_code", "state", "subject_id"])


def _labs(conn: Connection, ids: Ids = None) -> pd.DataFrame:
    lb = LabResult.__table__  # type: ignore[attr-defined]
    query = (
        select(
            *(lb.c[c] for c in ("subject_id", "visit_id", "test_code", "value", "value_num")),
            lb.c.unit,
            lb.c.collected_on,
        )
        .where(lb.c.test_code.in_(LAB_TESTS), lb.c.value.is_not(None))
        .where(lb.c.not_done.is_(False))
        .order_by(lb.c.id)
    )
    return _read(conn, _of(query, lb.c.subject_id, ids))


def _medications(conn: Connection, ids: Ids = None) -> pd.DataFrame:
    cm = Medication.__table__  # type: ignore[attr-defined]
    query = select(cm).where(valid(cm)).order_by(cm.c.subject_id, cm.c.start, cm.c.id)
    return _read(conn, _of(query, cm.c.subject_id, ids))


def _adverse_events(session: Session, wb: Workbench, ids: Ids = None) -> pd.DataFrame:
    """Every AE with the TEAE and seriousness derivations of `records.adverse_events` (§9.4–9.5)."""
    rows = [
        {
            "id": ae.id,
            "subject_id": ae.subject_id,
            "sequence": ae.sequence,
            **ae.values,
            "serious": ae.serious,
            "teae": ae.teae,
            "teae_certain": ae.teae_certain,
            "teae_reason": "; ".join(ae.teae_reasons),
        }
        for ae in adverse_events_in(session, wb, subject_ids=ids)
        if ae.error_reason is None  # entered in error: in listings, in no outcome
    ]
    columns = ["id", "subject_id", "sequence", *FIELDS, "serious", "teae", "teae_certain"]
    return pd.DataFrame(rows, columns=[*columns, "teae_reason"])


def _eligibility(session: Session, wb: Workbench, ids: Ids = None) -> pd.DataFrame:
    """Eligibility status per subject as dosing checks it (`records.eligibility.status_in`)."""
    rows = [
        (s.id, (found := status_in(session, wb, s)).status, found.override is not None)
        for s in session.scalars(_of(select(Subject).order_by(Subject.id), Subject.id, ids))
    ]
    return pd.DataFrame(rows, columns=["subject_id", "eligibility", "override"])


def _doses(conn: Connection, ids: Ids = None) -> pd.DataFrame:
    ex = DoseAdministration.__table__  # type: ignore[attr-defined]
    query = select(ex.c.subject_id, ex.c.visit_id, ex.c.started_at).order_by(ex.c.id)
    return _read(conn, _of(query, ex.c.subject_id, ids))


def _weights(conn: Connection, ids: Ids = None) -> pd.DataFrame:
    vs = VitalSign.__table__  # type: ignore[attr-defined]
    query = (
        select(vs.c.visit_id, vs.c.value_num.label("weight_kg"))
        .where(vs.c.test_code == "WEIGHT", vs.c.value_num.is_not(None))
        .order_by(vs.c.id)
    )
    return _read(conn, _of(query, vs.c.subject_id, ids)).drop_duplicates("visit_id", keep="last")


def _entries(conn: Connection, wb: Workbench, ids: Ids = None) -> pd.DataFrame:
    """First audit create time of each form entered at a visit (UTC and its site-local date),
    and the origin of that first save (ui: typed at the site; cli/system: a bulk load such as
    the demo builder), for the data-entry lag. Grouped in SQL (few rows come back); for some
    subjects the trail is searched by its subject index, not by entity."""
    ev, lb = AuditEvent.__table__, LabResult.__table__  # type: ignore[attr-defined]
    created = (ev.c.action == "create", ev.c.field == "visit_id", ev.c.visit_id.is_not(None))
    entity = ev.c.entity if ids is None else func.coalesce(ev.c.entity, "")
    if ids is not None:
        created = (*created, ev.c.subject_id.in_(ids))
    first = func.min(ev.c.ts_utc).label("entered_utc")
    who = (ev.c.visit_id, ev.c.subject_id)
    forms = (
        select(*who, ev.c.form.label("key"), ev.c.origin, first)
        .where(entity == "assessment", *created)
        .group_by(*who, ev.c.form, ev.c.origin)
    )
    panels = (
        select(*who, lb.c.panel.label("key"), ev.c.origin, first)
        .join(lb, lb.c.id == ev.c.record_id)
        .where(entity == "labresult", *created)
        .group_by(*who, lb.c.panel, ev.c.origin)
    )
    others = (
        select(*who, ev.c.entity.label("key"), ev.c.origin, first)
        .where(entity.in_(("vitalsign", "doseadministration")), *created)
        .group_by(*who, ev.c.entity, ev.c.origin)
    )
    code_of: dict[str | None, str | None] = {
        f.panel: f.code for f in wb.study.forms if f.kind == "labs"
    }
    code_of.update(vitalsign=_first_form(wb, "vitals"), doseadministration=_first_form(wb, "dose"))
    parts = [_read(conn, forms), _read(conn, panels).replace({"key": code_of})]
    parts.append(_read(conn, others).replace({"key": code_of}))
    filled = [p for p in parts if not p.empty] or parts[:1]  # an empty read has object dtypes
    frame = pd.concat(filled, ignore_index=True).rename(columns={"key": "form_code"})
    frame = frame.dropna(subset=["form_code"]).sort_values("entered_utc", kind="stable")
    frame = frame.drop_duplicates(["visit_id", "form_code"])
    frame = frame.sort_values(["visit_id", "form_code"], kind="stable").reset_index(drop=True)
    zone = ZoneInfo(wb.study.site.timezone)
    frame["entered_on"] = [_local_date(stamp, zone) for stamp in frame["entered_utc"].tolist()]
    return frame


def _local_date(stamp: str, zone: ZoneInfo) -> date:
    """The site-local date of a UTC audit timestamp."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(zone).date()


def _first_form(wb: Workbench, kind: str) -> str | None:
    return next((f.code for f in wb.study.forms if f.kind == kind), None)


def read_clinical_data(
    conn: Connection,
    study: StudyDefinition,
    today: date | None = None,
    subject_ids: Ids = None,
    data_cut: date | None = None,
) -> ClinicalData:
    """The clinical frames through an open connection, for some subjects, as known at a cut.

    With a data cut, `today` is the cut and later data is left out (`cut.as_of`), so windows
    that close after the cut are not overdue and later withdrawals have not happened yet.
    """
    data = ClinicalData(
        subjects=_subjects(conn, subject_ids),
        visits=_visits(conn, study, subject_ids),
        items=_items(conn, study, subject_ids),
        labs=_labs(conn, subject_ids),
        medications=_medications(conn, subject_ids),
        weights=_weights(conn, subject_ids),
        today=today or date.today(),
    )
    return as_of(in_scope(data, subject_ids), data_cut)


def read_study_data(
    conn: Connection,
    wb: Workbench,
    today: date | None = None,
    subject_ids: Ids = None,
    data_cut: date | None = None,
) -> StudyData:
    """Every frame the outcome builders need through an open connection (one snapshot), for
    some subjects: the ORM reads (adverse events, eligibility) run in a session bound to it."""
    with Session(bind=conn) as session:
        core = read_clinical_data(conn, wb.study, today, subject_ids, data_cut)
        found = [int(s) for s in core.subjects["subject_id"]]
        return StudyData(
            **{f.name: getattr(core, f.name) for f in fields(core)},
            forms=_forms(conn, wb, found),
            adverse_events=_adverse_events(session, wb, subject_ids),
            eligibility=_eligibility(session, wb, subject_ids),
            doses=_doses(conn, subject_ids),
            entries=_entries(conn, wb, subject_ids),
        )


def load_study_data(wb: Workbench, today: date | None = None) -> StudyData:
    """Read every frame the outcome builders need, in one read transaction (one snapshot)."""
    with wb.engine.connect() as conn:
        return read_study_data(conn, wb, today)
