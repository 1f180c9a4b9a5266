"""Eligibility: met / not met per criterion, evidence for failures, status with failing criteria."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from records.dosing import record_dose
from records.eligibility import eligibility_status, save_eligibility
from records.errors import ConflictError, ValidationFailed
from tests.records.conftest import TODAY, all_met, counts, screen
from tests.records.test_outcomes_data import Trial

pytestmark = pytest.mark.req("STU-ELIGIBILITY")


def save(wb, actor, visit_id, values, **kw):
    return save_eligibility(wb, actor, visit_id=visit_id, values=values, today=TODAY, **kw)


def test_not_assessed_until_saved(wb, subject):
    status = eligibility_status(wb, subject.id)
    assert status.status == "not_assessed" and not status.eligible


def test_all_met_is_eligible(wb, actor, subject):
    read = save(wb, actor, subject.visits["SCR"], all_met(wb))
    assert read.form_code == "ELIG" and read.values["IN01"] == "Y"
    status = eligibility_status(wb, subject.id)
    assert status.eligible and status.failing == () and status.summary == "eligible"


def test_failed_inclusion_needs_evidence_and_makes_not_eligible(wb, actor, subject):
    values = {**all_met(wb), "IN04": "N"}
    before = counts(wb)
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["SCR"], values)
    assert err.value.errors == {"IN04_NOTE": "a note is needed when IN04 is N"}
    assert counts(wb) == before
    save(wb, actor, subject.visits["SCR"], {**values, "IN04_NOTE": "eGFR 24 on 2025-02-04"})
    status = eligibility_status(wb, subject.id)
    assert status.status == "not_eligible"
    assert [(c.code, c.note) for c in status.failing] == [("IN04", "eGFR 24 on 2025-02-04")]
    assert status.summary == "not eligible: IN04 not met"


def test_met_exclusion_makes_not_eligible(wb, actor, subject):
    values = {**all_met(wb), "EX01": "Y", "EX01_NOTE": "active infection"}
    save(wb, actor, subject.visits["SCR"], values)
    assert eligibility_status(wb, subject.id).failing[0].kind == "exclusion"


def test_incomplete_while_in_progress(wb, actor, subject):
    save(wb, actor, subject.visits["SCR"], {"IN01": "Y"}, state="in_progress")
    status = eligibility_status(wb, subject.id)
    assert status.status == "incomplete" and "IN02" in status.unanswered


@pytest.mark.parametrize("value", ["maybe", "MET", 3, "=1+1"])
def test_answer_must_be_y_or_n(wb, actor, subject, value):
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["SCR"], {**all_met(wb), "IN02": value})
    assert set(err.value.errors) == {"IN02"}


def test_complete_form_needs_every_criterion(wb, actor, subject):
    values = all_met(wb)
    del values["EX01"]
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["SCR"], values)
    assert err.value.errors == {"EX01": "is required"}


def test_only_at_screening(wb, actor, subject):
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["V5"], all_met(wb))
    assert "form_code" in err.value.errors


def test_edit_needs_reason_and_version(wb, actor, subject):
    first = save(wb, actor, subject.visits["SCR"], {**all_met(wb), "IN04": "N", "IN04_NOTE": "x"})
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["SCR"], all_met(wb), expected_version=first.version)
    assert "reason" in err.value.errors
    save(wb, actor, subject.visits["SCR"], all_met(wb), expected_version=first.version,
         reason="eGFR repeated: 41")  # fmt: skip
    assert eligibility_status(wb, subject.id).eligible
    with pytest.raises(ConflictError):
        save(wb, actor, subject.visits["SCR"], all_met(wb), expected_version=first.version,
             reason="stale")  # fmt: skip


def test_age_outside_study_limits_is_a_warning(wb, actor):
    old = screen(wb, actor, "001-009", birth_date="1940-01-01")
    assert "outside the study's 18–75 years" in eligibility_status(wb, old.id).warnings[0]


def test_an_answer_the_data_contradict_blocks_dosing_without_the_override(wb, actor):
    """Issue #10 defect 5: "eGFR ≥ 30 met" was accepted while the screening creatinine gives
    24; the system now evaluates the criteria it can and names the contradiction."""

    trial = Trial(wb, actor)
    sid = trial.subject("060-001")
    scr = trial.visit(sid, "SCR", -10)
    trial.labs(scr, "CHEM", {"CREAT": 2.5})  # female, 44: eGFR 23.7
    answers = {c.code: "Y" if c.kind == "inclusion" else "N" for c in wb.study.eligibility}
    save_eligibility(wb, actor, visit_id=scr, values=answers, today=date(2025, 12, 1))
    status = eligibility_status(wb, sid)
    assert status.status == "not_eligible"
    [failed] = status.failing
    assert failed.code == "IN04" and failed.answer == "Y"
    assert "eGFR 24 (CKD-EPI 2021) from screening creatinine 2.5" in (failed.contradicted_by or "")
    assert "IN04 answered met but the data say otherwise" in status.summary
    v1 = trial.visit_id(sid, "V1")
    dose = {
        "lot": "L1",
        "cells_total": 1e8,
        "route": "SUBCUTANEOUS",
        "started_at": datetime(2025, 3, 3, 10, 0),
    }
    with pytest.raises(ValidationFailed) as refused:
        record_dose(wb, actor, visit_id=v1, values=dose)
    assert "eGFR 24" in refused.value.errors["eligibility_override"]
    record_dose(wb, actor, visit_id=v1, values=dose, eligibility_override="nephrologist: stable")
    assert eligibility_status(wb, sid).override == "nephrologist: stable"


def test_data_within_the_limits_do_not_contradict(wb, actor):
    trial = Trial(wb, actor)
    sid = trial.subject("060-002")
    scr = trial.visit(sid, "SCR", -10)
    trial.labs(scr, "CHEM", {"CREAT": 0.9})
    answers = {c.code: "Y" if c.kind == "inclusion" else "N" for c in wb.study.eligibility}
    save_eligibility(wb, actor, visit_id=scr, values=answers, today=date(2025, 12, 1))
    assert eligibility_status(wb, sid).eligible
