"""Vital signs: physiological limits, V1 pre/post time points, height at screening only."""

from __future__ import annotations

from datetime import datetime

import pytest

from records.errors import ConflictError, ValidationFailed
from records.vitals import load_vitals, save_vitals, timepoints
from tests.records.conftest import TODAY, counts

pytestmark = pytest.mark.req("STU-LIMITS")

NORMAL = {"SYSBP": 118, "DIABP": 74, "PULSE": 70, "RESP": 14, "TEMP": 36.8, "WEIGHT": 64}


def save(wb, actor, visit_id, values, **kw):
    return save_vitals(wb, actor, visit_id=visit_id, values=values, today=TODAY, **kw)


def test_screening_vitals_with_height_and_bmi(wb, actor, subject):
    read = save(wb, actor, subject.visits["SCR"], {**NORMAL, "HEIGHT": 160})
    assert read.values["HEIGHT"] == 160 and read.units["TEMP"] == "C"
    assert read.bmi == pytest.approx(64 / 1.6**2)
    assert read.version == 7 and read.last_changed_by == "Ivy Investigator"


def test_v1_needs_pre_or_post_time_point(wb, actor, subject):
    assert timepoints(wb.study, "V1") == ("PRE", "POST")
    assert timepoints(wb.study, "V5") == ("",)
    before = counts(wb)
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["V1"], NORMAL)
    assert "timepoint" in err.value.errors and counts(wb) == before
    pre = save(wb, actor, subject.visits["V1"], NORMAL, timepoint="PRE")
    post = save(wb, actor, subject.visits["V1"], {**NORMAL, "PULSE": 88}, timepoint="POST")
    assert (pre.timepoint, post.values["PULSE"]) == ("PRE", 88)
    assert load_vitals(wb, subject.visits["V1"], "PRE").values["PULSE"] == 70
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["V5"], NORMAL, timepoint="PRE")
    assert "timepoint" in err.value.errors


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"SYSBP": 300}, "SYSBP"),
        ({"TEMP": 29.9}, "TEMP"),
        ({"PULSE": "fast"}, "PULSE"),
        ({"WEIGHT": float("inf")}, "WEIGHT"),
        ({"SYSBP": 100, "DIABP": 100}, "DIABP"),
        ({"BMI": 22}, "BMI"),
        ({"HEIGHT": 170}, "HEIGHT"),  # only at screening
    ],
)
def test_each_invalid_value_named_nothing_written(wb, actor, subject, values, field):
    before = counts(wb)
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["V5"], values)
    assert field in err.value.errors and counts(wb) == before


def test_measured_at_is_site_time_stored_as_utc(wb, actor, subject):
    read = save(wb, actor, subject.visits["SCR"], NORMAL, measured_at="2025-02-04 10:15")
    assert read.measured_at.isoformat() == "2025-02-04T15:15:00+00:00"
    for value in ("2025-01-01 10:00", "2099-01-01 10:00", "10:15", datetime(1, 1, 1)):
        with pytest.raises(ValidationFailed) as err:
            save(wb, actor, subject.visits["V5"], NORMAL, measured_at=value)
        assert "measured_at" in err.value.errors


def test_empty_set_refused(wb, actor, subject):
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["V5"], {"PULSE": ""})
    assert "values" in err.value.errors


def test_edit_needs_reason_and_current_version(wb, actor, subject):
    visit = subject.visits["V5"]
    first = save(wb, actor, visit, NORMAL)
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, visit, {**NORMAL, "PULSE": 80}, expected_version=first.version)
    assert "reason" in err.value.errors
    two = save(
        wb, actor, visit, {**NORMAL, "PULSE": 80}, expected_version=first.version, reason="r"
    )
    with pytest.raises(ConflictError) as conflict:
        save(wb, actor, visit, {**NORMAL, "PULSE": 90}, expected_version=first.version, reason="r")
    assert conflict.value.current["values"]["PULSE"] == 80 and two.version > first.version
    with pytest.raises(ConflictError):
        save(wb, actor, visit, NORMAL)  # a second entry without the version is refused too
