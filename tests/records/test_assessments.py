"""Item forms: instruments, exam forms and their derived values, edits and concurrent edits."""

from __future__ import annotations

from datetime import date

import pytest

from records.assessments import load_assessment, save_assessment
from records.errors import ConflictError, NotFound, PermissionDenied, ValidationFailed
from records.instruments import item_specs
from scoring import bilag, promis, rand36
from scoring.sledai import DESCRIPTORS
from tests.records.conftest import TODAY, counts

NONE_PRESENT = dict.fromkeys(DESCRIPTORS, "N")


def save(wb, actor, visit_id, form_code, values, **kw):
    return save_assessment(
        wb, actor, visit_id=visit_id, form_code=form_code, values=values, today=TODAY, **kw
    )


def test_pga_saved_exactly_with_anchor_and_last_change(wb, actor, subject):
    read = save(wb, actor, subject.visits["SCR"], "PGA", {"PGA": "1.3"})
    assert read.values == {"PGA": "1.30"} and read.version == 1
    assert read.assessment_date == date(2025, 2, 4)  # defaults to the visit date
    assert read.derived.values == {"pga": "1.30", "anchor": "between mild and moderate"}
    loaded = load_assessment(wb, subject.visits["SCR"], "PGA")
    assert loaded.last_changed_by == "Ivy Investigator" and loaded.last_changed_at.endswith("Z")


@pytest.mark.parametrize(
    "value", ["3.01", "-0.01", "1.234", "abc", "", float("nan"), float("inf"), True, "=1+1"]
)
def test_invalid_pga_refused_on_its_field_and_nothing_written(wb, actor, subject, value):
    before = counts(wb)
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["SCR"], "PGA", {"PGA": value})
    assert set(err.value.errors) == {"PGA"}
    assert counts(wb) == before


def test_sledai_needs_the_pga_of_the_visit_first(wb, actor, subject):
    before = counts(wb)
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["SCR"], "SLEDAI2K", NONE_PRESENT)
    assert "PGA" in err.value.errors and counts(wb) == before
    save(wb, actor, subject.visits["SCR"], "PGA", {"PGA": 1})
    read = save(wb, actor, subject.visits["SCR"], "SLEDAI2K", NONE_PRESENT)
    assert read.derived.values["total"] == 0 and read.variant == "SLEDAI-2K"
    assert read.window_days == 30


def test_sledai_total_clinical_and_band_are_derived_not_stored(wb, actor, subject):
    visit = subject.visits["SCR"]
    save(wb, actor, visit, "PGA", {"PGA": "2.00"})
    values = {**NONE_PRESENT, "arthritis": "Y", "rash": "y", "low_complement": True}
    read = save(wb, actor, visit, "SLEDAI2K", values)
    assert read.derived.values == {"total": 8, "clinical": 6, "band": "moderate"}
    assert read.values["rash"] == "Y" and read.values["low_complement"] == "Y"
    assert "total" not in read.values


def test_sledai_each_bad_item_named_missing_items_required(wb, actor, subject):
    visit = subject.visits["SCR"]
    save(wb, actor, visit, "PGA", {"PGA": "1"})
    values = {**NONE_PRESENT, "rash": "maybe", "bogus": "Y"}
    del values["fever"]
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, visit, "SLEDAI2K", values)
    assert err.value.errors.keys() == {"rash", "bogus", "fever"}
    assert err.value.errors["fever"] == "is required"


def test_in_progress_form_may_be_incomplete(wb, actor, subject):
    visit = subject.visits["SCR"]
    save(wb, actor, visit, "PGA", {"PGA": "1"})
    read = save(wb, actor, visit, "SLEDAI2K", {"rash": "Y"}, state="in_progress")
    assert read.state == "in_progress" and read.completed_at is None
    assert read.derived.warnings == ("1/24 descriptors answered",)


