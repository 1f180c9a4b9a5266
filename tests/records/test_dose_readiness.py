"""What should be on file before dosing: the screening and baseline forms not yet entered, and
the weight cells/kg is worked out from."""

from __future__ import annotations

import pytest

from records.assessments import save_assessment
from records.dose_readiness import dose_weight, missing_before_dose
from records.vitals import save_vitals
from tests.records.conftest import TODAY

pytestmark = pytest.mark.req("STU-DOSING")


def _by_visit(wb, subject_id):
    return {m.visit: m.forms for m in missing_before_dose(wb, subject_id)}


def test_every_screening_and_baseline_form_is_named_until_on_file(wb, actor, subject):
    missing = _by_visit(wb, subject.id)
    study = wb.study
    assert list(missing) == ["SCR Screening", "V1 Baseline / dosing"]
    for code, visit in (("SCR", "SCR Screening"), ("V1", "V1 Baseline / dosing")):
        expected = {study.form(f).name for f in study.visit(code).forms}
        expected.discard(study.form("EX").name)  # the administration itself is not missing
        assert set(missing[visit]) == expected
    save_assessment(wb, actor, visit_id=subject.visits["SCR"], form_code="PGA",
                    values={"PGA": "1.2"}, today=TODAY)  # fmt: skip
    save_assessment(wb, actor, visit_id=subject.visits["SCR"], form_code="ECG", values={},
                    state="not_done",
                    not_done_reason="machine broken", today=TODAY)  # fmt: skip
    after = _by_visit(wb, subject.id)
    gone = {study.form("PGA").name, study.form("ECG").name}
    assert gone <= set(missing["SCR Screening"]) and not gone & set(after["SCR Screening"])
    assert after["V1 Baseline / dosing"] == missing["V1 Baseline / dosing"]  # other visit kept


def test_later_visits_are_not_asked_for(wb, subject):
    assert all(m.visit.split()[0] in ("SCR", "V1") for m in missing_before_dose(wb, subject.id))


def test_the_weight_the_dose_is_divided_by(wb, actor, subject):
    v1 = subject.visits["V1"]
    assert dose_weight(wb, subject.id, v1) is None
    save_vitals(wb, actor, visit_id=subject.visits["SCR"], values={"WEIGHT": 70}, today=TODAY)
    assert dose_weight(wb, subject.id, v1) == 70  # the latest on file
    save_vitals(wb, actor, visit_id=v1, values={"WEIGHT": 64}, timepoint="PRE", today=TODAY)
    assert dose_weight(wb, subject.id, v1) == 64  # the dosing visit's own
