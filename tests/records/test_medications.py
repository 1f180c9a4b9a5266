"""Medications and corticosteroid regimens: partial dates, prednisone equivalents, daily series."""

from __future__ import annotations

from datetime import date

import pytest

from records.errors import ConflictError, NotFound, ValidationFailed
from records.medications import list_medications, save_medication, steroid_series
from tests.records.conftest import TODAY, counts

PRED = {"drug": "prednisone", "dose": 15, "dose_unit": "mg", "route": "ORAL", "frequency": "QD",
        "start": "2024-11", "stop": "2025-03-19", "corticosteroid": True}  # fmt: skip


def save(wb, actor, subject_id, values, **kw):
    return save_medication(wb, actor, subject_id=subject_id, values=values, today=TODAY, **kw)


def test_con_med_with_partial_start(wb, actor, subject):
    values = {"drug": "hydroxychloroquine", "dose": 200, "dose_unit": "mg", "route": "ORAL",
              "frequency": "BID", "start": "2023", "ongoing": True,
              "indication": "SLE"}  # fmt: skip
    read = save(wb, actor, subject.id, values)
    assert (read.start, read.stop, read.ongoing) == ("2023", None, True)
    assert read.prednisone_equivalent_mg_per_day is None and read.version == 1


def test_prednisone_equivalent_per_row(wb, actor, subject):
    read = save(wb, actor, subject.id, PRED)
    assert read.prednisone_equivalent_mg_per_day == 15
    dexa = save(
        wb, actor, subject.id, {**PRED, "drug": "Dexamethasone", "dose": 4, "frequency": "BID"}
    )
    assert dexa.prednisone_equivalent_mg_per_day == pytest.approx(4 * 2 * 5 / 0.75)


def test_iv_methylprednisolone_pulse(wb, actor, subject):
    pulse = {**PRED, "drug": "methylprednisolone", "dose": 500, "route": "INTRAVENOUS",
             "frequency": "ONCE", "start": "2025-04-10", "stop": None, "pulse": True}  # fmt: skip
    read = save(wb, actor, subject.id, pulse)
    assert read.prednisone_equivalent_mg_per_day == 625
    assert "on the day given" in read.prednisone_reason


def test_topical_steroid_not_counted(wb, actor, subject):
    read = save(wb, actor, subject.id, {**PRED, "route": "TOPICAL"})
    assert (
        read.prednisone_equivalent_mg_per_day is None and "not systemic" in read.prednisone_reason
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"drug": ""}, "drug"),
        ({"drug": "budesonide"}, "drug"),
        ({"drug": "aspirin"}, "drug"),
        ({"dose": -5}, "dose"),
        ({"dose": None}, "dose"),
        ({"dose_unit": "g"}, "dose_unit"),
        ({"frequency": "PRN"}, "frequency"),
        ({"frequency": "HOURLY"}, "frequency"),
        ({"route": "NASAL"}, "route"),
        ({"start": "2024-13"}, "start"),
        ({"start": "next week"}, "start"),
        ({"start": "2099-01-01"}, "start"),
        ({"start": None}, "start"),
        ({"stop": "2024-10-31"}, "stop"),
        ({"stop": "2024-10"}, "stop"),
        ({"ongoing": True}, "ongoing"),
        ({"frequency": "ONCE"}, "stop"),
        ({"strength": "5 mg"}, "strength"),
    ],
)
def test_each_invalid_field_named_nothing_written(wb, actor, subject, change, field):
    before = counts(wb)
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.id, {**PRED, **change})
    assert field in err.value.errors and counts(wb) == before


def test_stop_in_same_month_as_partial_start_is_accepted(wb, actor, subject):
    read = save(wb, actor, subject.id, {**PRED, "start": "2025-03", "stop": "2025-03-02"})
    assert read.stop == "2025-03-02"


def test_pulse_only_for_corticosteroids(wb, actor, subject):
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.id, {"drug": "rituximab", "start": "2025-01", "pulse": True})
    assert "pulse" in err.value.errors


def test_daily_series_follows_the_taper(wb, actor, subject):
    save(wb, actor, subject.id, PRED)
    save(wb, actor, subject.id, {**PRED, "dose": 10, "start": "2025-03-20", "stop": None})
    pulse = {**PRED, "drug": "methylprednisolone", "dose": 500, "route": "INTRAVENOUS",
             "frequency": "QD", "start": "2025-04-01", "stop": "2025-04-03",
             "pulse": True}  # fmt: skip
    save(wb, actor, subject.id, pulse)
    series = steroid_series(wb, subject.id, date(2025, 3, 18), date(2025, 4, 4))
    mg = [d.prednisone_equivalent_mg for d in series.days]
    assert mg[:4] == [15, 15, 10, 10] and mg[-4:] == [635, 635, 635, 10]
    assert series.pulse_days == (date(2025, 4, 1), date(2025, 4, 2), date(2025, 4, 3))
    assert [m.drug for m in list_medications(wb, subject.id, corticosteroids=True)] == [
        "prednisone", "prednisone", "methylprednisolone"
    ]  # fmt: skip


def test_series_for_unknown_subject(wb):
    with pytest.raises(NotFound):
        steroid_series(wb, 999)


def test_edit_needs_reason_and_version(wb, actor, subject):
    first = save(wb, actor, subject.id, PRED)
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.id, {**PRED, "dose": 20}, medication_id=first.id,
             expected_version=first.version)  # fmt: skip
    assert "reason" in err.value.errors
    second = save(wb, actor, subject.id, {**PRED, "dose": 20}, medication_id=first.id,
                  expected_version=first.version, reason="dose misread")  # fmt: skip
    assert second.prednisone_equivalent_mg_per_day == 20 and second.version == 2
    with pytest.raises(ConflictError) as conflict:
        save(wb, actor, subject.id, {**PRED, "dose": 25}, medication_id=first.id,
             expected_version=first.version, reason="x")  # fmt: skip
    assert conflict.value.current["dose"] == 20
    with pytest.raises(NotFound):
        save(wb, actor, subject.id, PRED, medication_id=999, expected_version=1, reason="x")
