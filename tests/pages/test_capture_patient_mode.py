"""AppTest of patient mode: one questionnaire item by item, saved with mode and time, staff exit;
skipped questions shown before finishing and never saved as complete; pause and resume."""

from __future__ import annotations

import pytest

from records import auth
from records.assessments import load_assessment
from records.audit_trail import AuditFilter, audit_frame
from records.holds import place_hold
from records.instruments import instrument
from tests.pages import capture_support as fixtures
from tests.pages.capture_support import dose, errors, open_page, screen, texts
from tests.study import wording_support as wording

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
    assert "Questionnaire saved" in texts(at) and "fatigue T-score" in texts(at)
    assert "fatigue_t" not in texts(at)


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


def answer(at, items, skip=()):
    """Answer every item (option 2) but those in `skip`, pressing Next, then Finish."""
    for n, item in enumerate(items):
        if item.code not in skip:
            at.radio(key="patient_answer").set_value(item.options[1].code)
        at.button(key="patient_finish" if n == len(items) - 1 else "patient_next").click().run()


def hand_back(at):
    at.text_input(key="patient_staff_password").input(PASSWORD)
    at.button(key="patient_hand_back").click().run()


def test_skipped_questions_are_offered_then_saved_in_progress_not_complete(wb, staff):
    subject, at = start(wb)
    items = instrument("PROMIS29").items
    skip = ("P29PF2", "P29ANX1", "P29DEP3", "P29FAT4", "P29SLP1", "P29SR2")
    assert set(skip) <= {i.code for i in items}
    answer(at, items, skip)
    assert "You skipped 6 questions" in [t.value for t in at.title]
    assert load_assessment(wb, subject.visits["V1"], "PROMIS29") is None  # nothing yet
    at.button(key="patient_goto_P29DEP3").click().run()
    assert "Depression item 3" in texts(at)
    at.radio(key="patient_answer").set_value("1")
    while not _has(at, "patient_finish"):  # Next to the end; answers given stay answered
        at.button(key="patient_next").click().run()
    at.button(key="patient_finish").click().run()
    assert "You skipped 5 questions" in [t.value for t in at.title]
    at.button(key="patient_finish_anyway").click().run()
    assert "hand the tablet back" in texts(at)
    saved = load_assessment(wb, subject.visits["V1"], "PROMIS29")
    assert saved.state == "in_progress" and saved.completed_at is None
    assert len(saved.values) == 24 and saved.values["P29DEP3"] == "1"
    hand_back(at)
    message = "\n".join(str(w.value) for w in at.warning)
    assert "5 of 29 questions unanswered" in message and "not complete" in message
    assert "physical function T-score" in message and "depression T-score" not in message


def _has(at, key):
    return any(b.key == key for b in at.button)


def test_hand_back_pauses_and_the_next_start_resumes(wb, staff):
    subject, at = start(wb, "RAND36")
    for code in ("2", "3", "1"):
        at.radio(key="patient_answer").set_value(code)
        at.button(key="patient_next").click().run()
    hand_back(at)
    assert "Paused with 3 of 36 questions answered" in "\n".join(str(i.value) for i in at.info)
    saved = load_assessment(wb, subject.visits["V1"], "RAND36")
    assert saved.state == "in_progress" and saved.mode == "SELF" and len(saved.values) == 3
    assert "paused with 3 answers" in texts(at)
    at.selectbox(key="patient_form").select("RAND36")
    at.selectbox(key="patient_mode_of_administration").select("INTERVIEWER")
    at.button(key="patient_start").click().run()
    assert "Question 4 of 36" in str(at.get("progress")[0].proto.text)
    at.button(key="patient_back").click().run()
    assert at.radio(key="patient_answer").value == "1"  # the paused answers came back
    at.radio(key="patient_answer").set_value("2")  # the patient changes a saved answer
    at.button(key="patient_next").click().run()
    answer(at, instrument("RAND36").items[3:])
    saved = load_assessment(wb, subject.visits["V1"], "RAND36")
    assert saved.state == "complete" and saved.mode == "SELF"  # the mode it was begun in
    assert len(saved.values) == 36 and saved.values["RAND01"] == "2"
    assert saved.values["RAND03"] == "2"  # the change is saved, with its audit reason
    trail = audit_frame(wb.engine, fixtures.USERS["monitor"], AuditFilter(subject_id=subject.id))
    changed = trail[(trail["action"] == "update") & (trail["old_value"] == "1")]
    assert changed[["new_value", "reason"]].values.tolist() == [
        ["2", "answered by the patient in patient mode"]
    ]


def test_a_refused_pause_keeps_patient_mode_until_staff_leave_without_saving(wb, staff):
    subject, at = start(wb)
    at.radio(key="patient_answer").set_value("2")
    at.button(key="patient_next").click().run()
    place_hold(wb, fixtures.USERS["data_manager"], "lock", "interim lock",
               subject_id=subject.id)  # fmt: skip
    hand_back(at)
    assert any("locked" in e for e in errors(at))  # said to staff; patient mode stays
    assert at.radio(key="patient_answer") is not None
    at.text_input(key="patient_staff_password").input(PASSWORD)
    at.button(key="patient_discard").click().run()
    assert "left without saving: 1 answer not kept" in texts(at)
    assert load_assessment(wb, subject.visits["V1"], "PROMIS29") is None


def test_with_a_wording_file_the_patient_reads_the_question_and_labelled_answers(
    wb, staff, tmp_path, monkeypatch
):
    """The study names a wording file: each screen shows its question (and introduction) and
    the answers by label, with the source and licence the file states; saved codes unchanged."""
    monkeypatch.setenv("WORKBENCH_STUDY", str(wording.study_with_wording(tmp_path, "RAND36")))
    subject, at = start(wb, "RAND36")
    shown = texts(at)
    assert wording.question("RAND01") in shown and "RAND-36" not in shown
    assert "Physical functioning item" not in shown and "General health item 1" not in shown
    radio = at.radio(key="patient_answer")
    assert radio.options == [wording.answer("RAND01", n) for n in range(1, 6)]
    caption = " ".join(c.value for c in at.caption)
    assert "Synthetic test wording 0.1 (en-GB)" in caption and "No licence needed" in caption
    radio.set_value("2")
    at.button(key="patient_next").click().run()
    at.radio(key="patient_answer").set_value("1")
    at.button(key="patient_next").click().run()
    shown = texts(at)  # item 3 has an introduction shared with the items after it
    assert "Synthetic introduction." in shown and wording.question("RAND03") in shown
    at.text_input(key="patient_staff_password").input(PASSWORD)
    at.button(key="patient_hand_back").click().run()
    saved = load_assessment(wb, subject.visits["V1"], "RAND36")
    assert saved.values == {"RAND01": "2", "RAND02": "1"} and saved.state == "in_progress"


def test_without_a_wording_file_items_keep_their_neutral_labels(wb, staff):
    _, at = start(wb, "RAND36")
    assert "General health item 1" in texts(at)
    assert at.radio(key="patient_answer").options == ["1", "2", "3", "4", "5"]
    assert "Synthetic" not in texts(at)
