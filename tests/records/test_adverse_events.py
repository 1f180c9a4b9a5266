"""Adverse events: partial dates, six SAE criteria, derived TEAE, the 24-hour SAE clock."""

from __future__ import annotations

from datetime import datetime

import pytest

from records.adverse_events import list_adverse_events, save_adverse_event
from records.errors import ConflictError, NotFound, ValidationFailed
from tests.records.conftest import TODAY, counts

AE = {"term": "Headache", "onset": "2025-02-20T14:00", "end": "2025-02-21", "severity": "MILD",
      "ctcae_grade": 1, "relationship": "POSSIBLY RELATED", "action_taken": "NOT APPLICABLE",
      "outcome": "RECOVERED/RESOLVED"}  # fmt: skip


def save(wb, actor, subject_id, values, **kw):
    return save_adverse_event(wb, actor, subject_id=subject_id, values=values, today=TODAY, **kw)


def test_non_serious_teae_after_the_dose(wb, actor, dosed):
    read = save(wb, actor, dosed.id, AE)
    assert read.sequence == 1 and not read.serious and read.sae_report_due is None
    assert read.teae and read.teae_certain and read.values["ongoing"] is False
    assert save(wb, actor, dosed.id, AE).sequence == 2


def test_event_before_the_dose_is_not_treatment_emergent(wb, actor, dosed):
    read = save(wb, actor, dosed.id, {**AE, "onset": "2025-02-20T08:00", "end": "2025-02-20"})
    assert not read.teae and read.teae_certain


def test_partial_onset_in_the_dose_month_is_emergent_but_uncertain(wb, actor, dosed):
    read = save(wb, actor, dosed.id, {**AE, "onset": "2025-02", "end": "2025-03-01"})
    assert read.teae and not read.teae_certain


def test_undosed_subject_has_no_teae(wb, actor, subject):
    assert not save(wb, actor, subject.id, {**AE, "onset": "2025-02-10", "end": None,
                                            "outcome": "RECOVERING/RESOLVING"}).teae  # fmt: skip


@pytest.mark.parametrize(
    "flag",
    ["sae_death", "sae_life_threatening", "sae_hospitalisation", "sae_disability",
     "sae_congenital_anomaly", "sae_medically_important"],
)  # fmt: skip
def test_any_of_six_criteria_makes_it_serious_and_starts_the_clock(wb, actor, dosed, flag):
    values = {**AE, flag: True, "awareness_date": "2025-02-21"}
    if flag == "sae_death":
        values.update(outcome="FATAL", ctcae_grade=5, severity="SEVERE")
    read = save(wb, actor, dosed.id, values)
    assert read.serious
    assert read.seriousness_criteria and read.sae_report_due == datetime(2025, 2, 22, 0, 0)


def test_severity_alone_is_not_serious(wb, actor, dosed):
    read = save(wb, actor, dosed.id, {**AE, "severity": "SEVERE", "ctcae_grade": 3})
    assert not read.serious


def test_serious_needs_awareness_date(wb, actor, dosed):
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, dosed.id, {**AE, "sae_hospitalisation": "yes"})
    assert "awareness_date" in err.value.errors


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"term": ""}, "term"),
        ({"onset": None}, "onset"),
        ({"onset": "2025-02-30"}, "onset"),
        ({"onset": "2025-01-15"}, "onset"),  # before consent: medical history
        ({"onset": "2099-01-01"}, "onset"),
        ({"end": "2025-02-19"}, "end"),
        ({"end": "2025-01"}, "end"),
        ({"severity": "LIFE-THREATENING"}, "severity"),
        ({"ctcae_grade": 3}, "ctcae_grade"),
        ({"ctcae_grade": 6}, "ctcae_grade"),
        ({"ctcae_grade": 1.5}, "ctcae_grade"),
        ({"relationship": "MAYBE"}, "relationship"),
        ({"action_taken": None}, "action_taken"),
        ({"outcome": "OK"}, "outcome"),
        ({"end": None}, "end"),  # resolved outcome needs an end date
        ({"outcome": "RECOVERING/RESOLVING"}, "outcome"),  # resolving but has an end
        ({"ongoing": True}, "ongoing"),
        ({"treatment_given": True}, "treatment_note"),
        ({"awareness_date": "2025-02-19"}, "awareness_date"),
        ({"serious": True}, "serious"),  # derived, never typed
        ({"teae": "Y"}, "teae"),
    ],
)
def test_each_invalid_field_named_nothing_written(wb, actor, dosed, change, field):
    before = counts(wb)
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, dosed.id, {**AE, **change})
    assert field in err.value.errors and counts(wb) == before


def test_soft_warnings_for_death_and_grade(wb, actor, dosed):
    values = {**AE, "sae_death": True, "awareness_date": "2025-02-21", "severity": "SEVERE",
              "ctcae_grade": 4, "outcome": "RECOVERED/RESOLVED"}  # fmt: skip
    read = save(wb, actor, dosed.id, values)
    assert any("death" in w for w in read.warnings)


def test_follow_up_edit_needs_reason_and_version(wb, actor, dosed):
    ongoing = {**AE, "end": None, "outcome": "RECOVERING/RESOLVING"}
    first = save(wb, actor, dosed.id, ongoing)
    resolved = {**ongoing, "end": "2025-02-22", "outcome": "RECOVERED/RESOLVED"}
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, dosed.id, resolved, ae_id=first.id, expected_version=first.version)
    assert "reason" in err.value.errors
    second = save(wb, actor, dosed.id, resolved, ae_id=first.id, expected_version=1,
                  reason="follow-up call")  # fmt: skip
    assert second.values["outcome"] == "RECOVERED/RESOLVED" and second.sequence == 1
    with pytest.raises(ConflictError) as conflict:
        save(wb, actor, dosed.id, ongoing, ae_id=first.id, expected_version=1, reason="x")
    assert conflict.value.current["values"]["outcome"] == "RECOVERED/RESOLVED"
    with pytest.raises(NotFound):
        save(wb, actor, dosed.id, AE, ae_id=999, expected_version=1, reason="x")
    assert [a.id for a in list_adverse_events(wb, dosed.id)] == [first.id]
