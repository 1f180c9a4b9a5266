"""The demo's review states (#12): queries in every state, SDV marks with a dropped one, a freeze.

Written through the review use cases after the clinical demo. A PGA value is corrected and then
corrected back, so the data (and every outcome computed from them) stay as generated while the
verification of that form is dropped and its query answered by the correction.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from demo.events import COORDINATOR, INVESTIGATOR
from models import Actor, Subject, Visit
from records.assessments import load_assessment, save_assessment
from records.context import Workbench
from records.edit_checks import run_checks
from records.holds import place_hold
from records.queries import raise_query, transition
from records.sdv import sdv_rows, verify

MONITOR = Actor(None, "demo.monitor", "Morgan Monitor", "monitor", origin="cli")
DATA_MANAGER = Actor(None, "demo.data_manager", "Dana Datamanager", "data_manager", origin="cli")


def _visits(wb: Workbench, subject_id: int) -> dict[str, int]:
    with wb.engine.connect() as conn:
        rows = conn.execute(
            select(Visit.visit_code, Visit.id).where(
                Visit.subject_id == subject_id,
                Visit.actual_date.is_not(None),  # type: ignore[union-attr]
            )
        ).all()
    return {code: int(i) for code, i in rows}


def _dosed(wb: Workbench) -> list[int]:
    with wb.engine.connect() as conn:
        return [
            int(i)
            for i in conn.execute(
                select(Subject.id)
                .where(Subject.dose_date.is_not(None))  # type: ignore[union-attr]
                .order_by(Subject.screening_number)
            ).scalars()
        ]


def build_review_demo(wb: Workbench, today: date) -> None:
    """Queries (open, answered, closed, manual and automatic), SDV marks, a frozen visit."""
    dosed = _dosed(wb)
    if not dosed:
        return
    first = dosed[0]
    visits = _visits(wb, first)
    for row in sdv_rows(wb, first):  # screening and baseline forms, and the AEs
        if row.visit_code in ("SCR", "V1") or row.record_id is not None:
            verify(wb, MONITOR, row)
    v1 = visits.get("V1")
    if v1 is not None:
        raise_query(wb, MONITOR, "SLEDAI-2K: proteinuria item not supported by the UPCR on file",
                    visit_id=v1, form_code="SLEDAI2K")  # fmt: skip
        closed = raise_query(wb, MONITOR, "BILAG-2004 renal: please confirm the date assessed",
                             visit_id=v1, form_code="BILAG2004")  # fmt: skip
        transition(wb, COORDINATOR, closed.id, "answer", "Assessed on the visit day; see note")
        transition(wb, MONITOR, closed.id, "close", "Confirmed against the clinic letter")
        _pga_corrected_and_back(wb, v1, today)
    if "V2" in visits:
        replied = raise_query(wb, DATA_MANAGER, "Vital signs: weight 10 kg below screening?",
                              visit_id=visits["V2"], form_code="VS")  # fmt: skip
        transition(wb, INVESTIGATOR, replied.id, "answer", "Correct: weight loss on steroids")
    run_checks(wb, _system())
    if len(dosed) > 1:
        other = _visits(wb, dosed[1])
        if "V2" in other:
            place_hold(wb, DATA_MANAGER, "freeze", "Interim safety review", visit_id=other["V2"])


def _system() -> Actor:
    from models import SYSTEM_ACTOR

    return SYSTEM_ACTOR


def _pga_corrected_and_back(wb: Workbench, visit_id: int, today: date) -> None:
    """A query on PGA answered by a correction (dropping its SDV mark), then corrected back."""
    saved = load_assessment(wb, visit_id, "PGA")
    if saved is None or "PGA" not in saved.values:
        return
    raise_query(wb, MONITOR, "PGA differs from the source (clinic note)", visit_id=visit_id,
                form_code="PGA")  # fmt: skip
    original = saved.values["PGA"]
    changed = str(min(Decimal("3.0"), Decimal(original) + Decimal("0.1")))
    if changed == original:
        changed = str(Decimal(original) - Decimal("0.1"))
    values = {**saved.values, "PGA": changed}
    first = save_assessment(
        wb, INVESTIGATOR, visit_id=visit_id, form_code="PGA", values=values,
        assessment_date=saved.assessment_date, reason="Transcription error (query)",
        expected_version=saved.version, today=today,
    )  # fmt: skip
    save_assessment(
        wb, INVESTIGATOR, visit_id=visit_id, form_code="PGA", values={**saved.values},
        assessment_date=saved.assessment_date, reason="Source re-read: original value was right",
        expected_version=first.version, today=today,
    )  # fmt: skip
