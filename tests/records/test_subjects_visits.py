"""Screening a subject builds the visit calendar; visit dates are checked and window-flagged."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from models import Subject
from models.db import unit_of_work
from records import subjects, visits
from records.errors import ConflictError, ValidationFailed

pytestmark = pytest.mark.req("STU-VISITS")

TODAY = date(2025, 9, 1)
VALID = {
    "screening_number": "001-0007",
    "sex": "F",
    "birth_date": "1984-05-02",
    "consent_date": "2025-02-01",
    "consent_time": "09:30",
}


def test_screening_creates_subject_and_planned_visits(wb, actor):
    subject = subjects.screen_subject(wb, actor, VALID, today=TODAY)
    assert subject.screening_number == "001-0007" and subject.birth_year == 1984
    codes = [r.visit_code for r in visits.calendar(wb, subject.id, TODAY)]
    assert codes == ["SCR", "V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10", "V11"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("screening_number", ""),
        ("sex", "X"),
        ("consent_date", "2025-13-01"),
        ("consent_date", "2030-01-01"),
        ("birth_date", "not a date"),
        ("consent_time", "25:99"),
    ],
)
def test_each_invalid_field_gets_its_own_message_and_nothing_is_saved(wb, actor, field, value):
    with pytest.raises(ValidationFailed) as err:
        subjects.screen_subject(wb, actor, {**VALID, field: value}, today=TODAY)
    assert field in err.value.errors
    assert subjects.subject_frame(wb).empty


def test_birth_date_or_year_is_required(wb, actor):
    values = {k: v for k, v in VALID.items() if k != "birth_date"}
    with pytest.raises(ValidationFailed) as err:
        subjects.screen_subject(wb, actor, values, today=TODAY)
    assert "birth_date" in err.value.errors


def test_duplicate_screening_number_is_refused(wb, actor):
    subjects.screen_subject(wb, actor, VALID, today=TODAY)
    with pytest.raises(ValidationFailed) as err:
        subjects.screen_subject(wb, actor, VALID, today=TODAY)
    assert "screening_number" in err.value.errors


def test_stale_edit_is_refused_with_the_current_values(wb, actor):
    s = subjects.screen_subject(wb, actor, VALID, today=TODAY)
    subjects.update_subject(wb, actor, s.id, {**VALID, "sex": "M"}, "typo", s.version_id, TODAY)
    with pytest.raises(ConflictError) as err:
        subjects.update_subject(
            wb, actor, s.id, {**VALID, "consent_time": "10:00"}, "x", s.version_id, TODAY
        )
    assert err.value.current["sex"] == "M"


def _dosed(wb, actor, dose_date: date) -> int:
    s = subjects.screen_subject(wb, actor, VALID, today=TODAY)
    with unit_of_work(wb.engine, actor, reason="dosed") as session:
        subject = session.get(Subject, s.id)
        subject.dose_date, subject.status = dose_date, "dosed"
        visits.refresh_windows(session, wb, subject)
    return s.id


@pytest.mark.req("REQ-WF-01")
def test_visit_before_consent_is_refused(wb, actor):
    sid = _dosed(wb, actor, date(2025, 3, 3))
    scr = visits.calendar(wb, sid, TODAY)[0]
    with pytest.raises(ValidationFailed) as err:
        visits.record_visit_date(wb, actor, scr.visit_id, "2025-01-15", today=TODAY)
    assert "consent" in err.value.errors["actual_date"]


@pytest.mark.parametrize(
    ("actual", "out", "off"),
    [
        (date(2025, 3, 16), False, None),  # day 14 exactly
        (date(2025, 3, 18), False, None),  # day 16 = +2, edge of ±2
        (date(2025, 3, 19), True, 1),  # day 17: one day late
        (date(2025, 3, 13), True, -1),  # day 11: one day early
    ],
)
def test_out_of_window_is_flagged_not_refused(wb, actor, actual, out, off):
    sid = _dosed(wb, actor, date(2025, 3, 3))
    v5 = next(r for r in visits.calendar(wb, sid, TODAY) if r.visit_code == "V5")
    row = visits.record_visit_date(wb, actor, v5.visit_id, actual, today=TODAY)
    assert (row.status, row.out_of_window, row.days_off_window) == ("done", out, off)


def test_calendar_status_follows_today(wb, actor):
    sid = _dosed(wb, actor, date(2025, 3, 3))
    rows = {r.visit_code: r for r in visits.calendar(wb, sid, date(2025, 3, 17))}
    assert rows["V5"].status == "due" and rows["V5"].target_date == date(2025, 3, 16)
    assert rows["V4"].status == "overdue" and rows["V6"].status == "not_yet_due"
    assert rows["V5"].forms["SLEDAI2K"] == "not_started"


def test_correcting_a_visit_date_needs_a_reason(wb, actor):
    sid = _dosed(wb, actor, date(2025, 3, 3))
    v2 = next(r for r in visits.calendar(wb, sid, TODAY) if r.visit_code == "V2")
    first = visits.record_visit_date(wb, actor, v2.visit_id, date(2025, 3, 4), today=TODAY)
    version = first.version_id
    with pytest.raises(ValidationFailed):
        visits.record_visit_date(
            wb, actor, v2.visit_id, date(2025, 3, 5), expected_version=version, today=TODAY
        )
    with pytest.raises(ConflictError):  # an edit without the version it read is refused
        visits.record_visit_date(
            wb, actor, v2.visit_id, date(2025, 3, 5), reason="wrong day", today=TODAY
        )
    visits.record_visit_date(
        wb,
        actor,
        v2.visit_id,
        date(2025, 3, 5),
        reason="wrong day",
        expected_version=version,
        today=TODAY,
    )
    with wb.engine.connect() as conn:
        assert (
            conn.execute(text("SELECT count(*) FROM auditevent WHERE reason='wrong day'")).scalar()
            >= 1
        )


def test_unscheduled_and_early_termination_visits(wb, actor):
    sid = _dosed(wb, actor, date(2025, 3, 3))
    first = visits.add_visit(wb, actor, sid, "UNS")
    second = visits.add_visit(wb, actor, sid, "UNS")
    assert first != second
    visits.add_visit(wb, actor, sid, "ET")
    with pytest.raises(ValidationFailed):
        visits.add_visit(wb, actor, sid, "ET")
    with pytest.raises(ValidationFailed):
        visits.add_visit(wb, actor, sid, "V5")
