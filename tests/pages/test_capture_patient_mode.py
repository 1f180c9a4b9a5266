"""AppTest of patient mode: one questionnaire item by item, saved with mode and time, staff exit."""

from __future__ import annotations

import pytest

from records import auth
from records.assessments import load_assessment
from records.instruments import instrument
from tests.pages import capture_support as fixtures
from tests.pages.capture_support import dose, errors, open_page, screen, texts

wb = fixtures.wb  # the shared database fixture

PASSWORD = "seeded account pass phrase"  # the seeded investigator's (capture_support)


@pytest.fixture
def staff(wb):
    return auth.authenticate(wb.engine, "investigator", PASSWORD)


def start(wb, form: str = "PROMIS29"):
    subject = screen(wb)
    dose(wb, subject)
    at = open_page(
        "investigator", "patient_mode.py", subject_id=subject.id, visit_id=subject.visits["V1"]
    )
    at.selectbox(key="patient_form").select(form)
    at.selectbox(key="patient_mode_of_administration").select("SELF")
    at.button(key="patient_start").click().run()
    return subject, at


def test_questionnaire_item_by_item_then_scores_after_hand_back(wb, staff):
    subject, at = start(wb)
    assert "Physical function item 1" in texts(at)
    assert len(at.radio) == 1 and "stSidebar" in at.get("html")[0].proto.body
    items = instrument("PROMIS29").items
    for n, item in enumerate(items):
        at.radio(key="patient_answer").set_value(item.options[1].code)
        at.button(key="patient_finish" if n == len(items) - 1 else "patient_next").click().run()
    assert "hand the tablet back" in texts(at)
    saved = load_assessment(wb, subject.visits["V1"], "PROMIS29")
    assert saved.mode == "SELF" and saved.completed_at is not None
    assert saved.derived.values["fatigue_t"] is not None
    at.text_input(key="patient_staff_password").input("wrong")
    at.button(key="patient_hand_back").click().run()
    assert "Wrong staff password." in errors(at)
    at.text_input(key="patient_staff_password").input(PASSWORD)
    at.button(key="patient_hand_back").click().run()
    assert "Questionnaire saved" in texts(at) and "fatigue_t" in texts(at)


def test_back_keeps_the_answers(wb, staff):
    _, at = start(wb, "RAND36")
    at.radio(key="patient_answer").set_value("3")
    at.button(key="patient_next").click().run()
    assert "item 2" in texts(at)
    at.button(key="patient_back").click().run()
    assert at.radio(key="patient_answer").value == "3"


def test_leaving_early_saves_nothing(wb, staff):
    subject, at = start(wb)
    at.text_input(key="patient_staff_password").input(PASSWORD)
    at.button(key="patient_hand_back").click().run()
    assert "nothing was saved" in texts(at)
    assert load_assessment(wb, subject.visits["V1"], "PROMIS29") is None
