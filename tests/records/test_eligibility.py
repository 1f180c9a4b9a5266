"""Eligibility: met / not met per criterion, evidence for failures, status with failing criteria."""

from __future__ import annotations

import pytest

from records.eligibility import eligibility_status, save_eligibility
from records.errors import ConflictError, ValidationFailed
from tests.records.conftest import TODAY, all_met, counts, screen


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