def test_not_done_needs_a_reason_and_no_values(wb, actor, subject):
    visit = subject.visits["SCR"]
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, visit, "PGA", {}, state="not_done")
    assert "not_done_reason" in err.value.errors
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, visit, "PGA", {"PGA": "1"}, state="not_done", not_done_reason="x")
    assert "state" in err.value.errors
    read = save(wb, actor, visit, "PGA", {}, state="not_done", not_done_reason="investigator ill")
    assert read.state == "not_done" and read.values == {}


def test_edit_needs_reason_and_current_version(wb, actor, subject):
    visit = subject.visits["SCR"]
    first = save(wb, actor, visit, "PGA", {"PGA": "1.00"})
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, visit, "PGA", {"PGA": "1.50"}, expected_version=first.version)
    assert "reason" in err.value.errors
    assert load_assessment(wb, visit, "PGA").values == {"PGA": "1.00"}
    second = save(
        wb, actor, visit, "PGA", {"PGA": "1.50"}, expected_version=first.version, reason="typo"
    )
    assert second.values == {"PGA": "1.50"} and second.version == first.version + 1


def test_concurrent_edit_refused_with_the_other_users_values(wb, actor, subject):
    visit = subject.visits["SCR"]
    save(wb, actor, visit, "PGA", {"PGA": "1.00"})
    mine, theirs = load_assessment(wb, visit, "PGA"), load_assessment(wb, visit, "PGA")
    save(wb, actor, visit, "PGA", {"PGA": "2.00"}, expected_version=theirs.version, reason="a")
    with pytest.raises(ConflictError) as err:
        save(wb, actor, visit, "PGA", {"PGA": "0.50"}, expected_version=mine.version, reason="b")
    assert err.value.current["values"] == {"PGA": "2.00"}
    assert load_assessment(wb, visit, "PGA").values == {"PGA": "2.00"}


def test_second_create_of_the_same_form_is_a_conflict(wb, actor, subject):
    save(wb, actor, subject.visits["SCR"], "PGA", {"PGA": "1.00"})
    with pytest.raises(ConflictError):
        save(wb, actor, subject.visits["SCR"], "PGA", {"PGA": "1.10"})


def test_items_only_edit_moves_the_header_version(wb, actor, subject):
    visit = subject.visits["SCR"]
    first = save(wb, actor, visit, "PGA", {"PGA": "1.00"})
    second = save(wb, actor, visit, "PGA", {"PGA": "1.20"}, expected_version=1, reason="r")
    assert second.version == first.version + 1


def test_form_not_collected_at_the_visit(wb, actor, subject):
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["V2"], "PGA", {"PGA": "1"})
    assert "form_code" in err.value.errors


def test_unknown_or_non_item_form_and_unknown_visit(wb, actor, subject):
    for code in ("NOPE", "HEM", "EX"):
        with pytest.raises(ValidationFailed) as err:
            save(wb, actor, subject.visits["SCR"], code, {})
        assert "form_code" in err.value.errors
    with pytest.raises(NotFound):
        save(wb, actor, 9999, "PGA", {"PGA": "1"})


def test_assessment_date_checked(wb, actor, subject):
    visit = subject.visits["SCR"]
    for value, fragment in (("2025-01-01", "consent"), ("2030-01-01", "after"), ("x", "date")):
        with pytest.raises(ValidationFailed) as err:
            save(wb, actor, visit, "PGA", {"PGA": "1"}, assessment_date=value)
        assert fragment in err.value.errors["assessment_date"]


def test_complete_form_needs_a_date(wb, actor, subject):
    with pytest.raises(ValidationFailed) as err:  # V1 not yet dated
        save(wb, actor, subject.visits["V1"], "PGA", {"PGA": "1"})
    assert "assessment_date" in err.value.errors


def test_mode_only_for_questionnaires(wb, actor, subject):
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["SCR"], "PGA", {"PGA": "1"}, mode="SELF")
    assert "mode" in err.value.errors


