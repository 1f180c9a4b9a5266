"""The demo's logs and corrections: history, medications, adverse events and edits with reasons.

Split from `demo.build` to keep modules small; everything still goes through the records
use cases, so it is validated and audited like real entry.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from demo.plan import Plan
from models.audit import Actor
from records.adverse_events import AdverseEventRead, save_adverse_event
from records.assessments import load_assessment, save_assessment
from records.dosing import load_dose, record_dose
from records.entered_in_error import mark_entered_in_error
from records.history import save_history
from records.labs import load_lab_panel, save_lab_panel
from records.medications import MedicationRead, save_medication
from study.schema import FormDef

COORDINATOR = Actor(None, "demo.coordinator", "Casey Coordinator", "coordinator", origin="cli")
INVESTIGATOR = Actor(None, "demo.investigator", "Ivy Investigator", "investigator", origin="cli")

# index mod 10 → term, onset day, time, severity, grade, relationship, days to resolve, extra.
AES: dict[int, tuple[str, int, str | None, str, int, str, int, dict[str, Any]]] = {
    0: ("Injection site erythema", 1, "11:15", "MILD", 1, "POSSIBLY RELATED", 3, {}),
    1: ("Alanine aminotransferase increased", 7, None, "MILD", 1, "UNLIKELY RELATED", 10, {}),
    3: ("Pneumonia", 40, None, "SEVERE", 3, "NOT RELATED", 12,
        {"sae_hospitalisation": True, "treatment_given": True,
         "treatment_note": "IV ceftriaxone, admitted 6 days"}),
    4: ("Upper respiratory tract infection", 20, None, "MODERATE", 2, "NOT RELATED", 7, {}),
    5: ("Arthralgia", 30, None, "MILD", 1, "NOT RELATED", 5, {}),
    6: ("Headache", 1, "15:30", "MILD", 1, "POSSIBLY RELATED", 1, {}),
    7: ("Lupus flare (arthritis, pleurisy)", 84, None, "MODERATE", 2, "NOT RELATED", 21,
        {"treatment_given": True, "treatment_note": "IV methylprednisolone 500 mg daily x3"}),
    8: ("Nausea", 2, None, "MILD", 1, "UNLIKELY RELATED", 2, {}),
    9: ("Fatigue", -5, None, "MILD", 1, "NOT RELATED", 4, {}),
}  # fmt: skip
TAPER_RESPONDER = ((15.0, 28), (10.0, 84), (7.5, 140), (5.0, None))
TAPER_OTHER = ((15.0, 28), (10.0, None))


def _on(plan: Plan, day: int) -> date:
    assert plan.dose is not None
    return plan.dose + timedelta(days=day - 1 if day > 0 else day)


def history(plan: Plan, form_code: str) -> None:
    """Medical history (form MH) or SLE history (form SLEHX) rows at screening."""
    year = plan.consent.year
    rows: list[tuple[str, str, str, str | None]]
    if form_code == "MH":
        rows = [("GENERAL", "Hypertension", f"{year - 5}", None)]
        if plan.index % 2:
            rows.append(("GENERAL", "Hypothyroidism", f"{year - 8}-03", None))
    else:
        note = "ACR 1997 and SLICC 2012 classification criteria met"
        rows = [("SLE", "Systemic lupus erythematosus", f"{year - 3 - plan.index % 5}", note)]
        if plan.nephritis:
            rows.append(("SLE", "Lupus nephritis class IV (biopsy)", f"{year - 1}-06", None))
    for category, term, start, text in rows:
        values = {"category": category, "term": term, "start": start, "ongoing": True, "note": text}
        save_history(
            plan.wb, COORDINATOR, subject_id=plan.subject_id, values=values, today=plan.today
        )


def medications(plan: Plan) -> None:
    """Background therapy and a prednisone taper; the flaring subject gets an IV pulse (§6.2)."""
    year = plan.consent.year
    rows: list[dict[str, Any]] = [
        {"drug": "hydroxychloroquine", "dose": 200, "frequency": "BID", "start": f"{year - 2}"}
    ]
    if plan.nephritis:
        mmf = {"drug": "mycophenolate mofetil", "dose": 1000, "frequency": "BID"}
        rows.append({**mmf, "start": f"{year - 1}-06"})
    rows += _taper(plan)
    if plan.index % 10 == 7:
        pulse = {"drug": "methylprednisolone", "dose": 500, "frequency": "QD", "pulse": True}
        rows.append({**pulse, "route": "INTRAVENOUS", "corticosteroid": True})
        rows[-1].update(start=_on(plan, 85), stop=_on(plan, 87))
    for row in rows:
        _medication(plan, row)
    if plan.index % 10 == 1:
        _duplicate_in_error(plan, rows[0])


def _duplicate_in_error(plan: Plan, row: dict[str, Any]) -> None:
    """A row entered twice, the second marked entered in error (kept, counted nowhere, #14)."""
    twin = _medication(plan, row)
    if twin is not None:
        reason = "duplicate: the same hydroxychloroquine row was entered twice"
        mark_entered_in_error(plan.wb, COORDINATOR, entity="medication", record_id=twin.id,
                              reason=reason, expected_version=twin.version)  # fmt: skip
        plan.edits += 1


def _taper(plan: Plan) -> list[dict[str, Any]]:
    """Prednisone as dated rows, one per taper step, the first started before consent."""
    rows = []
    start: Any = f"{plan.consent - timedelta(days=90):%Y-%m}"
    for mg, last in TAPER_RESPONDER if plan.profile == "R" else TAPER_OTHER:
        stop = _on(plan, last) if last else None
        step = {"drug": "prednisone", "dose": mg, "frequency": "QD", "corticosteroid": True}
        rows.append({**step, "start": start, "stop": stop})
        start = stop + timedelta(days=1) if stop else None
    return rows


def _medication(plan: Plan, row: dict[str, Any]) -> MedicationRead | None:
    start, stop = row["start"], row.get("stop")
    if start is None or (isinstance(start, date) and start > plan.today):
        return None
    if stop is not None and stop > plan.today:
        stop = None
    values = {"dose_unit": "mg", "route": "ORAL", "indication": "SLE", **row, "stop": stop}
    values["ongoing"] = stop is None
    return save_medication(
        plan.wb, COORDINATOR, subject_id=plan.subject_id, values=values, today=plan.today
    )


def adverse_events(plan: Plan) -> None:
    """This profile's AE (if its onset has happened), plus its follow-up edit or dose link."""
    spec = AES.get(plan.index % 10)
    if spec is None or _on(plan, spec[1]) > plan.today:
        return
    term, day, clock, severity, grade, relationship, lasts, extra = spec
    onset, end = _on(plan, day), _on(plan, day) + timedelta(days=lasts)
    serious = extra.get("sae_hospitalisation", False)
    resolved = end <= plan.today and not serious
    values = {
        "term": term, "onset": f"{onset}T{clock}" if clock else onset, "severity": severity,
        "ctcae_grade": grade, "relationship": relationship, "end": end if resolved else None,
        "action_taken": "DOSE NOT CHANGED" if day == 1 else "NOT APPLICABLE",
        "outcome": "RECOVERED/RESOLVED" if resolved else "RECOVERING/RESOLVING",
        "awareness_date": onset + timedelta(days=1) if serious else None, **extra,
    }  # fmt: skip
    saved = save_adverse_event(
        plan.wb, INVESTIGATOR, subject_id=plan.subject_id, values=values, today=plan.today
    )
    if serious and end <= plan.today:
        values.update(outcome="RECOVERED/RESOLVED", end=end)
        save_adverse_event(
            plan.wb,
            INVESTIGATOR,
            subject_id=plan.subject_id,
            values=values,
            ae_id=saved.id,
            reason="follow-up: discharged, event resolved",
            expected_version=saved.version,
            today=plan.today,
        )
        plan.edits += 1
    if day == 1 and plan.index % 10 == 0:
        _link_reaction(plan, saved)


def _link_reaction(plan: Plan, ae: AdverseEventRead) -> None:
    """Edit the dose record: tick the reaction and link the AE recorded after dosing."""
    dose = load_dose(plan.wb, plan.subject_id)
    assert dose is not None
    values = {
        "product": dose.product,
        "lot": dose.lot,
        "cells_total": dose.cells_total,
        "route": dose.route,
        "started_at": dose.started_local,
        "stopped_at": dose.stopped_local,
        "reaction": True,
        "reaction_ae_id": ae.id,
    }
    reason = "injection-site reaction recorded as an adverse event after dosing; linked"
    record_dose(
        plan.wb,
        COORDINATOR,
        visit_id=dose.visit_id,
        values=values,
        reason=reason,
        expected_version=dose.version,
    )
    plan.edits += 1


def lab_correction(plan: Plan, visit_id: int, panel: str, values: dict[str, Any], day: int) -> None:
    """One subject's lab applies its own creatinine range after entry: an edit with a reason."""
    if plan.index % 10 != 6 or panel != "CHEM" or day != 2:
        return
    saved = load_lab_panel(plan.wb, visit_id, panel)
    assert saved is not None
    value = values["CREAT"]["value"] if isinstance(values["CREAT"], dict) else values["CREAT"]
    corrected = {**values, "CREAT": {"value": value, "ref_low": 0.7, "ref_high": 1.3}}
    reason = "local laboratory reference range for creatinine (men) applied"
    save_lab_panel(
        plan.wb,
        COORDINATOR,
        visit_id=visit_id,
        panel=panel,
        values=corrected,
        reason=reason,
        expected_version=saved.version,
        today=plan.today,
    )
    plan.edits += 1


def sledai_correction(plan: Plan, visit_id: int, form: FormDef, values: dict[str, Any]) -> None:
    """Source data verification changes one SLEDAI-2K descriptor at day 14: edit with a reason."""
    visit_code = next(c for c, v in plan.visits.items() if v == visit_id)
    if plan.index % 10 != 4 or form.instrument != "SLEDAI2K" or visit_code != "V5":
        return
    saved = load_assessment(plan.wb, visit_id, form.code)
    assert saved is not None
    corrected = {**values, "alopecia": "N" if values.get("alopecia") == "Y" else "Y"}
    reason = "source data verification: alopecia status corrected from the clinic note"
    save_assessment(
        plan.wb,
        INVESTIGATOR,
        visit_id=visit_id,
        form_code=form.code,
        values=corrected,
        reason=reason,
        expected_version=saved.version,
        today=plan.today,
    )
    plan.edits += 1
