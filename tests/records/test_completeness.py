"""A form is complete only when what the study definition requires of it is present (#10 defect 4).

The save refuses "complete" without the required items; a form stored as complete without them
(an import, or data saved before a rule tightened) reads "incomplete", names what is missing, and
does not count as done on the calendar or in the outcome data.
"""

from __future__ import annotations

import pytest

from models import Assessment, AssessmentItem
from models.db import unit_of_work
from records.assessments import load_assessment, save_assessment
from records.errors import ValidationFailed
from records.outcomes.source import load_study_data
from records.visits import calendar
from scoring import bilag
from tests.records.conftest import TODAY

GRADES = {code: "E" for code in bilag.GRADE_CODES.values()}
CODED = {code: "0" for code in bilag.ORDINAL_ITEMS}
EXAM = ("GEN", "HEENT", "NECK", "LYMPH", "RESP", "CV", "ABD", "MSK", "SKIN", "NEURO")


def _store_complete(wb, actor, visit_id: int, subject_id: int, form: str, values: dict) -> None:
    """Write a form as complete straight into the tables, as an import or an old rule would."""
    with unit_of_work(wb.engine, actor) as session:
        row = Assessment(subject_id=subject_id, visit_id=visit_id, form_code=form, state="complete")
        session.add(row)
        session.flush()
        for code, value in values.items():
            session.add(AssessmentItem(assessment_id=row.id, item_code=code, value=value))


def test_bilag_grades_without_items_cannot_be_saved_complete(wb, actor, subject):
    visit = subject.visits["SCR"]
    with pytest.raises(ValidationFailed) as err:
        save_assessment(wb, actor, visit_id=visit, form_code="BILAG2004", values=GRADES,
                        today=TODAY)  # fmt: skip
    assert set(err.value.errors) == set(bilag.ORDINAL_ITEMS)
    assert load_assessment(wb, visit, "BILAG2004") is None
    partial = save_assessment(wb, actor, visit_id=visit, form_code="BILAG2004", values=GRADES,
                              state="in_progress", today=TODAY)  # fmt: skip
    assert partial.state == "in_progress"
    done = save_assessment(wb, actor, visit_id=visit, form_code="BILAG2004",
                           values={**CODED, **GRADES}, expected_version=partial.version,
                           reason="items coded", today=TODAY)  # fmt: skip
    assert done.state == "complete"
    row = next(r for r in calendar(wb, subject.id, TODAY) if r.visit_id == visit)
    assert row.forms["BILAG2004"] == "complete" and "BILAG2004" not in row.missing


@pytest.mark.parametrize(
    ("form", "values", "missing"),
    [
        ("BILAG2004", GRADES, set(bilag.ORDINAL_ITEMS)),
        ("BILAG2004", {**CODED, **GRADES, "BILAG07": ""}, {"BILAG07"}),
        ("PGA", {}, {"PGA"}),
        (
            "PE",
            {"GEN": "NORMAL"},
            {"HEENT", "NECK", "LYMPH", "RESP", "CV", "ABD", "MSK", "SKIN", "NEURO"},
        ),
    ],
)
def test_a_form_stored_complete_without_required_items_reads_incomplete(
    wb, actor, subject, form, values, missing
):
    visit = subject.visits["SCR"]
    _store_complete(wb, actor, visit, subject.id, form, values)
    row = next(r for r in calendar(wb, subject.id, TODAY) if r.visit_id == visit)
    assert row.forms[form] == "incomplete"
    assert set(row.missing[form]) == missing


def test_an_abnormal_finding_without_its_note_is_incomplete(wb, actor, subject):
    visit = subject.visits["SCR"]
    exam = dict.fromkeys(EXAM, "NORMAL")
    _store_complete(wb, actor, visit, subject.id, "PE", {**exam, "SKIN": "ABNORMAL"})
    row = next(r for r in calendar(wb, subject.id, TODAY) if r.visit_id == visit)
    assert row.forms["PE"] == "incomplete" and len(row.missing["PE"]) == 1
    assert row.missing["PE"][0].startswith("SKIN")


def test_the_outcome_data_do_not_count_an_incomplete_form_as_done(wb, actor, subject):
    visit = subject.visits["SCR"]
    _store_complete(wb, actor, visit, subject.id, "BILAG2004", GRADES)
    data = load_study_data(wb, TODAY)
    states = data.forms[
        (data.forms["visit_id"] == visit) & (data.forms["form_code"] == "BILAG2004")
    ]
    assert states["state"].tolist() == ["incomplete"]
