"""Dosing: once only, eligibility gate with an audited override, day 1 and visit windows."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from models import AuditEvent, Subject, Visit
from records.adverse_events import save_adverse_event
from records.dosing import load_dose, record_dose
from records.eligibility import eligibility_status, save_eligibility
from records.errors import ConflictError, NotFound, ValidationFailed
from records.subjects import set_status
from records.visits import calendar, record_visit_date
from tests.records.conftest import NOW, TODAY, all_met, counts, dose_values, screen

pytestmark = pytest.mark.req("STU-DOSING")


def dose(wb, actor, visit_id, values, **kw):
    return record_dose(wb, actor, visit_id=visit_id, values=values, now=NOW, **kw)


def test_dose_sets_day_one_status_and_cells_per_kg(wb, actor, dosed):
    read = load_dose(wb, dosed.id)
    assert read.started_local == datetime(2025, 2, 20, 9, 0)
    assert read.started_at.isoformat() == "2025-02-20T14:00:00+00:00"  # stored in UTC
    assert read.cells_per_kg == pytest.approx(1e8 / 64) and read.route == "SUBCUTANEOUS"
    assert read.product == "UC-MSC" and read.version == 1
    with wb.engine.connect() as conn:
        status, dose_date = conn.execute(
            select(Subject.status, Subject.dose_date).where(Subject.id == dosed.id)
        ).one()
        v1 = conn.execute(select(Visit.actual_date).where(Visit.id == dosed.visits["V1"])).one()
    assert (status, dose_date, v1[0]) == ("dosed", date(2025, 2, 20), date(2025, 2, 20))


def test_windows_reflagged_when_day_one_is_set(wb, actor, eligible):
    record_visit_date(wb, actor, eligible.visits["V5"], "2025-03-15", today=TODAY)
    dose(wb, actor, eligible.visits["V1"], dose_values())
    row = next(r for r in calendar(wb, eligible.id, TODAY) if r.visit_code == "V5")
    assert row.study_day == 24 and row.out_of_window and row.days_off_window == 8


def test_not_eligible_refused_unless_override_reason(wb, actor, subject):
    values = {**all_met(wb), "IN04": "N", "IN04_NOTE": "eGFR 28"}
    save_eligibility(wb, actor, visit_id=subject.visits["SCR"], values=values, today=TODAY)
    before = counts(wb)
    with pytest.raises(ValidationFailed) as err:
        dose(wb, actor, subject.visits["V1"], dose_values())
    assert "IN04 not met" in err.value.errors["eligibility_override"]
    assert counts(wb) == before
    dose(wb, actor, subject.visits["V1"], dose_values(),
         eligibility_override="sponsor medical monitor approved (email 2025-02-19)")  # fmt: skip
    status = eligibility_status(wb, subject.id)
    assert status.status == "not_eligible" and status.override.startswith("sponsor")
    with wb.engine.connect() as conn:
        reasons = set(conn.scalars(
            select(AuditEvent.reason).where(AuditEvent.entity == "doseadministration")
        ))  # fmt: skip
    assert reasons == {"eligibility override: sponsor medical monitor approved (email 2025-02-19)"}


def test_not_assessed_subject_cannot_be_dosed_without_override(wb, actor, subject):
    with pytest.raises(ValidationFailed) as err:
        dose(wb, actor, subject.visits["V1"], dose_values())
    assert "not assessed" in err.value.errors["eligibility_override"]


def test_dose_only_once(wb, actor, dosed):
    before = counts(wb)
    with pytest.raises(ValidationFailed) as err:
        dose(wb, actor, dosed.visits["V1"], dose_values(lot="OTHER"))
    assert "already given" in err.value.errors["started_at"] and counts(wb) == before


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"lot": ""}, "lot"),
        ({"cells_total": 0}, "cells_total"),
        ({"cells_total": "1e13"}, "cells_total"),
        ({"route": "NASAL"}, "route"),
        ({"route": None}, "route"),  # never the product's usual route by default
        ({"started_at": "2025-02-20"}, "started_at"),
        ({"started_at": "2099-01-01 09:00"}, "started_at"),
        ({"stopped_at": "2025-02-20 08:00"}, "stopped_at"),
        ({"stopped_at": "2025-02-22 09:00"}, "stopped_at"),
        ({"interrupted": True}, "interruption_note"),
        ({"reaction_ae_id": 1}, "reaction_ae_id"),
        ({"batch": "x"}, "batch"),
    ],
)
def test_each_invalid_field_named_nothing_written(wb, actor, eligible, extra, field):
    before = counts(wb)
    with pytest.raises(ValidationFailed) as err:
        dose(wb, actor, eligible.visits["V1"], dose_values(**extra))
    assert field in err.value.errors and counts(wb) == before


def test_context_checks(wb, actor, eligible):
    with pytest.raises(ValidationFailed) as err:
        dose(wb, actor, eligible.visits["V5"], dose_values())
    assert "visit_id" in err.value.errors
    record_visit_date(wb, actor, eligible.visits["V1"], "2025-02-19", today=TODAY)
    with pytest.raises(ValidationFailed) as err:
        dose(wb, actor, eligible.visits["V1"], dose_values())
    assert "V1 visit date" in err.value.errors["started_at"]
    with pytest.raises(NotFound):
        dose(wb, actor, 9999, dose_values())


def test_screen_failure_cannot_be_dosed(wb, actor, eligible):
    set_status(wb, actor, eligible.id, "screen_failure", date(2025, 2, 10), "withdrew consent")
    with pytest.raises(ValidationFailed) as err:
        dose(wb, actor, eligible.visits["V1"], dose_values())
    assert "screen_failure" in err.value.errors["started_at"]


def test_reaction_linked_to_this_subjects_ae_by_an_edit_with_reason(wb, actor, dosed):
    other = screen(wb, actor, "001-002")
    ae_values = {"term": "Injection site erythema", "onset": "2025-02-20T11:00",
                 "severity": "MILD", "relationship": "POSSIBLY RELATED",
                 "action_taken": "NOT APPLICABLE", "outcome": "RECOVERING/RESOLVING"}  # fmt: skip
    mine = save_adverse_event(wb, actor, subject_id=dosed.id, values=ae_values, today=TODAY)
    theirs = save_adverse_event(
        wb, actor, subject_id=other.id, values={**ae_values, "onset": "2025-02-10"}, today=TODAY
    )
    current = load_dose(wb, dosed.id)
    with pytest.raises(ValidationFailed) as err:
        dose(wb, actor, dosed.visits["V1"], dose_values(reaction=True, reaction_ae_id=theirs.id),
             expected_version=current.version, reason="link")  # fmt: skip
    assert "reaction_ae_id" in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        dose(wb, actor, dosed.visits["V1"], dose_values(reaction=True, reaction_ae_id=mine.id),
             expected_version=current.version)  # fmt: skip
    assert "reason" in err.value.errors
    read = dose(wb, actor, dosed.visits["V1"], dose_values(reaction=True, reaction_ae_id=mine.id),
                expected_version=current.version, reason="reaction recorded as AE")  # fmt: skip
    assert read.reaction and read.reaction_ae_id == mine.id and read.version == 2


def test_concurrent_dose_edit_refused(wb, actor, dosed):
    mine, theirs = load_dose(wb, dosed.id), load_dose(wb, dosed.id)
    dose(wb, actor, dosed.visits["V1"], dose_values(lot="L2"), expected_version=theirs.version,
         reason="lot corrected")  # fmt: skip
    with pytest.raises(ConflictError) as err:
        dose(wb, actor, dosed.visits["V1"], dose_values(lot="L3"), expected_version=mine.version,
             reason="lot corrected")  # fmt: skip
    assert err.value.current["lot"] == "L2"


def test_moving_the_dose_date_moves_day_one(wb, actor, dosed):
    current = load_dose(wb, dosed.id)
    values = dose_values(started_at="2025-02-21 09:00", stopped_at="2025-02-21 09:20")
    dose(wb, actor, dosed.visits["V1"], values, expected_version=current.version,
         reason="dose date transcribed wrongly")  # fmt: skip
    with wb.engine.connect() as conn:
        day = conn.scalar(select(Subject.dose_date).where(Subject.id == dosed.id))
        v1 = conn.scalar(select(Visit.actual_date).where(Visit.id == dosed.visits["V1"]))
    assert day == v1 == date(2025, 2, 21)