def test_monitor_may_not_write(wb, subject):
    from models import Actor

    monitor = Actor(user_id=None, username="mo", full_name="Mo", role="monitor")
    with pytest.raises(PermissionDenied):
        save(wb, monitor, subject.visits["SCR"], "PGA", {"PGA": "1"})


def test_bilag_derived_score_overall_grade_and_soft_warning(wb, actor, subject):
    grades = {bilag.GRADE_CODES[d]: "E" for d in bilag.DOMAINS}
    grades.update({code: "0" for code in bilag.ORDINAL_ITEMS})
    grades.update({bilag.GRADE_CODES["musculoskeletal"]: "B", bilag.GRADE_CODES["renal"]: "A"})
    read = save(wb, actor, subject.visits["SCR"], "BILAG2004", {**grades, "BILAG42": "4"})
    assert read.derived.values == {"numeric_score": 20, "overall_grade": "A"}
    assert read.derived.warnings == ()
    muco = {**grades, bilag.GRADE_CODES["mucocutaneous"]: "B"}
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["SCR"], "BILAG2004", {"BILAG42": "7"})
    assert {"BILAG42", bilag.GRADE_CODES["renal"]} <= set(err.value.errors)
    again = save(
        wb, actor, subject.visits["SCR"], "BILAG2004", muco, expected_version=1, reason="sdv"
    )
    assert any("mucocutaneous graded B" in w for w in again.derived.warnings)


def test_promis29_t_scores_and_mode(wb, actor, subject):
    visit = subject.visits["V1"]
    from records.visits import record_visit_date

    record_visit_date(wb, actor, visit, "2025-02-20", today=TODAY)
    answers = {item.code: "2" for item in promis.PROMIS29.items}
    read = save(wb, actor, visit, "PROMIS29", answers, mode="SELF")
    assert read.mode == "SELF"
    assert read.derived.values["fatigue_t"] == promis.promis29_t("fatigue", 8)
    assert read.derived.values["pain_intensity"] == 2
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, visit, "PROMIS29", {"P29PF1": "6"}, mode="PAPER")
    assert err.value.errors.keys() == {"P29PF1", "mode"}


def test_rand36_scales(wb, actor, subject):
    visit = subject.visits["V1"]
    from records.visits import record_visit_date

    record_visit_date(wb, actor, visit, "2025-02-20", today=TODAY)
    read = save(wb, actor, visit, "RAND36", {rand36.item_code(n): 1 for n in range(3, 13)})
    assert read.derived.values["physical_functioning"] == 0.0
    assert read.derived.values["pain"] is None


def test_exam_abnormal_finding_needs_a_note(wb, actor, subject):
    specs = [s for s in item_specs(wb.study, "PE") if s.note_for is None]
    normal = {s.code: "NORMAL" for s in specs}
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["SCR"], "PE", {**normal, "SKIN": "ABNORMAL"})
    assert err.value.errors == {"SKIN_NOTE": "a note is needed when SKIN is ABNORMAL"}
    values = {**normal, "SKIN": "abnormal", "SKIN_NOTE": "malar rash"}
    read = save(wb, actor, subject.visits["SCR"], "PE", values)
    assert read.values["SKIN"] == "ABNORMAL" and read.values["SKIN_NOTE"] == "malar rash"


def test_ecg_numbers_within_definition_limits(wb, actor, subject):
    values = {"EGHR": 70, "PRAG": 160, "QRSAG": 90, "QTAG": 380, "QTCFAG": 1000, "INTP": "NORMAL"}
    with pytest.raises(ValidationFailed) as err:
        save(wb, actor, subject.visits["SCR"], "ECG", values)
    assert set(err.value.errors) == {"QTCFAG"}
    read = save(wb, actor, subject.visits["SCR"], "ECG", {**values, "QTCFAG": "410"})
    assert read.values["QTCFAG"] == "410"
