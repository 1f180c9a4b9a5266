"""Source data verification: per form from the study definition, dropped by a later change."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from models.db import read_session
from records.adverse_events import save_adverse_event
from records.assessments import save_assessment
from records.errors import Held, PermissionDenied, ValidationFailed
from records.holds import place_hold
from records.review_status import checklist
from records.sdv import (
    AE_FORM,
    dropped_verifications,
    progress,
    required_forms,
    sdv_rows,
    verify,
    verify_adverse_event,
    verify_form,
)
from tests.records.conftest import TODAY
from tests.review.conftest import ADMIN, COORDINATOR, DATA_MANAGER, MONITOR


def _pga(wb, actor, subject, value="1.3", **kw):
    return save_assessment(
        wb, actor, visit_id=subject.visits["SCR"], form_code="PGA", values={"PGA": value},
        today=TODAY, **kw,
    )  # fmt: skip


def _sdv_audit(wb):
    with wb.engine.connect() as conn:
        return conn.execute(
            text("SELECT action, form, new_value, reason FROM auditevent WHERE entity='sdvmark'")
        ).all()


def test_requirement_comes_from_the_study_definition(study):
    assert {"SLEDAI2K", "BILAG2004", "PGA", "EX"} <= required_forms(study)
    assert not {"RAND36", "PROMIS29"} & required_forms(study)


@pytest.mark.req("REQ-AUD-04")
def test_verify_then_a_correction_drops_the_mark_in_the_same_transaction(wb, actor, subject):
    first = _pga(wb, actor, subject)
    (row,) = sdv_rows(wb, subject.id)
    assert row.state == "to verify"
    assert verify_form(wb, MONITOR, subject.visits["SCR"], "PGA").state == "verified"
    _pga(wb, actor, subject, "1.5", reason="re-read the source", expected_version=first.version)
    (row,) = sdv_rows(wb, subject.id)
    assert row.state == "dropped" and row.drop_reason == "re-read the source"
    assert [r.form_code for r in dropped_verifications(wb)] == ["PGA"]
    assert [a[0] for a in _sdv_audit(wb)] == ["sdv_verify", "sdv_drop"]
    verify_form(wb, MONITOR, subject.visits["SCR"], "PGA")
    assert progress(sdv_rows(wb)) == {"verified": 1, "to verify": 0, "dropped": 0}
    assert not dropped_verifications(wb)


@pytest.mark.parametrize("who", [COORDINATOR, DATA_MANAGER, ADMIN], ids=lambda a: a.role)
def test_only_a_monitor_verifies(wb, actor, subject, who):
    _pga(wb, actor, subject)
    with pytest.raises(PermissionDenied):
        verify_form(wb, who, subject.visits["SCR"], "PGA")


def test_nothing_to_verify_and_twice_are_refused(wb, actor, subject):
    with pytest.raises(ValidationFailed):
        verify_form(wb, MONITOR, subject.visits["SCR"], "PGA")
    _pga(wb, actor, subject)
    verify_form(wb, MONITOR, subject.visits["SCR"], "PGA")
    with pytest.raises(ValidationFailed):
        verify_form(wb, MONITOR, subject.visits["SCR"], "PGA")


def test_sdv_goes_on_under_a_freeze_not_a_lock_and_a_refused_write_keeps_the_mark(
    wb, actor, subject
):
    first = _pga(wb, actor, subject)
    place_hold(wb, DATA_MANAGER, "freeze", "interim", visit_id=subject.visits["SCR"])
    verify_form(wb, MONITOR, subject.visits["SCR"], "PGA")
    with pytest.raises(Held):
        _pga(wb, actor, subject, "1.5", reason="x", expected_version=first.version)
    assert sdv_rows(wb, subject.id)[0].state == "verified"
    place_hold(wb, DATA_MANAGER, "lock", "final")
    with pytest.raises(Held):
        verify_form(wb, MONITOR, subject.visits["SCR"], "EX")


AE = {"term": "Headache", "onset": "2025-02-20T14:00", "end": "2025-02-21", "severity": "MILD",
      "ctcae_grade": 1, "relationship": "POSSIBLY RELATED", "action_taken": "NOT APPLICABLE",
      "outcome": "RECOVERED/RESOLVED"}  # fmt: skip


def _ae(wb, actor, subject, **kw):
    return save_adverse_event(wb, actor, subject_id=subject.id, values={**AE, **kw.pop("values",
                              {})}, today=TODAY, **kw)  # fmt: skip


@pytest.mark.req("REQ-AUD-04")
def test_every_adverse_event_is_verified_and_a_change_drops_its_mark(wb, actor, subject):
    """The study verifies 100 % of adverse events: each AE is a row of its own, verified by a
    monitor, dropped (audited) by a change to that AE only, and counted by the lock checklist."""
    assert wb.study.sdv_adverse_events
    first, other = _ae(wb, actor, subject), _ae(wb, actor, subject, values={"term": "Nausea"})
    rows = [r for r in sdv_rows(wb, subject.id) if r.form_code == AE_FORM]
    assert [(r.record, r.state, r.visit_code) for r in rows] == [
        ("AE 1 Headache", "to verify", "AE log"),
        ("AE 2 Nausea", "to verify", "AE log"),
    ]
    assert verify_adverse_event(wb, MONITOR, first.id).state == "verified"
    verify(wb, MONITOR, next(r for r in rows if r.record_id == other.id))
    with pytest.raises(ValidationFailed, match="already verified"):
        verify_adverse_event(wb, MONITOR, first.id)
    _ae(
        wb,
        actor,
        subject,
        ae_id=first.id,
        expected_version=first.version,
        values={"severity": "MODERATE", "ctcae_grade": 2},
        reason="worse per the clinic note",
    )
    states = {r.record: r.state for r in sdv_rows(wb, subject.id) if r.form_code == AE_FORM}
    assert states == {"AE 1 Headache": "dropped", "AE 2 Nausea": "verified"}
    (dropped,) = dropped_verifications(wb)
    assert dropped.record_id == first.id and dropped.drop_reason == "worse per the clinic note"
    assert [(a[0], a[1]) for a in _sdv_audit(wb)] == [
        ("sdv_verify", "AE"),
        ("sdv_verify", "AE"),
        ("sdv_drop", "AE"),
    ]
    with read_session(wb.engine) as session:
        (sdv_item,) = [c for c in checklist(session, wb) if c.name.startswith("SDV")]
    assert any("AE 1 Headache: dropped" in line for line in sdv_item.problems)


def test_adverse_event_sdv_is_a_monitors_and_stops_under_a_lock(wb, actor, subject):
    event = _ae(wb, actor, subject)
    with pytest.raises(PermissionDenied):
        verify_adverse_event(wb, COORDINATOR, event.id)
    place_hold(wb, DATA_MANAGER, "freeze", "interim", subject_id=subject.id)
    verify_adverse_event(wb, MONITOR, event.id)  # a freeze lets review go on
    place_hold(wb, DATA_MANAGER, "lock", "final")
    with pytest.raises(Held):
        verify_adverse_event(wb, MONITOR, event.id)


def test_a_downgrade_refuses_to_destroy_adverse_event_verifications(wb, actor, subject):
    """Migration 0007 down would drop AE marks: refused while any exists (evidence)."""
    from alembic import command
    from alembic.config import Config

    from tests.conftest import REPO_ROOT

    verify_adverse_event(wb, MONITOR, _ae(wb, actor, subject).id)
    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    with pytest.raises(RuntimeError, match="verification evidence"), wb.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0006")
    assert sdv_rows(wb, subject.id)[-1].state == "verified"
