"""A log row entered in error: kept with every value and the reason, audited, left out of
outcomes, edit checks and SDTM, kept in listings and ODM, never editable until restored."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Actor, AuditEvent
from models.db import read_session
from records.adverse_events import save_adverse_event
from records.dosing import load_dose, record_dose
from records.entered_in_error import mark_entered_in_error, restore_entered_in_error
from records.errors import ConflictError, Held, NotFound, PermissionDenied, ValidationFailed
from records.history import save_history
from records.holds import place_hold
from records.listings.catalogue import read_listings
from records.listings.model import Scope
from records.medications import list_medications, save_medication, steroid_series
from records.outcomes.source import load_study_data
from records.review_status import checklist
from records.standards.sdtm import read_sdtm
from records.visits import calendar
from tests.records.conftest import TODAY, counts, dose_values

pytestmark = pytest.mark.req("REQ-SEC-05", "REQ-AUD-01")

PRED = {"drug": "prednisone", "dose": 15, "dose_unit": "mg", "route": "ORAL", "frequency": "QD",
        "start": "2025-01-10", "stop": "2025-01-19", "corticosteroid": True}  # fmt: skip
AE = {"term": "Headache", "onset": "2025-02-20T14:00", "end": "2025-02-21", "severity": "MILD",
      "ctcae_grade": 1, "relationship": "POSSIBLY RELATED", "action_taken": "NOT APPLICABLE",
      "outcome": "RECOVERED/RESOLVED"}  # fmt: skip
WHY = "duplicate of the row entered the same day"


def _med(wb, actor, subject_id, **values):
    return save_medication(wb, actor, subject_id=subject_id, values={**PRED, **values}, today=TODAY)


def _mark(wb, actor, entity, row, reason=WHY):
    return mark_entered_in_error(wb, actor, entity=entity, record_id=row.id, reason=reason,
                                 expected_version=row.version)  # fmt: skip


def _steroid_mg(wb, subject_id):
    days = steroid_series(wb, subject_id, TODAY.replace(month=1, day=12), TODAY).days
    return days[0].prednisone_equivalent_mg


def test_a_duplicate_steroid_row_marked_in_error_stops_counting(wb, actor, subject):
    _med(wb, actor, subject.id)
    twin = _med(wb, actor, subject.id)
    assert _steroid_mg(wb, subject.id) == 30  # the duplicate doubles the daily dose
    mark = _mark(wb, actor, "medication", twin)
    assert mark.error_reason == WHY and mark.version == twin.version + 1
    assert _steroid_mg(wb, subject.id) == 15
    rows = list_medications(wb, subject.id)
    assert len(rows) == 2 and [r.error_reason for r in rows].count(WHY) == 1  # kept
    kept = next(r for r in rows if r.id == twin.id)
    assert (kept.drug, kept.dose, kept.start) == ("prednisone", 15, "2025-01-10")
    data = load_study_data(wb, TODAY)
    assert data.medications["id"].tolist() == [r.id for r in rows if r.id != twin.id]


def test_the_audit_trail_says_who_when_and_why(wb, actor, subject):
    row = _med(wb, actor, subject.id)
    _mark(wb, actor, "medication", row)
    with wb.engine.connect() as conn:
        audit = conn.execute(
            select(AuditEvent).where(
                AuditEvent.entity == "medication", AuditEvent.field == "error_reason"
            )
        ).one()
    assert (audit.action, audit.old_value, audit.new_value) == ("update", None, WHY)
    assert audit.reason == WHY and audit.username == actor.username and audit.ts_utc


@pytest.mark.parametrize("reason", [None, "", "   ", 12])
def test_a_reason_is_required_and_nothing_is_written_without_one(wb, actor, subject, reason):
    row = _med(wb, actor, subject.id)
    before = counts(wb)
    with pytest.raises(ValidationFailed) as refused:
        _mark(wb, actor, "medication", row, reason)
    assert "reason" in refused.value.errors and counts(wb) == before


def test_no_path_edits_a_row_in_error_until_it_is_restored(wb, actor, subject):
    row = _med(wb, actor, subject.id)
    mark = _mark(wb, actor, "medication", row)
    before = counts(wb)
    with pytest.raises(ValidationFailed) as refused:
        save_medication(wb, actor, subject_id=subject.id, values={**PRED, "dose": 20},
                        medication_id=row.id, reason="dose typo", expected_version=mark.version,
                        today=TODAY)  # fmt: skip
    assert "entered in error" in refused.value.errors["error_reason"] and counts(wb) == before
    with pytest.raises(ValidationFailed):  # twice in error: refused
        mark_entered_in_error(wb, actor, entity="medication", record_id=row.id, reason=WHY,
                              expected_version=mark.version)  # fmt: skip
    with pytest.raises(ValidationFailed) as no_reason:
        restore_entered_in_error(wb, actor, entity="medication", record_id=row.id, reason="",
                                 expected_version=mark.version)  # fmt: skip
    assert "reason" in no_reason.value.errors
    back = restore_entered_in_error(wb, actor, entity="medication", record_id=row.id,
                                    reason="not a duplicate after all",
                                    expected_version=mark.version)  # fmt: skip
    assert back.error_reason is None
    edited = save_medication(wb, actor, subject_id=subject.id, values={**PRED, "dose": 20},
                             medication_id=row.id, reason="dose typo",
                             expected_version=back.version, today=TODAY)  # fmt: skip
    assert edited.dose == 20 and _steroid_mg(wb, subject.id) == 20


def test_stale_locked_and_unknown_rows_are_refused(wb, actor, subject):
    row = _med(wb, actor, subject.id)
    with pytest.raises(ConflictError):
        mark_entered_in_error(wb, actor, entity="medication", record_id=row.id, reason=WHY,
                              expected_version=row.version - 1)  # fmt: skip
    with pytest.raises(NotFound):
        mark_entered_in_error(wb, actor, entity="medication", record_id=9999, reason=WHY,
                              expected_version=1)  # fmt: skip
    with pytest.raises(NotFound):
        mark_entered_in_error(wb, actor, entity="labresult", record_id=row.id, reason=WHY,
                              expected_version=row.version)  # fmt: skip
    manager = actor.__class__(None, "dm", "Dee Manager", "data_manager")
    place_hold(wb, manager, "lock", "database lock", subject_id=subject.id)
    before = counts(wb)
    with pytest.raises(Held):
        _mark(wb, actor, "medication", row)
    assert counts(wb) == before


def test_an_adverse_event_in_error_leaves_outcomes_and_checks_but_stays_listed(wb, actor, dosed):
    event = save_adverse_event(wb, actor, subject_id=dosed.id, values=AE, today=TODAY)
    other = save_adverse_event(wb, actor, subject_id=dosed.id, values={**AE, "term": "Nausea"},
                               today=TODAY)  # fmt: skip
    _mark(wb, actor, "adverseevent", event, "entered for the wrong subject")
    data = load_study_data(wb, TODAY)
    assert data.adverse_events["id"].tolist() == [other.id]
    with wb.engine.connect() as conn:
        listing = {s.number: s for s in read_listings(conn, wb.study, Scope())}["16.2.7.1"]
        datasets = {d.name: d for d in read_sdtm(conn, wb.study, Scope())}
    reasons = dict(zip(listing.frame["term"], listing.frame["error_reason"], strict=True))
    assert reasons["Headache"] == "entered for the wrong subject"
    assert reasons["Nausea"] is None or reasons["Nausea"] != reasons["Nausea"]  # blank (NaN)
    assert datasets["AE"].frame["AETERM"].tolist() == ["Nausea"]  # never submitted


def test_a_history_row_in_error_no_longer_completes_its_form(wb, actor, subject):
    asthma = {"category": "GENERAL", "term": "Asthma", "start": "2010"}
    row = save_history(wb, actor, subject_id=subject.id, values=asthma, today=TODAY)
    state = {r.visit_code: r.forms.get("MH") for r in calendar(wb, subject.id, TODAY)}
    assert state["SCR"] == "complete"
    _mark(wb, actor, "medicalhistory", row, "asthma belongs to another subject")
    state = {r.visit_code: r.forms.get("MH") for r in calendar(wb, subject.id, TODAY)}
    assert state["SCR"] == "not_started"


def test_an_event_in_error_is_nothing_to_complete_before_lock_nor_a_reaction_to_link(
    wb, actor, dosed
):
    unknown = {**AE, "outcome": "UNKNOWN"}
    event = save_adverse_event(wb, actor, subject_id=dosed.id, values=unknown, today=TODAY)

    def ae_problems():
        with read_session(wb.engine) as session:
            items = checklist(session, wb)
        return next(c for c in items if "adverse event" in c.name).problems

    assert len(ae_problems()) == 1
    _mark(wb, actor, "adverseevent", event, "duplicate of AE 2")
    assert ae_problems() == ()
    dose = load_dose(wb, dosed.id)
    before = counts(wb)
    with pytest.raises(ValidationFailed) as refused:
        record_dose(wb, actor, visit_id=dose.visit_id, values=dose_values(reaction=True,
                    reaction_ae_id=event.id), reason="link the reaction",
                    expected_version=dose.version)  # fmt: skip
    assert "entered in error" in refused.value.errors["reaction_ae_id"] and counts(wb) == before


def test_only_the_investigator_marks_a_serious_event_in_error(wb, actor, dosed):
    """A serious event may already be reported to the sponsor: a coordinator may not take it out
    of the safety data (nothing is written), the investigator may, and either may restore it."""
    serious = {**AE, "sae_hospitalisation": "yes", "awareness_date": "2025-02-21"}
    event = save_adverse_event(wb, actor, subject_id=dosed.id, values=serious, today=TODAY)
    assert event.serious
    before = counts(wb)
    coordinator = Actor(None, "cora", "Cora Coordinator", "coordinator")
    with pytest.raises(PermissionDenied, match="Only the investigator"):
        _mark(wb, coordinator, "adverseevent", event)
    assert counts(wb) == before
    mark = _mark(wb, actor, "adverseevent", event)
    restore_entered_in_error(wb, coordinator, entity="adverseevent", record_id=event.id,
                             reason="it was this subject's after all",
                             expected_version=mark.version)  # fmt: skip
    plain = save_adverse_event(wb, actor, subject_id=dosed.id, values=AE, today=TODAY)
    assert _mark(wb, coordinator, "adverseevent", plain).error_reason == WHY  # any writer
